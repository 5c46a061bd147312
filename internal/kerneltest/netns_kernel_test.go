package kerneltest

import (
	"net"
	"testing"
)

// TestNetns checks that a namespace has lo, up, and no other interface,
// and that code outside Do does not run in it.
func TestNetns(t *testing.T) {
	Require(t)
	ns := NewNetns(t)
	var inside []net.Interface
	if err := ns.Do(func() (err error) { inside, err = net.Interfaces(); return err }); err != nil {
		t.Fatal(err)
	}
	if len(inside) != 1 || inside[0].Name != "lo" || inside[0].Flags&net.FlagUp == 0 {
		t.Errorf("interfaces in the namespace: %+v, want lo alone, up", inside)
	}
	// A socket made inside is bound in the namespace: its port is free
	// outside and the namespace's lo answers it.
	var ln net.Listener
	if err := ns.Do(func() (err error) { ln, err = net.Listen("tcp4", "127.0.0.1:0"); return err }); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if c, err := net.Dial("tcp4", ln.Addr().String()); err == nil {
		c.Close()
		t.Errorf("dialed %s from outside the namespace: the listener is not inside", ln.Addr())
	}
}
