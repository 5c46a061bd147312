package proto

import "testing"

// The walk from an IP header to its transport header (irgen's
// pkt_pseudo.go) reads every extension header the same way: the next
// protocol number in its first byte, a fixed part of 8 bytes or more, the
// protocol number below 64 (a bit of a mask) and its length from its
// Next["data"], the common 8 bytes plus at most a length byte scaled.
func TestExtensionHeadersShareTheirLayout(t *testing.T) {
	for _, ipName := range []string{"ip", "ip6"} {
		ip, _ := Lookup(ipName)
		if len(ip.Ext) == 0 || ip.ExtMax < 1 {
			t.Errorf("%s lists no extension headers to walk", ipName)
		}
		for _, e := range ip.Ext {
			h, ok := Lookup(e.Name)
			if !ok {
				t.Fatalf("%s: no header %s", ipName, e.Name)
			}
			if e.Proto < 0 || e.Proto > 63 {
				t.Errorf("%s: protocol %d of %s does not fit a 64-bit mask", ipName, e.Proto, e.Name)
			}
			d, ok := h.Field(h.Demux)
			if !ok || d.Off != 0 || d.Size != 1 || d.IsBitfield() {
				t.Errorf("%s: %s holds the next protocol as %+v, want its first byte", ipName, e.Name, d)
			}
			if h.Size < 8 {
				t.Errorf("%s: %s's fixed part is %d bytes, want at least 8", ipName, e.Name, h.Size)
			}
			nx, ok := h.Next["data"]
			if !ok || nx.Skip != 8 || nx.Optional != nil || (nx.LoadSize != 0 && (nx.LoadSize != 1 || nx.LoadOff >= h.Size)) {
				t.Errorf("%s: %s's length is %+v", ipName, e.Name, nx)
			}
			for _, name := range []string{h.Fragment, h.Routed} {
				if f, ok := h.Field(name); name != "" && (!ok || f.Off+f.Size > h.Size) {
					t.Errorf("%s: %s's field %q is not in its fixed part", ipName, e.Name, name)
				}
			}
		}
	}
}

// GRE's checksum field lies where the flag that says it is there puts
// it, and the flag is one bit.
func TestGREChecksumFlag(t *testing.T) {
	g, _ := Lookup("gre")
	c := g.Checksum
	if c == nil || c.When == "" {
		t.Fatal("gre has no conditional checksum")
	}
	if f, ok := g.Field(c.When); !ok || f.Bits != 1 {
		t.Errorf("gre's flag %q is %+v", c.When, f)
	}
	if f, ok := g.Field(c.Field); !ok || f.Off != g.Size || f.Size != 2 {
		t.Errorf("gre's checksum %q is %+v, want the 2 bytes after the fixed part", c.Field, f)
	}
}
