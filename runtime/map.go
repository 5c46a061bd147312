package runtime

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// Map is a BPF map made by bpf.map: its description, which compiled
// programs refer to by name, and the kernel object once created (in
// Compile mode, its entries in memory instead).
type Map struct {
	r    *Runtime
	desc *value.Map
	m    *ebpf.Map
	mem  *memStore
	ud   *lua.LUserData
	// wrote is where the script first stored into the map, in Compile
	// mode ("sock-proto.lua:25").
	wrote string
	// fd is the descriptor a table standing for a map gave (see
	// tableMap), when hasFD: if it is a BPF map of the shape the table
	// describes, programs use that map.
	fd    int
	hasFD bool
}

// store is what userspace reads and writes the map's entries through.
func (m *Map) store() mapStore {
	if m.mem != nil {
		return m.mem
	}
	return m.m
}

// Close releases the kernel map, if it was created.
func (m *Map) Close() error {
	if m.m == nil {
		return nil
	}
	return m.m.Close()
}

// percpu reports whether lookups return one value per CPU.
func (m *Map) percpu() bool { return m.desc.Type.PerCPU }

// create makes the kernel map, once.
func (m *Map) create() (*ebpf.Map, error) {
	if m.m != nil {
		return m.m, nil
	}
	spec, err := m.desc.Spec()
	if err != nil {
		return nil, err
	}
	if m.hasFD {
		if em := adoptMap(m.fd, spec); em != nil {
			m.m = em
			return em, nil
		}
	}
	em, err := ebpf.NewMap(spec)
	if err != nil {
		return nil, mapCreateError(m.desc.Type.Name, spec, err)
	}
	m.m = em
	return em, nil
}

// adoptMap returns the BPF map behind descriptor fd (through a copy of
// the descriptor: fd stays the caller's) when it is one whose type and
// key and value sizes are spec's, and nil otherwise: the original's
// tests give made-up descriptors (42), which in this process may be
// anything, another map included.
func adoptMap(fd int, spec *ebpf.MapSpec) *ebpf.Map {
	// The kernel answers a map's info query for programs and links too,
	// so look at what the descriptor is first.
	if link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd)); err != nil || link != "anon_inode:bpf-map" {
		return nil
	}
	dup, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil
	}
	em, err := ebpf.NewMapFromFD(dup) // closes dup when it fails
	if err != nil {
		return nil
	}
	if em.Type() != spec.Type || em.KeySize() != spec.KeySize || em.ValueSize() != spec.ValueSize {
		em.Close()
		return nil
	}
	return em
}

// kernelMap returns the kernel object of the map a program refers to.
func (r *Runtime) kernelMap(d *value.Map) (*ebpf.Map, error) {
	m := r.maps[d.Name]
	if m == nil || m.desc != d {
		return nil, fmt.Errorf("program refers to map %s, which this script did not make", d.Name)
	}
	return m.create()
}

// newMap implements bpf.map(type, max_entries, key_ctype, val_ctype).
func (r *Runtime) newMap(L *lua.LState) int {
	d := r.mapDesc(L)
	r.nextMap++
	d.Name = fmt.Sprintf("map%d", r.nextMap)
	m := &Map{r: r, desc: d}
	if r.compiling() {
		return r.pushMemMap(L, m)
	}
	// Created now; when the kernel refuses, nil and the reason, as the
	// original returns them (assert(bpf.map(...)) stops there).
	if _, err := m.create(); err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	r.track(m)
	return r.pushMap(L, m)
}

// pushMap registers m as one of the script's maps and pushes it.
func (r *Runtime) pushMap(L *lua.LState, m *Map) int {
	r.maps[m.desc.Name] = m
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
	mt.RawSetString("__pairs", L.NewFunction(func(L *lua.LState) int {
		checkMap(L, 1)
		L.Push(L.NewFunction(r.mapPairs))
		L.Push(L.Get(1))
		L.Push(lua.LNil)
		return 3
	}))
	mt.RawSetString("__len", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(checkMap(L, 1).desc.MaxEntries))
		return 1
	}))
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		d := checkMap(L, 1).desc
		L.Push(lua.LString(fmt.Sprintf("bpf map<%s, %s -> %s, %d entries>", d.Type.Name, d.Key, d.Value, d.MaxEntries)))
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
			L.Push(lua.LNumber(m.desc.MaxEntries))
			return 1
		case "reader":
			L.Push(L.NewFunction(r.mapReader))
			return 1
		case "key_type", "val_type":
			// As the original's map objects have them: ffi.new(m.key_type).
			t := m.desc.Key
			if s == "val_type" {
				t = m.desc.Value
			}
			if t == nil {
				L.Push(lua.LNil)
			} else {
				L.Push(r.ffi.WrapCType(L, t))
			}
			return 1
		case "map_type":
			L.Push(lua.LNumber(m.desc.Type.Type))
			return 1
		case "fd":
			// The kernel map's descriptor; nil when there is none (Compile mode).
			if m.m == nil {
				L.Push(lua.LNil)
			} else {
				L.Push(lua.LNumber(m.m.FD()))
			}
			return 1
		case "__map":
			L.Push(lua.LTrue)
			return 1
		}
		if !isCharArray(m.desc.Key) {
			L.Push(lua.LNil)
			return 1
		}
	}
	key, err := r.keyBytes(L, m, k)
	if err != nil {
		L.RaiseError("%v", err)
	}
	val, err := m.lookup(key)
	if err != nil {
		L.Push(lua.LNil)
		L.Push(lua.LString(err.Error()))
		return 2
	}
	L.Push(r.valueOut(L, m, val))
	return 1
}

