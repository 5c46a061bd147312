package main

import (
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A tally counts frames and their bytes.
type tally struct{ packets, bytes uint64 }

// An observer is the test's own packet socket on lo, without a filter. It
// sees what a socket filter on lo sees, frame by frame from the Ethernet
// header on, and keeps the reference for what the kernel does not let the
// test predict exactly (how many segments a TCP connection takes).
type observer struct {
	f    *os.File
	done chan struct{}

	mu      sync.Mutex
	byProto map[byte]tally // by the byte at frame offset 23, IPv4's protocol
}

// observe opens an observer on lo in ns.
func observe(t *testing.T, ns *netns) *observer {
	t.Helper()
	proto := int(htons(unix.ETH_P_ALL))
	var fd int
	err := ns.Do(func() error {
		lo, err := net.InterfaceByName("lo")
		if err != nil {
			return err
		}
		fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, proto)
		if err != nil {
			return err
		}
		// The burst of a test must not overflow the queue; drops are
		// checked at the end all the same.
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 16<<20); err != nil {
			unix.Close(fd)
			return err
		}
		if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: uint16(proto), Ifindex: lo.Index}); err != nil {
			unix.Close(fd)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatalf("open observer packet socket: %v", err)
	}
	o := &observer{f: os.NewFile(uintptr(fd), "packet socket"), done: make(chan struct{}), byProto: map[byte]tally{}}
	go o.read()
	t.Cleanup(func() { o.f.Close() })
	return o
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

func (o *observer) read() {
	defer close(o.done)
	rc, err := o.f.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, 64)
	for {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			// MSG_TRUNC returns the frame's whole length, which is
			// what skb->len is for a filter on a packet socket.
			n, _, rerr = unix.Recvfrom(int(fd), buf, unix.MSG_TRUNC)
			return rerr != unix.EAGAIN
		})
		if err != nil {
			return // closed or past the deadline
		}
		if rerr != nil || n < 24 {
			continue
		}
		o.mu.Lock()
		c := o.byProto[buf[23]]
		c.packets++
		c.bytes += uint64(n)
		o.byProto[buf[23]] = c
		o.mu.Unlock()
	}
}

// stop reads what is still queued and returns the tallies by IP protocol.
// It fails the test when the socket dropped frames.
func (o *observer) stop(t *testing.T) map[byte]tally {
	t.Helper()
	// Nothing is sent any more: what is queued is read within the grace.
	o.f.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	<-o.done
	rc, err := o.f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var stats *unix.TpacketStats
	var serr error
	if err := rc.Control(func(fd uintptr) {
		stats, serr = unix.GetsockoptTpacketStats(int(fd), unix.SOL_PACKET, unix.PACKET_STATISTICS)
	}); err != nil && !errors.Is(err, os.ErrClosed) {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatalf("read observer statistics: %v", serr)
	}
	if stats.Drops > 0 {
		t.Fatalf("the observer dropped %d frames: its counts are not a reference", stats.Drops)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.byProto
}
