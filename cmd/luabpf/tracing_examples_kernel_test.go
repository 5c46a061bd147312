package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// The tracing examples in examples/ and the seed's tracing scripts, run
// unchanged through the binary with activity the test makes.

// repoExample is the path of one of the repository's examples/.
func repoExample(name string) string { return filepath.Join("..", "..", "examples", name) }

// TestExecsnoopExample starts programs while examples/execsnoop.lua runs,
// sees them printed, and stops the script with Ctrl-C: it prints its
// summary and exits 0 with nothing of it left.
func TestExecsnoopExample(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	p := startLuabpf(t, ns, repoExample("execsnoop.lua"))
	if l := p.next(t, 10*time.Second); !strings.HasPrefix(l.text, "PID") {
		t.Fatalf("first line %q, want the header", l.text)
	}
	seen := false
	deadline := time.Now().Add(10 * time.Second)
	for !seen && time.Now().Before(deadline) {
		if err := exec.Command("/bin/true").Run(); err != nil {
			t.Fatal(err)
		}
		select {
		case l := <-p.lines:
			seen = strings.HasSuffix(l.text, " true             /bin/true")
		case <-time.After(200 * time.Millisecond):
		}
	}
	if !seen {
		t.Fatalf("execsnoop printed no line for /bin/true; stderr:\n%s", p.stderr)
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	code, rest := p.wait(t, 10*time.Second)
	if code != 0 || len(rest) == 0 || !strings.HasSuffix(rest[len(rest)-1].text, "programs started") {
		t.Errorf("exit %d, last lines %v; want 0 and the summary", code, rest)
	}
}

// TestSyscallsExample counts system calls per process name while the
// test makes many: its own name is among the busiest.
func TestSyscallsExample(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				syscall.Getpid()
			}
		}
	}()
	p := startLuabpf(t, ns, repoExample("syscalls.lua"), "2")
	code, lines := p.wait(t, 20*time.Second)
	if code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, lines %v; want 0 and two lines; stderr:\n%s", code, lines, p.stderr)
	}
	self := filepath.Base(os.Args[0])
	if len(self) > 15 {
		self = self[:15] // the kernel keeps 15 bytes of a task's name
	}
	for _, l := range lines {
		if !strings.Contains(l.text, self+" ") {
			t.Errorf("line %q does not count the test's own calls (%s)", l.text, self)
		}
	}
}

// TestOffcputimeSeed runs the seed's tracepoint-offcputime.lua unchanged:
// it prints off-CPU time per stack, with kernel function names from its
// own /proc/kallsyms table.
func TestOffcputimeSeed(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	p := startLuabpf(t, ns, examplePath("tracepoint-offcputime.lua"))
	named := false
	deadline := time.Now().Add(15 * time.Second)
	for !named && time.Now().Before(deadline) {
		exec.Command("sleep", "0.05").Run()
		select {
		case l := <-p.lines:
			named = strings.Contains(l.text, " schedule ") || strings.Contains(l.text, " __schedule ")
		case <-time.After(100 * time.Millisecond):
		}
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t, 10*time.Second)
	if !named {
		t.Fatalf("no stack named schedule; stderr:\n%s", p.stderr)
	}
}

// TestKprobeSeedsOnThisKernel runs the seed's kprobe scripts: on a kernel
// without kprobes they stop at once with one line at the script's line.
func TestKprobeSeedsOnThisKernel(t *testing.T) {
	kerneltest.Require(t)
	for name, line := range map[string]string{"kprobe-write.lua": "26", "kprobe-latency.lua": "30"} {
		r := execLuabpf(t, ".", "run", examplePath(name))
		if kprobesOn() {
			continue
		}
		want := "luabpf: " + examplePath(name) + ":" + line + ": kprobes are unavailable in this kernel"
		if r.code != 1 || !strings.HasPrefix(r.stderr, want) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q... on one line (with its source line)", name, r.code, r.stderr, want)
		}
	}
}

// kprobesOn reports whether this kernel can place kprobes.
func kprobesOn() bool {
	_, err := exec.Command("test", "-e", "/sys/bus/event_source/devices/kprobe").CombinedOutput()
	return err == nil
}

// typeIntoBash types lines into an interactive bash on a terminal
// (script(1) gives it one), so bash reads them with readline.
func typeIntoBash(t *testing.T, lines ...string) {
	t.Helper()
	cmd := exec.Command("script", "-qfc", "bash --norc --noprofile -i", "/dev/null")
	cmd.Stdin = strings.NewReader(strings.Join(append(lines, "exit"), "\n") + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
}

// TestReadlineSeeds runs the seed's uprobe-readline scripts unchanged:
// both print the lines typed into a bash started after them, one through
// trace_pipe, one through a perf event reader.
func TestReadlineSeeds(t *testing.T) {
	kerneltest.Require(t)
	for i, name := range []string{"uprobe-readline.lua", "uprobe-readline-perf.lua"} {
		t.Run(name, func(t *testing.T) {
			ns := kerneltest.NewNetns(t)
			p := startLuabpf(t, ns, examplePath(name))
			p.next(t, 10*time.Second) // the header's two lines
			p.next(t, 10*time.Second)
			// The scripts' buffers hold 40 and 80 bytes.
			marker := fmt.Sprintf("echo luabpf-readline-%d", i)
			typeIntoBash(t, marker)
			found := false
			deadline := time.After(10 * time.Second)
			for !found {
				select {
				case l := <-p.lines:
					found = strings.Contains(l.text, marker)
				case <-deadline:
					t.Fatalf("%s printed no line with %q; stderr:\n%s", name, marker, p.stderr)
				}
			}
			p.cmd.Process.Signal(syscall.SIGTERM)
			p.wait(t, 10*time.Second)
		})
	}
}

// TestTailktSeed runs the seed's uprobe-tailkt.lua unchanged against a
// stand-in for the /usr/local/bin/ktserver it names, put there in a
// private mount namespace (a tmpfs over /usr/local/bin that only luabpf
// and the stand-in see): the script compiles, attaches to the C++
// function and prints the key written.
func TestTailktSeed(t *testing.T) {
	kerneltest.Require(t)
	dir := t.TempDir()
	kt := filepath.Join(dir, "ktserver")
	if out, err := exec.Command("gcc", "-O1", "-o", kt, "testdata/ktserver.c").CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	script, err := filepath.Abs(examplePath("uprobe-tailkt.lua"))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := filepath.Abs(luabpfBin)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
		`mount -t tmpfs luabpf-test /usr/local/bin && cp "$1" /usr/local/bin/ktserver && exec "$2" run "$3" set mykey`,
		"sh", kt, bin, script)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for i := 0; i < 2; i++ { // the header
		select {
		case _, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("luabpf ended: %s", stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no header; stderr:\n%s", stderr.String())
		}
	}
	run := exec.Command("nsenter", "-m", "-t", fmt.Sprint(cmd.Process.Pid), "/usr/local/bin/ktserver")
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("ktserver: %v\n%s", err, out)
	}
	select {
	case l := <-lines:
		if !strings.Contains(l, "mykey") || !strings.Contains(l, "write:1") {
			t.Errorf("printed %q, want the key mykey written", l)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("nothing printed for the key; stderr:\n%s", stderr.String())
	}
}