func isCharArray(t *ctype.Type) bool {
	return t.Kind == ctype.Array && t.Elem.Kind == ctype.Int && t.Elem.Size == 1
}

// keyBytes converts a Lua value to the map's key bytes.
func (r *Runtime) keyBytes(L *lua.LState, m *Map, k lua.LValue) ([]byte, error) {
	b := make([]byte, m.desc.Key.Size)
	if err := r.ffi.FromLua(L, scalarFor(m.desc.Key, k), k, b); err != nil {
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
			vals[i] = make([]byte, m.desc.Value.Size)
		}
		if err := m.store().Lookup(key, vals); err != nil {
			return nil, err
		}
		return vals, nil
	}
	val := make([]byte, m.desc.Value.Size)
	if err := m.store().Lookup(key, val); err != nil {
		return nil, err
	}
	return [][]byte{val}, nil
}

// valueOut converts looked-up bytes to Lua (see mapScalar); per-CPU
// maps give a table of those, one per CPU.
func (r *Runtime) valueOut(L *lua.LState, m *Map, vals [][]byte) lua.LValue {
	if m.desc.Type.User == proto.StackReader {
		return r.stackFrames(L, vals[0])
	}
	if !m.percpu() {
		return r.mapScalar(L, m.desc.Value, vals[0])
	}
	t := L.NewTable()
	for i, b := range vals {
		t.RawSetInt(i+1, r.mapScalar(L, m.desc.Value, b))
	}
	return t
}

// mapNewIndex implements m[k] = v (and m[k] = nil to delete).
func (r *Runtime) mapNewIndex(L *lua.LState) int {
	m := checkMap(L, 1)
	key, err := r.keyBytes(L, m, L.Get(2))
	if err != nil {
		L.RaiseError("%v", err)
	}
	if m.mem != nil && m.wrote == "" {
		m.wrote = strings.TrimSuffix(L.Where(1), ":")
	}
	v := L.Get(3)
	if v == lua.LNil {
		if err := m.store().Delete(key); err != nil && !errors.Is(err, ebpf.ErrKeyNotExist) {
			if m.mem == nil && errors.Is(err, unix.EINVAL) && (m.desc.Type.Type == ebpf.Array || m.desc.Type.Type == ebpf.PerCPUArray) {
				err = errors.New("array entries cannot be deleted; store 0 instead")
			}
			L.RaiseError("delete from map: %v", err)
		}
		return 0
	}
	if err := r.update(L, m, key, v); err != nil {
		L.RaiseError("%v", err)
	}
	return 0
}

