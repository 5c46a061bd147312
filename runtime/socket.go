package runtime

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"golang.org/x/sys/unix"
)

// packetSocket is an AF_PACKET socket bound to one interface, which sees
// every frame crossing it from the Ethernet header on.
type packetSocket struct{ fd int }

// interfaceIndex returns the index of the network interface iface. It
// asks with SIOCGIFINDEX, three system calls, where net.InterfaceByName
// reads and parses a netlink dump of every interface.
func interfaceIndex(iface string) (int, error) {
	if idx, ok := ifindex(iface); ok {
		return idx, nil
	}
	return 0, fmt.Errorf("'%s' is not a network interface (%s)", iface, interfaceNames())
}

// ifindex is if_nametoindex(3).
func ifindex(iface string) (int, bool) {
	ifr, err := unix.NewIfreq(iface)
	if err != nil {
		return 0, false
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		// No IPv4 here: ask netlink, as net does.
		ifi, err := net.InterfaceByName(iface)
		if err != nil {
			return 0, false
		}
		return ifi.Index, true
	}
	defer unix.Close(fd)
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFINDEX, ifr); err != nil {
		return 0, false
	}
	return int(ifr.Uint32()), true
}

// openPacketSocket opens a packet socket on interface ifindex (named
// iface) that runs prog as its filter. The order matters: the socket is
// opened with protocol 0, so it receives nothing; the filter is
// attached; only then is it bound to the interface for all protocols.
// So no frame queues on the socket unfiltered, and bind has no protocol
// hook to take down first, which would wait for an RCU grace period
// (about 10 ms, most of a short run's start-up).
func openPacketSocket(ifindex int, iface string, prog *ebpf.Program) (*packetSocket, error) {
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
			return nil, fmt.Errorf("opening a packet socket on %s needs root, or CAP_NET_RAW (%v)", iface, errnoText(err))
		}
		return nil, fmt.Errorf("cannot open a packet socket on %s: %v", iface, errnoText(err))
	}
	s := &packetSocket{fd: fd}
	if err := link.AttachSocketFilter(s, prog); err != nil {
		s.Close()
		return nil, fmt.Errorf("cannot attach the filter to a packet socket on %s: %v", iface, errnoText(err))
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: ifindex}); err != nil {
		s.Close()
		return nil, fmt.Errorf("cannot bind a packet socket to %s: %v", iface, errnoText(err))
	}
	return s, nil
}

// interfaceNames lists the host's interfaces for an error message.
func interfaceNames() string {
	ifs, err := net.Interfaces()
	if err != nil || len(ifs) == 0 {
		return "no interfaces found"
	}
	names := make([]string, len(ifs))
	for i, ifi := range ifs {
		names[i] = ifi.Name
	}
	return "interfaces here: " + strings.Join(names, ", ")
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Close closes the socket, which also detaches its filter.
func (s *packetSocket) Close() error { return unix.Close(s.fd) }

// SyscallConn lets link.AttachSocketFilter set the socket option.
func (s *packetSocket) SyscallConn() (syscall.RawConn, error) { return rawFD(s.fd), nil }

// rawFD is a syscall.RawConn over a descriptor luabpf does not own.
type rawFD int

func (fd rawFD) Control(f func(uintptr)) error  { f(uintptr(fd)); return nil }
func (fd rawFD) Read(func(uintptr) bool) error  { return fmt.Errorf("not supported") }
func (fd rawFD) Write(func(uintptr) bool) error { return fmt.Errorf("not supported") }

// fdConn adapts a socket descriptor number to syscall.Conn.
type fdConn int

func (fd fdConn) SyscallConn() (syscall.RawConn, error) { return rawFD(fd), nil }
