package runtime

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/ir"
	"github.com/luabpf/luabpf/internal/irgen"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// mapTypes are the map types bpf.map accepts, by the names the original
// toolkit (and the kernel, lower-cased, without BPF_MAP_TYPE_) use.
var mapTypes = map[string]ebpf.MapType{
	"hash":             ebpf.Hash,
	"array":            ebpf.Array,
	"percpu_hash":      ebpf.PerCPUHash,
	"percpu_array":     ebpf.PerCPUArray,
	"lru_hash":         ebpf.LRUHash,
	"lru_percpu_hash":  ebpf.LRUCPUHash,
	"perf_event_array": ebpf.PerfEventArray,
	"stack_trace":      ebpf.StackTrace,
}

// Map is a BPF map created by bpf.map.
type Map struct {
	r        *Runtime
	m        *ebpf.Map
	typ      ebpf.MapType
	typeName string
	key, val *ctype.Type
	max      int
	ref      *ir.MapRef
	ud       *lua.LUserData
}

// Close releases the map.
func (m *Map) Close() error { return m.m.Close() }

// percpu reports whether lookups return one value per CPU.
func (m *Map) percpu() bool {
	switch m.typ {
	case ebpf.PerCPUHash, ebpf.PerCPUArray, ebpf.LRUCPUHash:
		return true
	}
	return false
}

// compiled is the map as kernel code sees it.
func (m *Map) compiled() *irgen.Map {
	return &irgen.Map{Ref: m.ref, Key: m.key, Val: m.val, MaxEntries: m.max}
}

// newMap implements bpf.map(type, max_entries, key_ctype, val_ctype).
func (r *Runtime) newMap(L *lua.LState) int {
	name := strings.ToLower(L.CheckString(1))
	typ, ok := mapTypes[name]
	if !ok {
		var names []string
		for n := range mapTypes {
			names = append(names, n)
		}
		sort.Strings(names)
		L.ArgError(1, fmt.Sprintf("unknown map type %q (known: %s)", name, strings.Join(names, ", ")))
	}
	max := L.OptInt(2, 4096)
	key, val := r.reg.MustParse("uint32_t"), r.reg.MustParse("uint32_t")
	var err error
	if L.GetTop() >= 3 && L.Get(3) != lua.LNil {
		if key, err = r.ffi.TypeOf(L, L.Get(3)); err != nil {
			L.ArgError(3, err.Error())
		}
	}
	if L.GetTop() >= 4 && L.Get(4) != lua.LNil {
		if val, err = r.ffi.TypeOf(L, L.Get(4)); err != nil {
			L.ArgError(4, err.Error())
		}
	}
	if typ == ebpf.StackTrace {
		key = r.reg.MustParse("int32_t")
		val = r.reg.MustParse("uint64_t [127]")
	}
	if key.Size <= 0 || val.Size <= 0 {
		L.ArgError(3, "map keys and values need a complete type with a size")
	}
	spec := &ebpf.MapSpec{Type: typ, KeySize: uint32(key.Size), ValueSize: uint32(val.Size), MaxEntries: uint32(max)}
	em, err := ebpf.NewMap(spec)
	if err != nil {
		// Raised rather than returned as nil, err: a script that goes on
		// without its map only fails later, far from the cause.
		hint := ""
		if errors.Is(err, os.ErrPermission) {
			hint = " (creating BPF maps needs root, or CAP_BPF)"
		}
		L.RaiseError("create %s map: %v%s", name, err, hint)
	}
	r.nextMap++
	m := &Map{r: r, m: em, typ: typ, typeName: name, key: key, val: val, max: max}
	m.ref = &ir.MapRef{Name: fmt.Sprintf("map%d", r.nextMap), MapType: name, KeySize: key.Size, ValueSize: val.Size, Handle: m}
	r.track(m)
	ud := L.NewUserData()
	ud.Value = m
	L.SetMetatable(ud, r.mapMeta())
	m.ud = ud
	L.Push(ud)
	return 1
}

// mapMeta is the metatable of map userdata.
func (r *Runtime) mapMeta() *lua.LTable {
	L := r.L
	if mt, ok := L.GetField(L.Get(lua.RegistryIndex), "luabpf.map").(*lua.LTable); ok {
		return mt
	}
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(r.mapIndex))
	mt.RawSetString("__newindex", L.NewFunction(r.mapNewIndex))
	mt.RawSetString("__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(checkMap(L, 1).max))
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		m := checkMap(L, 1)
		L.Push(lua.LString(fmt.Sprintf("bpf map<%s, %s -> %s, %d entries>", m.typeName, m.key, m.val, m.max)))
		return 1
	}))
	L.SetField(L.Get(lua.RegistryIndex), "luabpf.map", mt)
	return mt
}

func checkMap(L *lua.LState, n int) *Map {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if m, ok := ud.Value.(*Map); ok {
			return m
		}
	}
	L.ArgError(n, "expected a map made by bpf.map")
	return nil
}

