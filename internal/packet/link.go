package packet

import "net/netip"

// A MAC is an Ethernet address.
type MAC [6]byte

// Default addresses used by [Ethernet]: locally administered unicast
// addresses that no real interface has.
var (
	DefaultDst = MAC{0x02, 0, 0, 0, 0, 0x02}
	DefaultSrc = MAC{0x02, 0, 0, 0, 0, 0x01}
)

// Eth is an Ethernet II header.
type Eth struct {
	Dst, Src MAC
	Type     uint16 // ethertype, e.g. EthIPv4
}

// Ethernet starts a frame with an Ethernet header from DefaultSrc to
// DefaultDst carrying ethertype.
func Ethernet(ethertype uint16) *Builder {
	return New().Eth(Eth{Dst: DefaultDst, Src: DefaultSrc, Type: ethertype})
}

// Eth appends an Ethernet header: the start of a frame, or the inner frame
// after [Builder.VXLAN].
func (b *Builder) Eth(h Eth) *Builder {
	b.buf = append(b.buf, h.Dst[:]...)
	b.buf = append(b.buf, h.Src[:]...)
	b.buf = append(b.buf, byte(h.Type>>8), byte(h.Type))
	return b
}

// VLAN is an IEEE 802.1Q tag. It follows an ethertype of EthVLAN.
type VLAN struct {
	Pri  uint8  // priority code point, 0-7
	CFI  bool   // canonical format indicator (drop eligible indicator)
	VID  uint16 // VLAN identifier, 0-4095
	Type uint16 // ethertype of what follows the tag
}

// VLAN appends an 802.1Q tag: the tag control information (priority, CFI,
// VLAN id) and the inner ethertype.
func (b *Builder) VLAN(h VLAN) *Builder {
	if h.Pri > 7 || h.VID > 0xfff {
		panic("packet: VLAN priority must be 0-7 and VID 0-4095")
	}
	tci := uint16(h.Pri)<<13 | h.VID
	if h.CFI {
		tci |= 1 << 12
	}
	b.buf = append(b.buf, byte(tci>>8), byte(tci), byte(h.Type>>8), byte(h.Type))
	return b
}

// ARP is an ARP message for Ethernet and IPv4 addresses.
type ARP struct {
	Op        uint16 // 1 request, 2 reply
	SenderMAC MAC
	SenderIP  netip.Addr
	TargetMAC MAC
	TargetIP  netip.Addr
}

// ARPRequest returns the request of the host with addresses senderMAC and
// senderIP for the Ethernet address of targetIP.
func ARPRequest(senderMAC MAC, senderIP, targetIP netip.Addr) ARP {
	return ARP{Op: 1, SenderMAC: senderMAC, SenderIP: senderIP, TargetIP: targetIP}
}

// ARP appends an ARP message (hardware type 1, protocol type EthIPv4).
func (b *Builder) ARP(a ARP) *Builder {
	spa, tpa := addr4(a.SenderIP, "ARP sender"), addr4(a.TargetIP, "ARP target")
	b.buf = append(b.buf, 0, 1, EthIPv4>>8, EthIPv4&0xff, 6, 4, byte(a.Op>>8), byte(a.Op))
	b.buf = append(b.buf, a.SenderMAC[:]...)
	b.buf = append(b.buf, spa[:]...)
	b.buf = append(b.buf, a.TargetMAC[:]...)
	b.buf = append(b.buf, tpa[:]...)
	return b
}
