// Package packet builds byte-exact network frames for tests.
//
// Kernel tests run socket filters and other packet programs on crafted
// frames (see internal/kerneltest); this package writes those frames. A
// frame is built outside-in with a chain of calls on a [Builder], one call
// per header, and [Builder.Bytes] returns the wire bytes:
//
//	frame := packet.Ethernet(packet.EthIPv4).
//		IPv4(packet.IPv4{Proto: packet.ProtoUDP, Src: src, Dst: dst}).
//		UDP(1234, 53).
//		Payload(packet.DNSQuery("example.com", packet.DNSTypeAAAA)).
//		Bytes()
//
// Invariants:
//   - Every multi-byte field is in network byte order.
//   - Length fields (IPv4 total length, IPv6 payload length, UDP length)
//     run to the end of the frame, so a header covers everything added
//     after it, including an inner frame after [Builder.VXLAN].
//   - Checksums are computed when Bytes is called: the IPv4 header
//     checksum, and the UDP, TCP, ICMP and ICMPv6 checksums over the
//     pseudo-header of the innermost IP header added before them. Inner
//     headers are finished before outer ones, so an outer UDP checksum
//     covers the final bytes of the inner frame.
//   - Next-protocol fields (ethertype, IPv4 protocol, IPv6 next header)
//     are written exactly as given, never inferred from the next call, so
//     a test can build inconsistent frames on purpose.
//   - Frames are not padded to the 60-byte Ethernet minimum.
//
// Builders panic on arguments that cannot be encoded (an IPv6 address in an
// IPv4 header, options longer than the header allows, a DNS label over 63
// bytes): in a test such a frame is a bug in the test itself.
//
// The offset constants (EthHdrLen, IPv4ProtoOffset, ...) name the places
// tests read, e.g. the IPv4 protocol byte of an untagged frame sits at
// EthHdrLen+IPv4ProtoOffset = 23.
//
// References: RFC 791 (IPv4), RFC 8200 (IPv6 and its extension headers),
// RFC 768 (UDP), RFC 9293 (TCP), RFC 792 and RFC 4443 (ICMP, ICMPv6),
// RFC 1071 (the Internet checksum), RFC 826 (ARP), IEEE 802.1Q (VLAN tags),
// RFC 7348 (VXLAN), RFC 1035 (DNS messages).
package packet
