package sym

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

//go:noinline
func usymTarget(x int) int { return x*3 + 1 }

// TestUsymSelf looks up a function of this test binary in this process.
// `go test -c` keeps the binary's .symtab, so the function's name comes
// back; `go test` links with -s, so only the file and the address in it
// (the run-time address: Go links a non-PIE executable) are left.
func TestUsymSelf(t *testing.T) {
	pc := uint64(reflect.ValueOf(usymTarget).Pointer())
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	syms, _ := f.Symbols()
	f.Close()
	name := "github.com/luabpf/luabpf/internal/sym.usymTarget"
	want := func(off uint64) string { return fmt.Sprintf("%s+0x%x", name, off) }
	if !slices.ContainsFunc(syms, func(s elf.Symbol) bool { return s.Name == name }) {
		if f.Type != elf.ET_EXEC {
			t.Skipf("%s is stripped and position-independent", exe)
		}
		want = func(off uint64) string { return fmt.Sprintf("%s+0x%x", filepath.Base(exe), pc+off) }
	}
	r := NewResolver()
	if got := r.Usym(os.Getpid(), pc); got != want(0) {
		t.Errorf("Usym(usymTarget) = %s, want %s", got, want(0))
	}
	if got := r.Usym(os.Getpid(), pc+2); got != want(2) {
		t.Errorf("Usym(usymTarget+2) = %s, want %s", got, want(2))
	}
	if got := r.Usym(os.Getpid(), 8); got != Unknown {
		t.Errorf("Usym(8) = %s, want %s", got, Unknown)
	}
}

const targetLib = `
int lib_fn(int x) { return x + 7; }
`

const targetMain = `
#include <stdio.h>
#include <unistd.h>
int lib_fn(int);
__attribute__((noinline)) int main_fn(int x) { return x * 3 + 1; }
static __attribute__((noinline, used)) int hidden_fn(int x) { return x - 1; }
/* A function whose symbol has no size, as hand-written assembly often has. */
__asm__(".text\n.globl zero_fn\n.type zero_fn, %function\nzero_fn:\n\tret\n");
void zero_fn(void);
int main(void) {
	printf("%p %p %p %p\n", (void *)main_fn, (void *)lib_fn, (void *)getpid, (void *)hidden_fn);
	fflush(stdout);
	char c;
	read(0, &c, 1); /* wait for the test to close stdin */
	zero_fn();
	return main_fn(lib_fn(1)) == 0;
}
`

// buildTarget compiles a PIE executable linked with a shared library of
// its own into dir, optionally stripped of .symtab.
func buildTarget(t *testing.T, dir string, strip bool) string {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no gcc to build the test program")
	}
	for name, text := range map[string]string{"lib.c": targetLib, "main.c": targetMain} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(dir, "target")
	for _, args := range [][]string{
		{"-shared", "-fPIC", "-O1", "-o", filepath.Join(dir, "libtarget.so"), filepath.Join(dir, "lib.c")},
		{"-fPIE", "-pie", "-O1", "-o", exe, filepath.Join(dir, "main.c"), "-L" + dir, "-ltarget", "-Wl,-rpath," + dir},
	} {
		if out, err := exec.Command("gcc", args...).CombinedOutput(); err != nil {
			t.Fatalf("gcc %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	if strip {
		if out, err := exec.Command("strip", exe).CombinedOutput(); err != nil {
			t.Fatalf("strip: %v\n%s", err, out)
		}
	}
	return exe
}

// startTarget runs exe and returns its pid, the four addresses it prints,
// and a function that lets it go on (it calls zero_fn, lib_fn and
// main_fn once) and waits for it to exit, which happens at the end of the
// test otherwise.
func startTarget(t *testing.T, exe string) (int, [4]uint64, func()) {
	t.Helper()
	cmd := exec.Command(exe)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			stdin.Close()
			if err := cmd.Wait(); err != nil {
				t.Errorf("test program: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var a [4]uint64
	if _, err := fmt.Sscanf(line, "%v %v %v %v", &a[0], &a[1], &a[2], &a[3]); err != nil {
		t.Fatalf("target printed %q: %v", line, err)
	}
	return cmd.Process.Pid, a, stop
}

// TestUsymProcess looks up functions of a PIE executable, of its shared
// library and of libc in another process.
func TestUsymProcess(t *testing.T) {
	pid, a, _ := startTarget(t, buildTarget(t, t.TempDir(), false))
	r := NewResolver()
	for _, tc := range []struct {
		addr uint64
		want string
	}{
		{a[0], "main_fn+0x0"},
		{a[0] + 3, "main_fn+0x3"},
		{a[1], "lib_fn+0x0"},
		{a[2], "getpid+0x0"}, // getpid, not its alias __getpid
		{a[3], "hidden_fn+0x0"},
	} {
		if got := r.Usym(pid, tc.addr); got != tc.want {
			t.Errorf("Usym(%#x) = %s, want %s", tc.addr, got, tc.want)
		}
	}
}

// TestUsymStripped looks up functions of a stripped executable: without
// .symtab only the file and the address in it are left (an executable
// exports no symbols in .dynsym), while its library keeps its names.
func TestUsymStripped(t *testing.T) {
	exe := buildTarget(t, t.TempDir(), true)
	pid, a, _ := startTarget(t, exe)
	r := NewResolver()
	got := r.Usym(pid, a[3])
	// hidden_fn's address in the file is its address minus the load base.
	ms, err := readMaps(pid)
	if err != nil {
		t.Fatal(err)
	}
	base := uint64(0)
	for _, m := range ms {
		if m.path == exe && m.off == 0 {
			base = m.start
			break
		}
	}
	if want := fmt.Sprintf("target+0x%x", a[3]-base); got != want {
		t.Errorf("Usym(hidden_fn) in a stripped file = %s, want %s", got, want)
	}
	if got, want := r.Usym(pid, a[0]+1), fmt.Sprintf("target+0x%x", a[0]+1-base); got != want {
		t.Errorf("Usym(main_fn+1) in a stripped file = %s, want %s", got, want)
	}
	if got := r.Usym(pid, a[1]); got != "lib_fn+0x0" {
		t.Errorf("Usym(lib_fn) = %s, want lib_fn+0x0", got)
	}
}
