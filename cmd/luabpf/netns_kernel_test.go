package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// netns is the private network namespace each test runs luabpf and its
// traffic in (see kerneltest.Netns): lo there carries only the test's
// traffic.
type netns = kerneltest.Netns

// packetSockets counts the AF_PACKET sockets open in ns.
func packetSockets(t *testing.T, ns *netns) int {
	t.Helper()
	var n int
	err := ns.Do(func() error {
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
	if err := ns.Do(p.cmd.Start); err != nil {
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
