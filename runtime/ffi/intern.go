package ffi

import (
	"runtime"
	"sync"
	"weak"

	lua "github.com/yuin/gopher-lua"
)

// Boxed 64-bit integers are values: LuaJIT's are immutable, and a script
// cannot take their address. luabpf hands out one cdata object per value
// (per signedness) while that object is alive, so two boxes of the same
// number are the same Lua value: they are equal without __eq (which
// gopher-lua calls only between two userdata anyway) and index a table
// as the same key, as a kernel address read from a map and the same
// address parsed from /proc/kallsyms must.
//
// The table holds weak pointers: a box nothing references any more is
// collected as usual, and a cleanup then drops its entry.

type boxKey struct {
	bits     uint64
	unsigned bool
}

type boxes struct {
	mu sync.Mutex
	m  map[boxKey]weak.Pointer[lua.LUserData]
}

// Int64 returns the boxed 64-bit integer cdata of v, uint64_t when
// unsigned, else int64_t: the one box of that value while it lives.
func (m *Module) Int64(L *lua.LState, v uint64, unsigned bool) lua.LValue {
	return m.box(L, v, unsigned)
}

// box returns the boxed 64-bit integer cdata of v.
func (m *Module) box(L *lua.LState, v uint64, unsigned bool) lua.LValue {
	k := boxKey{v, unsigned}
	m.boxes.mu.Lock()
	defer m.boxes.mu.Unlock()
	if wp, ok := m.boxes.m[k]; ok {
		if ud := wp.Value(); ud != nil {
			return ud
		}
	}
	t := m.int64T
	if unsigned {
		t = m.uint64T
	}
	c := &CData{Type: t, Mem: make([]byte, 8)}
	storeUint(c.Mem, 8, v)
	ud := m.WrapCData(L, c)
	if m.boxes.m == nil {
		m.boxes.m = map[boxKey]weak.Pointer[lua.LUserData]{}
	}
	wp := weak.Make(ud)
	m.boxes.m[k] = wp
	runtime.AddCleanup(ud, m.boxes.forget, boxEntry{k, wp})
	return ud
}

type boxEntry struct {
	k  boxKey
	wp weak.Pointer[lua.LUserData]
}

// forget drops a collected box's entry, unless the value has a new box.
func (b *boxes) forget(e boxEntry) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m[e.k] == e.wp {
		delete(b.m, e.k)
	}
}
