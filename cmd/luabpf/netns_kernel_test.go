package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
	"golang.org/x/sys/unix"
)

// A netns is a private network namespace whose loopback device is up. The
// scripts under test watch lo; in a namespace of their own, lo carries
// only the test's traffic, so the counts they print can be asserted
// exactly even while other tests use the host's lo, and the test's
// traffic does not disturb them either.
//
// A namespace belongs to a thread, so one goroutine locked to its thread
// runs everything that must happen inside: creating sockets (a socket
// stays in the namespace it was created in, whichever thread uses it
// later) and starting luabpf (a child inherits the namespace of the
// thread that forks it).
type netns struct {
	work chan func()
}

// newNetns creates a namespace for the test. Without the privilege to
// create one it skips, or fails under LUABPF_REQUIRE_KERNEL=1.
func newNetns(t *testing.T) *netns {
	t.Helper()
	ns := &netns{work: make(chan func())}
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
		msg := fmt.Sprintf("create a network namespace with lo up: %v", err)
		if os.Getenv(kerneltest.RequireEnv) == "1" {
			t.Fatalf("%s (%s=1)", msg, kerneltest.RequireEnv)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() { close(ns.work) })
	return ns
}

// do runs f inside the namespace and returns its error.
func (ns *netns) do(f func() error) error {
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

// packetSockets counts the AF_PACKET sockets open in the namespace.
func (ns *netns) packetSockets(t *testing.T) int {
	t.Helper()
	var n int
	err := ns.do(func() error {
		data, err := os.ReadFile("/proc/thread-self/net/packet")
		n = strings.Count(string(data), "\n") - 1 // minus the header
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A line is one line luabpf printed on stdout and when the test read it.
type line struct {
	text string
	at   time.Time
}

// A proc is a running luabpf.
type proc struct {
	cmd    *exec.Cmd
	lines  chan line // stdout, closed at EOF
	stderr *bytes.Buffer
	waited chan struct{}
	err    error // from Wait, once waited is closed
}

// startLuabpf starts `luabpf run script args...` inside ns. The process
// is killed when the test ends, if it still runs.
func startLuabpf(t *testing.T, ns *netns, script string, args ...string) *proc {
	t.Helper()
	p := &proc{
		cmd:    exec.Command(luabpfBin, append([]string{"run", script}, args...)...),
		lines:  make(chan line, 1000),
		stderr: new(bytes.Buffer),
		waited: make(chan struct{}),
	}
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ns.do(p.cmd.Start); err != nil {
		t.Fatal(err)
	}
	var read sync.WaitGroup
	read.Add(1)
	go func() {
		defer read.Done()
		defer close(p.lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- line{sc.Text(), time.Now()}
		}
	}()
	go func() {
		read.Wait() // Wait closes stdout: read it all first
		p.err = p.cmd.Wait()
		close(p.waited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.waited:
		default:
			p.cmd.Process.Kill()
			<-p.waited
		}
	})
	return p
}

// next returns the next line luabpf prints, failing the test when it
// exits or prints nothing for timeout.
func (p *proc) next(t *testing.T, timeout time.Duration) line {
	t.Helper()
	select {
	case l, ok := <-p.lines:
		if !ok {
			p.wait(t, time.Second)
			t.Fatalf("luabpf exited (%v) before printing a line; stderr:\n%s", p.err, p.stderr)
		}
		return l
	case <-time.After(timeout):
		t.Fatalf("luabpf printed no line for %v; stderr:\n%s", timeout, p.stderr)
	}
	panic("unreachable")
}

// wait waits up to timeout for luabpf to exit and returns its status and
// the lines it printed that were not read yet. When it has not exited by
// then, the test fails.
func (p *proc) wait(t *testing.T, timeout time.Duration) (int, []line) {
	t.Helper()
	select {
	case <-p.waited:
	case <-time.After(timeout):
		p.cmd.Process.Kill()
		<-p.waited
		t.Fatalf("luabpf still ran after %v; killed it; stderr:\n%s", timeout, p.stderr)
	}
	var rest []line
	for l := range p.lines {
		rest = append(rest, l)
	}
	var exit *exec.ExitError
	if p.err != nil && !errors.As(p.err, &exit) {
		t.Fatalf("wait for luabpf: %v", p.err)
	}
	return p.cmd.ProcessState.ExitCode(), rest
}
