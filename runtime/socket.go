package runtime

import (
	"fmt"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// packetSocket is an AF_PACKET socket bound to one interface, which sees
// every frame crossing it from the Ethernet header on.
type packetSocket struct{ fd int }

// openPacketSocket opens a raw packet socket for all protocols on iface.
func openPacketSocket(iface string) (*packetSocket, error) {
	ifi, err := net.InterfaceByName(iface)
	if err != nil {
		return nil, fmt.Errorf("%s is not a network interface: %w", iface, err)
	}
	proto := htons(unix.ETH_P_ALL)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return nil, fmt.Errorf("open packet socket: %w (luabpf needs root or CAP_NET_RAW)", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifi.Index}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("bind packet socket to %s: %w", iface, err)
	}
	return &packetSocket{fd: fd}, nil
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
