package proto

import (
	"sort"

	"github.com/cilium/ebpf"
)

// MapType is a kind of BPF map bpf.map can create: the one place its facts
// are written.
type MapType struct {
	// Name is how bpf.map and the original toolkit name it: the kernel's
	// BPF_MAP_TYPE_ name, lower-cased, without the prefix.
	Name string
	Type ebpf.MapType
	// PerCPU maps hold one value per CPU; userspace reads a list.
	PerCPU bool
	// Key and Value are C types the kernel fixes for this map type, or
	// "" when the script chooses them (default uint32_t).
	Key, Value string
	// Kernel says how kernel code uses the map.
	Kernel MapUse
	// User says how userspace reads it.
	User MapRead
	// NoBTF marks map types the kernel refuses key and value BTF for.
	NoBTF bool
	// Bytes marks maps without keys and values whose size (MaxEntries)
	// is a number of bytes: ring buffers.
	Bytes bool
	// PerCPUEntries marks maps with one entry per possible CPU, whatever
	// size the script asks for.
	PerCPUEntries bool
}

// MapUse is how kernel code may use a map.
type MapUse uint8

// Kernel uses of maps.
const (
	// Elements maps are indexed: m[k], m[k] = v, m[k] = nil, xadd(m[k], n).
	Elements MapUse = iota
	// PerfOutput maps receive records with perf_submit(map, record).
	PerfOutput
	// StackIDs maps are filled by stack_id(map, flags).
	StackIDs
	// RingOutput maps receive records with perf_submit(map, record),
	// through the ring buffer helpers.
	RingOutput
	// RedirectTargets maps name where redirect_map(map, key) sends a
	// packet: interfaces (devmap) or CPUs (cpumap).
	RedirectTargets
)

// MapRead is how userspace reads a map.
type MapRead uint8

// Userspace readers of maps.
const (
	// ByKey maps are read by key and iterated with pairs.
	ByKey MapRead = iota
	// PerfReader maps are read with map:reader(), one ring per CPU.
	PerfReader
	// StackReader maps give a stack's addresses by id.
	StackReader
	// RingReader maps are read with map:reader(), one ring for all CPUs.
	RingReader
)

var mapTypes = []*MapType{
	{Name: "hash", Type: ebpf.Hash},
	{Name: "array", Type: ebpf.Array},
	{Name: "percpu_hash", Type: ebpf.PerCPUHash, PerCPU: true},
	{Name: "percpu_array", Type: ebpf.PerCPUArray, PerCPU: true},
	{Name: "lru_hash", Type: ebpf.LRUHash},
	{Name: "lru_percpu_hash", Type: ebpf.LRUCPUHash, PerCPU: true},
	{Name: "perf_event_array", Type: ebpf.PerfEventArray, Key: "int32_t", Value: "uint32_t", Kernel: PerfOutput, User: PerfReader, NoBTF: true, PerCPUEntries: true},
	{Name: "stack_trace", Type: ebpf.StackTrace, Key: "int32_t", Value: "uint64_t [127]", Kernel: StackIDs, User: StackReader, NoBTF: true},
	{Name: "ringbuf", Type: ebpf.RingBuf, Kernel: RingOutput, User: RingReader, NoBTF: true, Bytes: true},
	// Interface indices by key, for XDP's redirect_map.
	{Name: "devmap", Type: ebpf.DevMap, Key: "uint32_t", Value: "uint32_t", Kernel: RedirectTargets, NoBTF: true},
	{Name: "devmap_hash", Type: ebpf.DevMapHash, Key: "uint32_t", Value: "uint32_t", Kernel: RedirectTargets, NoBTF: true},
	// Queue sizes by CPU, for XDP's redirect_map to another CPU.
	{Name: "cpumap", Type: ebpf.CPUMap, Key: "uint32_t", Value: "uint32_t", Kernel: RedirectTargets, NoBTF: true},
}

// MapTypeOf returns the map type called name.
func MapTypeOf(name string) (*MapType, bool) {
	for _, t := range mapTypes {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// MapTypeNames lists the map type names, sorted, for messages.
func MapTypeNames() []string {
	out := make([]string, len(mapTypes))
	for i, t := range mapTypes {
		out[i] = t.Name
	}
	sort.Strings(out)
	return out
}

// String returns the map type's name.
func (t *MapType) String() string { return t.Name }
