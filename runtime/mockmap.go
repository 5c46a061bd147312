package runtime

import (
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/proto"
	"github.com/luabpf/luabpf/runtime/ffi"
	lua "github.com/yuin/gopher-lua"
)

// The original's tests hand kernel functions plain tables that stand
// for maps: {__map = true, key_type = ..., val_type = ..., max_entries
// = ..., map_type = ...}, what its compiler reads of a map. A kernel
// function compiles against such a table as against a map with that
// description. Loading the program uses the kernel map the table's fd
// names when it is one of that shape, and creates one otherwise (the
// original's tests give made-up descriptors).

// tableMap returns the map a table that stands for one describes, the
// same one each time; ok is false when t is an ordinary table.
func (r *Runtime) tableMap(t *lua.LTable) (d *value.Map, ok bool, err error) {
	if !lua.LVAsBool(t.RawGetString("__map")) {
		return nil, false, nil
	}
	if m, ok := r.mocks[t]; ok {
		return m.desc, true, nil
	}
	typ, _ := proto.MapTypeOf("hash") // as the original's compiler treats an untyped map
	switch mt := t.RawGetString("map_type").(type) {
	case lua.LNumber:
		found := false
		for _, name := range proto.MapTypeNames() {
			if c, _ := proto.MapTypeOf(name); c.Type == ebpf.MapType(mt) {
				typ, found = c, true
			}
		}
		if !found {
			return nil, true, fmt.Errorf("map_type %v is not a map type luabpf knows", mt)
		}
	case lua.LString:
		c, found := proto.MapTypeOf(string(mt))
		if !found {
			return nil, true, fmt.Errorf("unknown map_type %q", string(mt))
		}
		typ = c
	}
	key, err := r.tableMapType(t, "key_type", typ.Key)
	if err != nil {
		return nil, true, err
	}
	val, err := r.tableMapType(t, "val_type", typ.Value)
	if err != nil {
		return nil, true, err
	}
	max := 4096
	if n, ok := t.RawGetString("max_entries").(lua.LNumber); ok && n >= 1 {
		max = int(n)
	}
	r.nextMap++
	d = &value.Map{Name: fmt.Sprintf("map%d", r.nextMap), Type: typ, Key: key, Value: val, MaxEntries: max}
	m := &Map{r: r, desc: d}
	if fd, ok := t.RawGetString("fd").(lua.LNumber); ok && fd >= 0 && fd == lua.LNumber(int(fd)) {
		m.fd, m.hasFD = int(fd), true
	}
	if r.compiling() {
		if m.mem, err = newMemStore(d); err != nil {
			return nil, true, err
		}
	} else {
		r.track(m)
	}
	r.mocks[t] = m
	r.maps[d.Name] = m
	return d, true, nil
}

// tableMapType reads a key or value type of a table that stands for a
// map: a ctype, a C declaration, or nothing (uint32_t, as bpf.map).
func (r *Runtime) tableMapType(t *lua.LTable, field, fixed string) (*ctype.Type, error) {
	if fixed != "" {
		return r.reg.MustParse(fixed), nil
	}
	v := t.RawGetString(field)
	if v == lua.LNil {
		return r.reg.MustParse("uint32_t"), nil
	}
	if ud, ok := v.(*lua.LUserData); ok {
		if ct, ok := ffi.CTypeOf(ud); ok {
			return ct, nil
		}
	}
	if s, ok := v.(lua.LString); ok {
		return r.reg.Parse(string(s))
	}
	return nil, fmt.Errorf("the map's %s must be a ctype (ffi.typeof), not %s", field, v.Type())
}
