package packet

import (
	"fmt"
	"strings"
)

// DNSQueryID is the message id of every [DNSQuery].
const DNSQueryID = 0x1234

// DNSQuery returns a DNS query message (RFC 1035 section 4.1) asking for
// records of type qtype (e.g. DNSTypeAAAA) and class IN for name: a 12-byte
// header (id DNSQueryID, recursion desired, one question) followed by the
// question: name as length-prefixed labels ending in a zero byte, then
// qtype and class, both 16-bit big-endian. A trailing dot on name is
// optional; "" and "." are the root.
func DNSQuery(name string, qtype uint16) []byte {
	msg := []byte{
		DNSQueryID >> 8, DNSQueryID & 0xff,
		0x01, 0x00, // flags: RD
		0, 1, // QDCOUNT
		0, 0, 0, 0, 0, 0, // ANCOUNT, NSCOUNT, ARCOUNT
	}
	name = strings.TrimSuffix(name, ".")
	if name != "" {
		for label := range strings.SplitSeq(name, ".") {
			if len(label) == 0 || len(label) > 63 {
				panic(fmt.Sprintf("packet: DNS name %q has a label of %d bytes (1-63 allowed)", name, len(label)))
			}
			msg = append(msg, byte(len(label)))
			msg = append(msg, label...)
		}
	}
	return append(msg, 0, byte(qtype>>8), byte(qtype), 0, 1)
}

// HTTPRequest returns the head of an HTTP/1.1 request without a body:
// "METHOD PATH HTTP/1.1\r\nHost: localhost\r\n\r\n".
func HTTPRequest(method, path string) []byte {
	return []byte(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
}