// mapIndex implements m[k] and the map's methods (m.pairs, m.reader).
func (r *Runtime) mapIndex(L *lua.LState) int {
	m := checkMap(L, 1)
	k := L.Get(2)
	if s, ok := k.(lua.LString); ok {
		switch string(s) {
		case "pairs":
			L.Push(L.NewFunction(r.mapPairs))
			return 1
		case "max_entries":
			L.Push(lua.LNumber(m.max))
			return 1
		case "reader":
			L.Push(L.NewFunction(func(L *lua.LState) int {
				L.RaiseError("perf event readers (map:reader) are not supported yet")
				return 0
			}))
			return 1
		}
		if !isCharArray(m.key) {
			L.Push(lua.LNil)
			return 1
		}
	}
	key, err := r.keyBytes(L, m, k)
	if err != nil {
		L.ArgError(2, err.Error())
	}
	val, err := m.lookup(key)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(r.valueOut(L, m, val, true))
	return 1
}

func isCharArray(t *ctype.Type) bool {
	return t.Kind == ctype.Array && t.Elem.Kind == ctype.Int && t.Elem.Size == 1
}

// keyBytes converts a Lua value to the map's key bytes.
func (r *Runtime) keyBytes(L *lua.LState, m *Map, k lua.LValue) ([]byte, error) {
	b := make([]byte, m.key.Size)
	if err := r.ffi.FromLua(L, m.key, k, b); err != nil {
		return nil, fmt.Errorf("bad map key: %w", err)
	}
	return b, nil
}

// lookup returns the value bytes for key: one value, or one per CPU
// laid out back to back for per-CPU maps.
func (m *Map) lookup(key []byte) ([][]byte, error) {
	if m.percpu() {
		n, err := ebpf.PossibleCPU()
		if err != nil {
			return nil, err
		}
		vals := make([][]byte, n)
		for i := range vals {
			vals[i] = make([]byte, m.val.Size)
		}
		if err := m.m.Lookup(key, vals); err != nil {
			return nil, err
		}
		return vals, nil
	}
	val := make([]byte, m.val.Size)
	if err := m.m.Lookup(key, val); err != nil {
		return nil, err
	}
	return [][]byte{val}, nil
}

// valueOut converts looked-up bytes to Lua: a cdata of the value type
// (box) as the original's m[k] returns, or what reading a field of that
// type gives (pairs); per-CPU maps give a table of those, one per CPU.
func (r *Runtime) valueOut(L *lua.LState, m *Map, vals [][]byte, box bool) lua.LValue {
	one := func(b []byte) lua.LValue {
		if box {
			ud := r.ffi.NewCData(L, m.val)
			copy(ud.Value.(*ffi.CData).Mem, b)
			return ud
		}
		return r.ffi.ToLua(L, m.val, b)
	}
	if !m.percpu() {
		return one(vals[0])
	}
	t := L.NewTable()
	for i, b := range vals {
		t.RawSetInt(i+1, one(b))
	}
	return t
}

// mapNewIndex implements m[k] = v (and m[k] = nil to delete).
func (r *Runtime) mapNewIndex(L *lua.LState) int {
	m := checkMap(L, 1)
	key, err := r.keyBytes(L, m, L.Get(2))
	if err != nil {
		L.ArgError(2, err.Error())
	}
	v := L.Get(3)
	if v == lua.LNil {
		if err := m.m.Delete(key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			L.RaiseError("delete from map: %v", err)
		}
		return 0
	}
	if err := r.update(L, m, key, v); err != nil {
		L.RaiseError("update map: %v", err)
	}
	return 0
}

// update stores v under key; per-CPU maps take one value for all CPUs or
// a table with one per CPU.
func (r *Runtime) update(L *lua.LState, m *Map, key []byte, v lua.LValue) error {
	conv := func(v lua.LValue) ([]byte, error) {
		b := make([]byte, m.val.Size)
		return b, r.ffi.FromLua(L, m.val, v, b)
	}
	if !m.percpu() {
		b, err := conv(v)
		if err != nil {
			return err
		}
		return m.m.Update(key, b, ebpf.UpdateAny)
	}
	n, err := ebpf.PossibleCPU()
	if err != nil {
		return err
	}
	vals := make([][]byte, n)
	for i := range vals {
		x := v
		if t, ok := v.(*lua.LTable); ok {
			x = t.RawGetInt(i + 1)
		}
		if vals[i], err = conv(x); err != nil {
			return err
		}
	}
	return m.m.Update(key, vals, ebpf.UpdateAny)
}

// mapPairs is the iterator of `for k, v in m.pairs, m, start do`: it
// returns the key after k (the first key when k is nil) and its value.
func (r *Runtime) mapPairs(L *lua.LState) int {
	m := checkMap(L, 1)
	var cur []byte
	if k := L.Get(2); k != lua.LNil {
		var err error
		if cur, err = r.keyBytes(L, m, k); err != nil {
			L.ArgError(2, err.Error())
		}
	}
	for {
		next := make([]byte, m.key.Size)
		var err error
		if cur == nil {
			err = m.m.NextKey(nil, next)
		} else {
			err = m.m.NextKey(cur, next)
		}
		if err != nil {
			L.Push(lua.LNil)
			return 1
		}
		vals, err := m.lookup(next)
		if err != nil {
			cur = next // deleted since: move on
			continue
		}
		L.Push(r.ffi.ToLua(L, m.key, next))
		L.Push(r.valueOut(L, m, vals, false))
		return 2
	}
}