// update stores v under key; per-CPU maps take one value for all CPUs or
// a table with one per CPU.
func (r *Runtime) update(L *lua.LState, m *Map, key []byte, v lua.LValue) error {
	conv := func(v lua.LValue) ([]byte, error) {
		b := make([]byte, m.desc.Value.Size)
		if err := r.ffi.FromLua(L, scalarFor(m.desc.Value, v), v, b); err != nil {
			return nil, fmt.Errorf("bad map value: %w", err)
		}
		return b, nil
	}
	if !m.percpu() {
		b, err := conv(v)
		if err != nil {
			return err
		}
		return m.updateError(m.store().Update(key, b, ebpf.UpdateAny))
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
	return m.updateError(m.store().Update(key, vals, ebpf.UpdateAny))
}

// updateError says what went wrong storing a converted value, in the
// words the in-memory store of Compile mode uses for the same refusals
// (the kernel says E2BIG for both a full hash and an index past an
// array's end).
func (m *Map) updateError(err error) error {
	if err == nil {
		return nil
	}
	if m.mem == nil && errors.Is(err, unix.E2BIG) {
		if m.desc.Type.Type == ebpf.Array || m.desc.Type.Type == ebpf.PerCPUArray {
			err = fmt.Errorf("index beyond the array's %d entries", m.desc.MaxEntries)
		} else {
			err = fmt.Errorf("the map is full (%d entries)", m.desc.MaxEntries)
		}
	}
	return fmt.Errorf("update map: %w", err)
}

// mapPairs is the iterator of `for k, v in m.pairs, m, start do`: it
// returns the key after k (the first key when k is nil) and its value.
func (r *Runtime) mapPairs(L *lua.LState) int {
	m := checkMap(L, 1)
	var cur []byte
	if k := L.Get(2); k != lua.LNil {
		var err error
		if cur, err = r.keyBytes(L, m, k); err != nil {
			L.RaiseError("%v", err)
		}
	}
	for {
		next := make([]byte, m.desc.Key.Size)
		var err error
		if cur == nil {
			err = m.store().NextKey(nil, next)
		} else {
			err = m.store().NextKey(cur, next)
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
		L.Push(r.mapScalar(L, m.desc.Key, next))
		L.Push(r.valueOut(L, m, vals))
		return 2
	}
}

// defaultRingBytes is a ring buffer's size when bpf.map('ringbuf') gives
// none.
const defaultRingBytes = 256 << 10

// mapDesc reads bpf.map's arguments into a map description (without a
// name), raising an argument error for what the kernel would refuse.
func (r *Runtime) mapDesc(L *lua.LState) *value.Map {
	name := strings.ToLower(L.CheckString(1))
	typ, ok := proto.MapTypeOf(name)
	if !ok {
		L.ArgError(1, fmt.Sprintf("unknown map type %q (known: %s)", name, strings.Join(proto.MapTypeNames(), ", ")))
	}
	if typ.Bytes {
		size := L.OptInt(2, defaultRingBytes)
		page := os.Getpagesize()
		if size <= 0 || size%page != 0 || size&(size-1) != 0 {
			L.ArgError(2, fmt.Sprintf("a %s's size must be a power of two and a multiple of the page size (%d bytes), such as %d", name, page, defaultRingBytes))
		}
		return &value.Map{Type: typ, MaxEntries: size}
	}
	max := 4096
	if v := L.Get(2); v != lua.LNil {
		n, ok := v.(lua.LNumber)
		if !ok || float64(n) != math.Trunc(float64(n)) || n < 1 || n > math.MaxUint32 {
			L.ArgError(2, fmt.Sprintf("max_entries must be a whole number from 1 to %d, not %s", uint32(math.MaxUint32), L.ToStringMeta(v)))
		}
		max = int(n)
	}
	if typ.PerCPUEntries {
		// At most one entry per CPU, as the kernel needs (the original's
		// examples leave the default of 4096).
		n, err := ebpf.PossibleCPU()
		if err != nil {
			L.RaiseError("count the CPUs for a %s map: %v", name, err)
		}
		if max <= 0 || max > n {
			max = n
		}
	}
	key := r.mapType(L, 3, typ.Key)
	val := r.mapType(L, 4, typ.Value)
	return &value.Map{Type: typ, Key: key, Value: val, MaxEntries: max}
}

// mapType reads argument n of bpf.map, a key or value type: the one the
// map type fixes, else the one given, else uint32_t.
func (r *Runtime) mapType(L *lua.LState, n int, fixed string) *ctype.Type {
	if fixed != "" {
		return r.reg.MustParse(fixed)
	}
	if L.GetTop() < n || L.Get(n) == lua.LNil {
		return r.reg.MustParse("uint32_t")
	}
	t, err := r.ffi.TypeOf(L, L.Get(n))
	if err != nil {
		L.ArgError(n, err.Error())
	}
	if t.Size <= 0 {
		L.ArgError(n, "map keys and values need a complete type with a size")
	}
	return t
}

// scalarFor is the type a Lua value is stored as into a key or value of
// type t: a number fills a one-element array of integers (uint64_t [1],
// which the original's scripts give maps) as its element.
func scalarFor(t *ctype.Type, v lua.LValue) *ctype.Type {
	if t.Kind != ctype.Array || t.Len != 1 || !t.Elem.IsInteger() {
		return t
	}
	if _, ok := v.(lua.LNumber); ok {
		return t.Elem
	}
	if c, ok := ffi.CDataOf(v); ok && c.Type.IsInteger() {
		return t.Elem
	}
	return t
}
