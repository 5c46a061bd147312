package kerneltest

import (
	"fmt"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// A Netns is a private network namespace whose loopback device is up. A
// test that watches lo runs in one of its own: there lo carries only the
// test's traffic, so counts can be asserted exactly while other tests use
// the host's lo, and the test's traffic disturbs no one else.
//
// A namespace belongs to a thread, so one goroutine locked to its thread
// runs everything that must happen inside ([Netns.Do]): creating sockets
// (a socket stays in the namespace it was created in, whichever thread
// uses it later) and starting processes (a child inherits the namespace of
// the thread that forks it).
type Netns struct {
	work chan func()
}

// NewNetns creates a namespace for the test and ends it when the test
// ends. Without the privilege to create one it skips, or fails under
// LUABPF_REQUIRE_KERNEL=1.
func NewNetns(tb testing.TB) *Netns {
	tb.Helper()
	ns := &Netns{work: make(chan func())}
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: when the goroutine returns, the runtime ends
		// the thread rather than reuse it outside the namespace.
		runtime.LockOSThread()
		err := unix.Unshare(unix.CLONE_NEWNET)
		if err == nil {
			err = setLinkUp("lo")
		}
		errc <- err
		if err != nil {
			return
		}
		for f := range ns.work {
			f()
		}
	}()
	if err := <-errc; err != nil {
		skipOrFail(tb, "create a network namespace with lo up: %v", err)
	}
	tb.Cleanup(func() { close(ns.work) })
	return ns
}

// Do runs f inside the namespace and returns its error. f runs on
// another goroutine than the test's: it must not call the testing.TB's
// Fatal or Skip methods.
func (ns *Netns) Do(f func() error) error {
	errc := make(chan error)
	ns.work <- func() { errc <- f() }
	return <-errc
}

// setLinkUp sets the IFF_UP flag of the interface name.
func setLinkUp(name string) error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("get flags of %s: %w", name, err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("set %s up: %w", name, err)
	}
	return nil
}
