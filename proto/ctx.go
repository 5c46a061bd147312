package proto

import "sort"

// Access says how a program kind may touch a context field.
type Access uint8

// Access bits.
const (
	Read Access = 1 << iota
	Write
)

// CtxField is a field of a program's context structure, as one program
// kind sees it.
type CtxField struct {
	Name string
	Off  int
	Size int // element size
	Len  int // > 0 for arrays
	// Signed fields sign-extend when read.
	Signed bool
	// Packet marks skb->data / data_end style fields: u32 in the layout,
	// packet pointers to the program.
	Packet bool
	// Access is what this program kind may do with the field.
	Access Access
}

// Ctx is a context structure as one program kind sees it.
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

// skbField is a field of struct __sk_buff with what each program kind
// that sees the structure may do with it: one column per kind.
type skbField struct {
	name           string
	off, size, len int
	packet         bool
	socket         Access // socket filters: sk_filter_is_valid_access
	tc             Access // TC (sched_cls): tc_cls_act_is_valid_access
}

// skbFields is struct __sk_buff, the context of socket filters and TC
// programs, as in include/uapi/linux/bpf.h. The socket column follows
// sk_filter_is_valid_access in net/core/filter.c: no data pointers,
// tc_classid, socket addresses or timestamps; only cb[] is writable. The
// tc column follows tc_cls_act_is_valid_access: everything but the
// socket's family, addresses and ports (and data_meta, which luabpf does
// not offer), with mark, queue_mapping, priority, tc_index, cb[],
// tc_classid and tstamp writable.
var skbFields = []skbField{
	{name: "len", off: 0, size: 4, socket: Read, tc: Read},
	{name: "pkt_type", off: 4, size: 4, socket: Read, tc: Read},
	{name: "mark", off: 8, size: 4, socket: Read, tc: rw},
	{name: "queue_mapping", off: 12, size: 4, socket: Read, tc: rw},
	{name: "protocol", off: 16, size: 4, socket: Read, tc: Read},
	{name: "vlan_present", off: 20, size: 4, socket: Read, tc: Read},
	{name: "vlan_tci", off: 24, size: 4, socket: Read, tc: Read},
	{name: "vlan_proto", off: 28, size: 4, socket: Read, tc: Read},
	{name: "priority", off: 32, size: 4, socket: Read, tc: rw},
	{name: "ingress_ifindex", off: 36, size: 4, socket: Read, tc: Read},
	{name: "ifindex", off: 40, size: 4, socket: Read, tc: Read},
	{name: "tc_index", off: 44, size: 4, socket: Read, tc: rw},
	{name: "cb", off: 48, size: 4, len: 5, socket: rw, tc: rw},
	{name: "hash", off: 68, size: 4, socket: Read, tc: Read},
	{name: "tc_classid", off: 72, size: 4, tc: rw},
	{name: "data", off: 76, size: 4, packet: true, tc: Read},
	{name: "data_end", off: 80, size: 4, packet: true, tc: Read},
	{name: "napi_id", off: 84, size: 4, socket: Read, tc: Read},
	{name: "family", off: 88, size: 4},
	{name: "remote_ip4", off: 92, size: 4},
	{name: "local_ip4", off: 96, size: 4},
	{name: "remote_ip6", off: 100, size: 4, len: 4},
	{name: "local_ip6", off: 116, size: 4, len: 4},
	{name: "remote_port", off: 132, size: 4},
	{name: "local_port", off: 136, size: 4},
	{name: "data_meta", off: 140, size: 4},
	{name: "tstamp", off: 152, size: 8, tc: rw},
	{name: "wire_len", off: 160, size: 4, tc: Read},
	{name: "gso_segs", off: 164, size: 4, socket: Read, tc: Read},
	{name: "gso_size", off: 176, size: 4, socket: Read, tc: Read},
	{name: "tstamp_type", off: 180, size: 1, socket: Read, tc: Read},
	{name: "hwtstamp", off: 184, size: 8, tc: Read},
}

// xdpCtx is struct xdp_md, the context of XDP programs, as
// xdp_is_valid_access in net/core/filter.c lets them see it: everything
// read-only; data_meta is not offered, and egress_ifindex is only for
// programs in a device map, which luabpf does not load.
var xdpCtx = &Ctx{Name: "struct xdp_md", Size: 24, Fields: []CtxField{
	{Name: "data", Off: 0, Size: 4, Packet: true, Access: Read},
	{Name: "data_end", Off: 4, Size: 4, Packet: true, Access: Read},
	{Name: "data_meta", Off: 8, Size: 4},
	{Name: "ingress_ifindex", Off: 12, Size: 4, Access: Read},
	{Name: "rx_queue_index", Off: 16, Size: 4, Access: Read},
	{Name: "egress_ifindex", Off: 20, Size: 4},
}}

// skbView builds struct __sk_buff as one program kind sees it, taking
// the access rules from that kind's column.
func skbView(name string, access func(skbField) Access) *Ctx {
	c := &Ctx{Name: name, Size: 192}
	for _, f := range skbFields {
		c.Fields = append(c.Fields, CtxField{Name: f.name, Off: f.off, Size: f.size, Len: f.len, Packet: f.packet, Access: access(f)})
	}
	return c
}
