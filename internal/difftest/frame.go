package difftest

import (
	"encoding/binary"
	"fmt"
	"math/rand"
	"net/netip"

	"github.com/luabpf/luabpf/internal/packet"
)

// Input is a run-time input of a program: a header field, a payload byte
// or slice, or skb.len, with the value it has in the program's frame.
// The offsets are the frame's own layout as RFC 791, 768 and 793 give
// it, not the compiler's dissector tables.
type Input struct {
	Lua    string
	Type   *CType
	V      uint64 // the value on this frame
	NoSwap bool   // bitfields and slices: not given to ntoh
}

// Payload is where a frame's transport payload is: the Lua of its
// position (pkt.ip.udp.data or pkt.ip.tcp.data), its offset in the frame
// and its length (at least 8).
type Payload struct {
	Hdr string
	At  int
	N   int
}

// makeFrame builds a random Ethernet/IPv4/UDP or TCP frame and lists the
// inputs a program may read from it.
func makeFrame(r *rand.Rand) ([]byte, []*Input, Payload) {
	var opts []byte
	switch r.Intn(4) {
	case 0:
		opts = []byte{0x94, 4, 0, 0}
	case 1:
		opts = []byte{0x94, 4, 0, 0, 1, 1, 1, 1}
	}
	addr := func() netip.Addr {
		var a [4]byte
		binary.BigEndian.PutUint32(a[:], r.Uint32())
		return netip.AddrFrom4(a)
	}
	ip := packet.IPv4{Src: addr(), Dst: addr(), TTL: uint8(1 + r.Intn(255)), TOS: uint8(r.Intn(256)),
		ID: uint16(r.Uint32()), Options: opts}
	if r.Intn(2) == 0 {
		ip.Flags = packet.IPv4DontFragment
	}
	payload := make([]byte, 8+r.Intn(17))
	for i := range payload {
		payload[i] = byte(r.Intn(256))
	}
	udp := r.Intn(2) == 0
	var frame []byte
	var tcpOpts []byte
	if udp {
		ip.Proto = packet.ProtoUDP
		frame = packet.Ethernet(packet.EthIPv4).IPv4(ip).UDP(uint16(r.Uint32()), uint16(r.Uint32())).Payload(payload).Bytes()
	} else {
		ip.Proto = packet.ProtoTCP
		if r.Intn(2) == 0 {
			tcpOpts = []byte{2, 4, 0x05, 0xb4}
		}
		frame = packet.Ethernet(packet.EthIPv4).IPv4(ip).
			TCP(packet.TCP{Src: uint16(r.Uint32()), Dst: uint16(r.Uint32()), Seq: r.Uint32(), Ack: r.Uint32(),
				Flags: uint8(r.Intn(256)), Window: uint16(r.Uint32()), Urgent: uint16(r.Uint32()), Options: tcpOpts}).
			Payload(payload).Bytes()
	}
	in, pl := frameInputs(frame, udp, len(payload))
	return frame, in, pl
}

// frameInputs lists the inputs of frame: IPv4 at byte 14, the transport
// header after IHL words, its payload of n bytes after the UDP header or
// TCP's data offset.
func frameInputs(frame []byte, udp bool, n int) ([]*Input, Payload) {
	var in []*Input
	field := func(lua string, off, size int) {
		t := map[int]*CType{1: Uint8, 2: Uint16, 4: Uint32}[size]
		// A whole field reads as the bytes lie in memory: network order.
		var v uint64
		for i := size - 1; i >= 0; i-- {
			v = v<<8 | uint64(frame[off+i])
		}
		in = append(in, &Input{Lua: lua, Type: t, V: v})
	}
	bits := func(lua string, off, size, bit, width int) {
		var unit uint64
		for i := 0; i < size; i++ {
			unit = unit<<8 | uint64(frame[off+i])
		}
		v := unit >> (8*size - bit - width) & (1<<width - 1)
		t := map[int]*CType{1: Uint8, 2: Uint16}[size]
		in = append(in, &Input{Lua: lua, Type: t, V: v, NoSwap: true})
	}
	in = append(in, &Input{Lua: "skb.len", Type: Uint32, V: uint64(len(frame))})
	const ip = 14
	bits("pkt.ip.ver", ip, 1, 0, 4)
	bits("pkt.ip.hlen", ip, 1, 4, 4)
	field("pkt.ip.tos", ip+1, 1)
	field("pkt.ip.tlen", ip+2, 2)
	field("pkt.ip.identification", ip+4, 2)
	bits("pkt.ip.df", ip+6, 2, 1, 1)
	field("pkt.ip.ttl", ip+8, 1)
	field("pkt.ip.proto", ip+9, 1)
	field("pkt.ip.hchecksum", ip+10, 2)
	field("pkt.ip.src", ip+12, 4)
	field("pkt.ip.dst", ip+16, 4)
	t := ip + 4*int(frame[ip]&0xf)
	hdr, data := "pkt.ip.udp", t+8
	if udp {
		field(hdr+".src_port", t, 2)
		field(hdr+".dst_port", t+2, 2)
		field(hdr+".length", t+4, 2)
		field(hdr+".crc", t+6, 2)
	} else {
		hdr = "pkt.ip.tcp"
		data = t + 4*int(frame[t+12]>>4)
		field(hdr+".src_port", t, 2)
		field(hdr+".dst_port", t+2, 2)
		field(hdr+".seq_num", t+4, 4)
		field(hdr+".ack_num", t+8, 4)
		bits(hdr+".offset", t+12, 1, 0, 4)
		bits(hdr+".flag_ack", t+13, 1, 3, 1)
		bits(hdr+".flag_syn", t+13, 1, 6, 1)
		bits(hdr+".flag_fin", t+13, 1, 7, 1)
		field(hdr+".rcv_wnd", t+14, 2)
		field(hdr+".urg_ptr", t+18, 2)
	}
	for i := 0; i < 3; i++ {
		j := (i*7 + int(frame[data])) % n
		field(fmt.Sprintf("%s.data[%d]", hdr, j), data+j, 1)
	}
	for _, w := range []int{1, 2, 4} {
		x := int(frame[data+1]) % (n - w + 1)
		var v uint64
		for k := 0; k < w; k++ {
			v = v<<8 | uint64(frame[data+x+k])
		}
		// A slice reads big-endian; its type is not uint64_t.
		in = append(in, &Input{Lua: fmt.Sprintf("%s.data(%d, %d)", hdr, x, x+w), Type: Uint32, V: v, NoSwap: true})
	}
	return in, Payload{Hdr: hdr + ".data", At: data, N: n}
}
