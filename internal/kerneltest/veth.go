package kerneltest

import (
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Veth creates a veth pair a and b in the namespace, both up, with iproute2's
// ip command; it skips (or fails under LUABPF_REQUIRE_KERNEL=1) where ip is
// missing. The pair goes when the namespace does. A frame sent on one end
// arrives at the other: XDP and TC ingress programs on b see what a test
// sends on a, and TC egress programs on a see it leave.
func (ns *Netns) Veth(tb testing.TB, a, b string) {
	tb.Helper()
	if _, err := exec.LookPath("ip"); err != nil {
		skipOrFail(tb, "creating a veth pair needs iproute2's ip command: %v", err)
		return
	}
	for _, args := range [][]string{
		{"link", "add", a, "type", "veth", "peer", "name", b},
		{"link", "set", a, "up"},
		{"link", "set", b, "up"},
	} {
		if out, err := ns.Command("ip", args...); err != nil {
			tb.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// Command runs a program inside the namespace and returns its combined
// output.
func (ns *Netns) Command(name string, args ...string) (string, error) {
	var out []byte
	err := ns.Do(func() error {
		var err error
		out, err = exec.Command(name, args...).CombinedOutput()
		return err
	})
	return string(out), err
}

// Ifindex returns the index of interface name in the namespace.
func (ns *Netns) Ifindex(tb testing.TB, name string) int {
	tb.Helper()
	var idx int
	if err := ns.Do(func() error {
		ifi, err := net.InterfaceByName(name)
		if err == nil {
			idx = ifi.Index
		}
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return idx
}

// A PacketConn is an AF_PACKET socket bound to one interface of a
// namespace: it sends frames out of the interface as they are and
// receives every frame the interface sees, from the Ethernet header.
type PacketConn struct{ fd int }

// OpenPacket opens a packet socket on interface iface of the namespace,
// closed when the test ends.
func (ns *Netns) OpenPacket(tb testing.TB, iface string) *PacketConn {
	tb.Helper()
	idx := ns.Ifindex(tb, iface)
	var fd int
	err := ns.Do(func() error {
		var err error
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(htons(unix.ETH_P_ALL)))
		if err != nil {
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: idx}); err != nil {
			unix.Close(fd)
			return err
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("open a packet socket on %s: %v", iface, err)
	}
	tb.Cleanup(func() { unix.Close(fd) })
	return &PacketConn{fd: fd}
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Send sends frame out of the interface.
func (c *PacketConn) Send(frame []byte) error {
	_, err := unix.Write(c.fd, frame)
	return err
}

// Receive returns the next frame the interface sees that keep accepts,
// or nil when none comes within timeout. It skips frames the socket
// saw leave the interface.
func (c *PacketConn) Receive(timeout time.Duration, keep func([]byte) bool) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	buf := make([]byte, 65536)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, nil
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(c.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return nil, err
		}
		n, from, err := unix.Recvfrom(c.fd, buf, 0)
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("receive: %w", err)
		}
		if ll, ok := from.(*unix.SockaddrLinklayer); ok && ll.Pkttype == unix.PACKET_OUTGOING {
			continue
		}
		if keep(buf[:n]) {
			return append([]byte(nil), buf[:n]...), nil
		}
	}
}
