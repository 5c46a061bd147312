package runtime

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile/value"
)

// mapStore is what userspace reads and writes a map's entries through:
// the kernel map (*ebpf.Map), or in Compile mode a copy in memory.
// Keys are []byte; values are []byte, or [][]byte with one value per
// CPU for per-CPU maps.
type mapStore interface {
	Lookup(key, valueOut any) error
	Update(key, value any, flags ebpf.MapUpdateFlags) error
	Delete(key any) error
	NextKey(key, nextKeyOut any) error
}

// memStore holds a map's entries in memory, for Compile mode, where no
// kernel map exists: the script's top level reads what it wrote, as it
// would before any event arrives. Arrays have every index below
// MaxEntries, zero until written, as kernel arrays do; other maps hold
// what was written, iterated in key byte order so runs are
// deterministic.
type memStore struct {
	desc    *value.Map
	array   bool
	cpus    int               // values per entry: 1, or the CPUs of a per-CPU map
	entries map[string][]byte // key bytes to cpus values back to back
}

func newMemStore(d *value.Map) (*memStore, error) {
	s := &memStore{desc: d, cpus: 1, entries: map[string][]byte{},
		array: d.Type.Type == ebpf.Array || d.Type.Type == ebpf.PerCPUArray}
	if s.array && d.KeySize() != 4 {
		// The kernel refuses these (see mapCreateError); in memory an
		// index of another size would name no entry, and pairs(m)
		// would start again at index 0 for ever.
		return nil, fmt.Errorf("cannot create the %s map: array maps need 4-byte keys (uint32_t), not %d-byte ones", d.Type.Name, d.KeySize())
	}
	if d.Type.PerCPU {
		n, err := ebpf.PossibleCPU()
		if err != nil {
			return nil, err
		}
		s.cpus = n
	}
	return s, nil
}

// index reads an array key; ok is false beyond the array.
func (s *memStore) index(key []byte) (uint32, bool) {
	if len(key) != 4 {
		return 0, false
	}
	i := binary.NativeEndian.Uint32(key)
	return i, i < uint32(s.desc.MaxEntries)
}

func keyOf(k any) ([]byte, error) {
	switch k := k.(type) {
	case nil:
		return nil, nil
	case []byte:
		return k, nil
	}
	return nil, fmt.Errorf("map key of unexpected type %T", k)
}

// Lookup implements mapStore.
func (s *memStore) Lookup(k, out any) error {
	key, err := keyOf(k)
	if err != nil {
		return err
	}
	val, ok := s.entries[string(key)]
	if !ok {
		if _, in := s.index(key); !s.array || !in {
			return ebpf.ErrKeyNotExist
		}
		val = make([]byte, s.cpus*s.desc.ValueSize())
	}
	switch out := out.(type) {
	case []byte:
		copy(out, val)
	case [][]byte:
		n := s.desc.ValueSize()
		for i := range out {
			copy(out[i], val[min(i*n, len(val)):])
		}
	default:
		return fmt.Errorf("map value of unexpected type %T", out)
	}
	return nil
}

// Update implements mapStore.
func (s *memStore) Update(k, v any, _ ebpf.MapUpdateFlags) error {
	key, err := keyOf(k)
	if err != nil {
		return err
	}
	if s.array {
		if _, in := s.index(key); !in {
			return fmt.Errorf("index beyond the array's %d entries", s.desc.MaxEntries)
		}
	} else if _, ok := s.entries[string(key)]; !ok && len(s.entries) >= s.desc.MaxEntries {
		return fmt.Errorf("the map is full (%d entries)", s.desc.MaxEntries)
	}
	var val []byte
	switch v := v.(type) {
	case []byte:
		val = slices.Clone(v)
	case [][]byte:
		for _, b := range v {
			val = append(val, b...)
		}
	default:
		return fmt.Errorf("map value of unexpected type %T", v)
	}
	s.entries[string(key)] = val
	return nil
}

// Delete implements mapStore.
func (s *memStore) Delete(k any) error {
	key, err := keyOf(k)
	if err != nil {
		return err
	}
	if s.array {
		return fmt.Errorf("array entries cannot be deleted; store 0 instead")
	}
	if _, ok := s.entries[string(key)]; !ok {
		return ebpf.ErrKeyNotExist
	}
	delete(s.entries, string(key))
	return nil
}

// NextKey implements mapStore: the key after k (the first for nil), or
// ErrKeyNotExist after the last.
func (s *memStore) NextKey(k, out any) error {
	key, err := keyOf(k)
	if err != nil {
		return err
	}
	next, ok := out.([]byte)
	if !ok {
		return fmt.Errorf("map key of unexpected type %T", out)
	}
	if s.array {
		i, in := s.index(key)
		switch {
		case key == nil || !in:
			i = 0
		default:
			i++
		}
		if i >= uint32(s.desc.MaxEntries) {
			return ebpf.ErrKeyNotExist
		}
		binary.NativeEndian.PutUint32(next, i)
		return nil
	}
	keys := s.keys()
	j := 0
	if key != nil {
		j, _ = slices.BinarySearchFunc(keys, key, bytes.Compare)
		if j < len(keys) && bytes.Equal(keys[j], key) {
			j++
		}
	}
	if j >= len(keys) {
		return ebpf.ErrKeyNotExist
	}
	copy(next, keys[j])
	return nil
}

// keys returns the keys in byte order.
func (s *memStore) keys() [][]byte {
	out := make([][]byte, 0, len(s.entries))
	for k := range s.entries {
		out = append(out, []byte(k))
	}
	slices.SortFunc(out, bytes.Compare)
	return out
}

// written counts the entries a kernel map made from the description
// would not hold: every entry of a hash map, the non-zero values of an
// array.
func (s *memStore) written() int {
	n := 0
	for _, v := range s.entries {
		if !s.array || slices.ContainsFunc(v, func(b byte) bool { return b != 0 }) {
			n++
		}
	}
	return n
}
