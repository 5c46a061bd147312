package runtime

import (
	"net"
	"testing"
)

// ifindex finds every interface net lists, at the index net gives, and
// no interface for names that are none.
func TestIfindex(t *testing.T) {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		t.Fatalf("net.Interfaces() = %v, %v", ifs, err)
	}
	for _, ifi := range ifs {
		if n, ok := ifindex(ifi.Name); !ok || n != ifi.Index {
			t.Errorf("ifindex(%q) = %d, %v; want %d", ifi.Name, n, ok, ifi.Index)
		}
	}
	for _, bad := range []string{"nosuch0", "", "a-name-longer-than-ifnamsiz", "lo/x"} {
		if n, ok := ifindex(bad); ok {
			t.Errorf("ifindex(%q) = %d, want none", bad, n)
		}
	}
}
