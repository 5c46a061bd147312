package packet

// Header lengths in bytes, without options.
const (
	EthHdrLen   = 14 // Ethernet: destination, source, ethertype
	VLANHdrLen  = 4  // 802.1Q tag: TCI and the inner ethertype
	ARPLen      = 28 // ARP for Ethernet and IPv4
	IPv4HdrLen  = 20 // IPv4 without options (IHL 5)
	IPv6HdrLen  = 40 // IPv6 fixed header
	UDPHdrLen   = 8
	TCPHdrLen   = 20 // TCP without options (data offset 5)
	ICMPHdrLen  = 8  // ICMP or ICMPv6 echo: type, code, checksum, id, seq
	VXLANHdrLen = 8
	DNSHdrLen   = 12
)

// Field offsets from the start of their header.
const (
	EthTypeOffset        = 12 // Ethernet ethertype
	IPv4ProtoOffset      = 9  // IPv4 protocol
	IPv4SrcOffset        = 12 // IPv4 source address
	IPv4DstOffset        = 16 // IPv4 destination address
	IPv6NextHeaderOffset = 6  // IPv6 next header
	IPv6SrcOffset        = 8  // IPv6 source address
	IPv6DstOffset        = 24 // IPv6 destination address
)

// Ethertypes.
const (
	EthIPv4 = 0x0800
	EthARP  = 0x0806
	EthVLAN = 0x8100 // 802.1Q tag follows
	EthIPv6 = 0x86dd
)

// IP protocol numbers (IPv4 protocol, IPv6 next header).
const (
	ProtoHopOpts = 0 // IPv6 hop-by-hop options header
	ProtoICMP    = 1
	ProtoTCP     = 6
	ProtoUDP     = 17
	ProtoICMPv6  = 58
	ProtoNone    = 59 // IPv6: no next header
	ProtoDstOpts = 60 // IPv6 destination options header
)

// ICMP and ICMPv6 echo types.
const (
	ICMPEchoReply     = 0
	ICMPEchoRequest   = 8
	ICMPv6EchoRequest = 128
	ICMPv6EchoReply   = 129
)

// IPv4 flags for [IPv4].Flags.
const (
	IPv4MoreFragments = 1 << 0
	IPv4DontFragment  = 1 << 1
)

// TCP flags for [TCP].Flags.
const (
	TCPFin = 1 << iota
	TCPSyn
	TCPRst
	TCPPsh
	TCPAck
	TCPUrg
	TCPEce
	TCPCwr
)

// Well-known ports.
const (
	PortDNS   = 53
	PortHTTP  = 80
	PortVXLAN = 4789
)

// DNS query types for [DNSQuery].
const (
	DNSTypeA    = 1
	DNSTypeAAAA = 28
)
