package proto

import "sort"

// Access says how a program type may touch a context field.
type Access uint8

// Access bits.
const (
	Read Access = 1 << iota
	Write
)

// CtxField is a field of a program's context structure.
type CtxField struct {
	Name string
	Off  int
	Size int // element size
	Len  int // > 0 for arrays
	// Packet marks skb->data / data_end style fields: u32 in the layout,
	// packet pointers to the program.
	Packet bool
	// SocketFilter is what a socket filter may do with the field.
	SocketFilter Access
}

// Ctx is a context structure.
type Ctx struct {
	Name   string // C spelling, e.g. "struct __sk_buff"
	Size   int
	Fields []CtxField
}

// Field returns the field called name.
func (c *Ctx) Field(name string) (CtxField, bool) {
	for _, f := range c.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return CtxField{}, false
}

// Names returns the field names, for spelling hints.
func (c *Ctx) Names() []string {
	out := make([]string, len(c.Fields))
	for i, f := range c.Fields {
		out[i] = f.Name
	}
	sort.Strings(out)
	return out
}

const rw = Read | Write

// SkBuff is struct __sk_buff, the context of socket filters and TC
// programs, as in include/uapi/linux/bpf.h. SocketFilter access follows
// sk_filter_is_valid_access in net/core/filter.c: no data pointers,
// tc_classid, socket addresses or timestamps; only cb[] is writable.
var SkBuff = &Ctx{Name: "struct __sk_buff", Size: 192, Fields: []CtxField{
	{Name: "len", Off: 0, Size: 4, SocketFilter: Read},
	{Name: "pkt_type", Off: 4, Size: 4, SocketFilter: Read},
	{Name: "mark", Off: 8, Size: 4, SocketFilter: Read},
	{Name: "queue_mapping", Off: 12, Size: 4, SocketFilter: Read},
	{Name: "protocol", Off: 16, Size: 4, SocketFilter: Read},
	{Name: "vlan_present", Off: 20, Size: 4, SocketFilter: Read},
	{Name: "vlan_tci", Off: 24, Size: 4, SocketFilter: Read},
	{Name: "vlan_proto", Off: 28, Size: 4, SocketFilter: Read},
	{Name: "priority", Off: 32, Size: 4, SocketFilter: Read},
	{Name: "ingress_ifindex", Off: 36, Size: 4, SocketFilter: Read},
	{Name: "ifindex", Off: 40, Size: 4, SocketFilter: Read},
	{Name: "tc_index", Off: 44, Size: 4, SocketFilter: Read},
	{Name: "cb", Off: 48, Size: 4, Len: 5, SocketFilter: rw},
	{Name: "hash", Off: 68, Size: 4, SocketFilter: Read},
	{Name: "tc_classid", Off: 72, Size: 4},
	{Name: "data", Off: 76, Size: 4, Packet: true},
	{Name: "data_end", Off: 80, Size: 4, Packet: true},
	{Name: "napi_id", Off: 84, Size: 4, SocketFilter: Read},
	{Name: "family", Off: 88, Size: 4},
	{Name: "remote_ip4", Off: 92, Size: 4},
	{Name: "local_ip4", Off: 96, Size: 4},
	{Name: "remote_ip6", Off: 100, Size: 4, Len: 4},
	{Name: "local_ip6", Off: 116, Size: 4, Len: 4},
	{Name: "remote_port", Off: 132, Size: 4},
	{Name: "local_port", Off: 136, Size: 4},
	{Name: "data_meta", Off: 140, Size: 4},
	{Name: "tstamp", Off: 152, Size: 8},
	{Name: "wire_len", Off: 160, Size: 4},
	{Name: "gso_segs", Off: 164, Size: 4, SocketFilter: Read},
	{Name: "gso_size", Off: 176, Size: 4, SocketFilter: Read},
	{Name: "tstamp_type", Off: 180, Size: 1, SocketFilter: Read},
	{Name: "hwtstamp", Off: 184, Size: 8},
}}
