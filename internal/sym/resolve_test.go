package sym

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLibNameMatches(t *testing.T) {
	for _, tc := range []struct {
		file, name string
		want       bool
	}{
		{"libc.so.6", "c", true},
		{"libc.so.6", "libc", true},
		{"libc.so.6", "libc.so", true},
		{"libc.so.6", "libc.so.6", true},
		{"libc.so", "c", true},
		{"libcap.so.2", "c", false},
		{"libc.so.6", "libc.so.7", false},
		{"libstdc++.so.6", "stdc++", true},
		{"libssl.so.3", "ssl", true},
		{"libc.so.6", "ld", false},
		{"bash", "bash", false},
	} {
		if got := libNameMatches(tc.file, tc.name); got != tc.want {
			t.Errorf("libNameMatches(%q, %q) = %v", tc.file, tc.name, got)
		}
	}
}

// fakeLibs builds a library search over temporary directories: an
// LD_LIBRARY_PATH directory, a cache and a default directory, each with
// copies of a real ELF library under made-up names.
func fakeLibs(t *testing.T) (*libSearch, string) {
	t.Helper()
	elfLib, err := os.ReadFile(hostLibSearch().findOrSkip(t, "c"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	write := func(rel string, data []byte) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("env/libonlyenv.so.1", elfLib)
	write("env/libboth.so.2", elfLib)
	cached := write("cached/libboth.so.1", elfLib)
	write("cached/libincache.so.3", elfLib)
	write("default/libincache.so.3", elfLib)
	write("default/libdefault.so.1.2.3", elfLib)
	write("default/libdefault.so.1", elfLib)
	write("default/libscript.so", []byte("/* GNU ld script */\nGROUP ( libc.so.6 )\n"))
	cache := write("ld.so.cache", buildLdCache(false,
		"libboth.so.1", cached,
		"libincache.so.3", filepath.Join(root, "cached/libincache.so.3"),
		"libgone.so.1", filepath.Join(root, "cached/libgone.so.1")))
	ls := hostLibSearch()
	ls.envDirs = []string{filepath.Join(root, "env")}
	ls.cache = cache
	ls.dirs = []string{filepath.Join(root, "default")}
	return ls, root
}

// findOrSkip finds a library on this machine or skips the test.
func (ls *libSearch) findOrSkip(t *testing.T, name string) string {
	t.Helper()
	p, looked := ls.find(name)
	if p == "" {
		t.Skipf("no lib%s on this machine (looked in %v)", name, looked)
	}
	return p
}

func TestLibSearchOrder(t *testing.T) {
	ls, root := fakeLibs(t)
	for name, want := range map[string]string{
		"onlyenv":         "env/libonlyenv.so.1",
		"both":            "env/libboth.so.2", // LD_LIBRARY_PATH before the cache
		"libboth.so.1":    "cached/libboth.so.1",
		"incache":         "cached/libincache.so.3", // the cache before the default directories
		"default":         "default/libdefault.so.1",
		"libdefault.so.1": "default/libdefault.so.1",
		"script":          "", // a linker script is no library
		"gone":            "", // in the cache, but the file is missing
	} {
		got, _ := ls.find(name)
		if want != "" {
			want = filepath.Join(root, want)
		}
		if got != want {
			t.Errorf("find(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestLibSearchHost finds libc on this machine by each of its names.
func TestLibSearchHost(t *testing.T) {
	ls := hostLibSearch()
	want := ls.findOrSkip(t, "libc.so.6")
	wantInfo, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"c", "libc", "libc.so"} {
		got, _ := ls.find(name)
		info, err := os.Stat(got)
		if err != nil || !os.SameFile(info, wantInfo) {
			t.Errorf("find(%q) = %q, not %q (%v)", name, got, want, err)
		}
	}
}

func TestResolveUprobeBash(t *testing.T) {
	if _, err := os.Stat("/bin/bash"); err != nil {
		t.Skip("no /bin/bash")
	}
	f, err := elf.Open("/bin/bash")
	if err != nil {
		t.Fatal(err)
	}
	syms, _ := symbolTables(f)
	var readline elf.Symbol
	for _, s := range syms {
		if s.Name == "readline" {
			readline = s
		}
	}
	off, _ := codeOffset(f, readline.Value)
	f.Close()
	if readline.Value == 0 || off == 0 {
		t.Skip("/bin/bash exports no readline")
	}
	bashOnPath, _ := exec.LookPath("bash")
	bashOnPath, _ = filepath.Abs(bashOnPath)
	for _, tc := range []struct{ spec, want string }{
		{"/bin/bash:readline", "/bin/bash readline"},
		{"/bin/bash:readline+4", "/bin/bash readline +4"},
		{"bash:readline", bashOnPath + " readline"},
		{"/bin/bash:0x" + strings.TrimLeft(hex(readline.Value), "0"), "/bin/bash @0x" + strings.TrimLeft(hex(off), "0")},
		{"/bin/bash:readlin", "error: uprobe target '/bin/bash:readlin': no function 'readlin' in '/bin/bash' (did you mean 'readline'"},
		{"/bin/bassh:readline", "error: uprobe target '/bin/bassh:readline': no file '/bin/bassh'"},
		{"/etc/passwd:x", "error: uprobe target '/etc/passwd:x': '/etc/passwd' is not an ELF executable or library"},
		{"/bin/bash:0x1", "error: uprobe target '/bin/bash:0x1': address 0x1 is not in the code of '/bin/bash'"},
		{"/bin/bash:readline+100000", "error: uprobe target '/bin/bash:readline+100000': offset 100000 is beyond the end of 'readline', which is"},
		{"nosuchlibrary:f", "error: uprobe target 'nosuchlibrary:f': no library or program 'nosuchlibrary' (looked in "},
	} {
		got := describeTarget(ResolveUprobe(tc.spec, 0))
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("ResolveUprobe(%q):\n got %s\nwant %s", tc.spec, got, tc.want)
		}
	}
}

func TestResolveUprobeLibc(t *testing.T) {
	libc := hostLibSearch().findOrSkip(t, "c")
	for _, tc := range []struct{ spec, want string }{
		{"c:malloc", libc + " malloc"},
		{"libc.so.6:getpid", libc + " getpid"},
		{"libc:free+2", libc + " free +2"},
		{"c:strlen", "error: uprobe target 'c:strlen': 'strlen' in '" + libc + "' is an indirect function (GNU ifunc), whose address is its resolver's; probe one of its implementations"},
		{"c:stdout", "error: uprobe target 'c:stdout': 'stdout' in '" + libc + "' is not a function"},
	} {
		got := describeTarget(ResolveUprobe(tc.spec, 0))
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("ResolveUprobe(%q):\n got %s\nwant %s", tc.spec, got, tc.want)
		}
	}
}

// TestResolveUprobeBuilt resolves functions of a program built here: an
// import, a function without a size, and a library found in the maps of
// the running program.
func TestResolveUprobeBuilt(t *testing.T) {
	dir := t.TempDir()
	exe := buildTarget(t, dir, false)
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	syms, _ := symbolTables(f)
	var zeroOff uint64
	for _, s := range syms {
		if s.Name == "zero_fn" {
			zeroOff, _ = codeOffset(f, s.Value)
		}
	}
	f.Close()
	if zeroOff == 0 {
		t.Fatal("no zero_fn in the test program")
	}
	got := describeTarget(ResolveUprobe(exe+":zero_fn", 0))
	if want := exe + " @0x" + strings.TrimLeft(hex(zeroOff), "0"); got != want {
		t.Errorf("function without size: %s, want %s", got, want)
	}
	got = describeTarget(ResolveUprobe(exe+":printf", 0))
	if want := "does not define 'printf' but calls it in libc.so.6; probe it there: 'libc.so.6:printf'"; !strings.HasSuffix(got, want) {
		t.Errorf("imported function: %s, want ...%s", got, want)
	}
	// libtarget.so is on no search path, but the running program maps it.
	pid, _, _ := startTarget(t, exe)
	root := "/proc/" + itoa(uint64(pid)) + "/root"
	for spec, want := range map[string]string{
		"libtarget.so:lib_fn": root + filepath.Join(dir, "libtarget.so") + " lib_fn",
		"target:main_fn":      root + exe + " main_fn", // the program itself before its library libtarget
	} {
		if got := describeTarget(ResolveUprobe(spec, pid)); got != want {
			t.Errorf("ResolveUprobe(%q, pid) = %s, want %s", spec, got, want)
		}
	}
	if got := describeTarget(ResolveUprobe("libtarget.so:lib_fn", 0)); !strings.Contains(got, "no library or program 'libtarget.so'") {
		t.Errorf("without the pid: %s", got)
	}
}

const cxxSource = `
namespace kc {
struct StashDB {
	__attribute__((noinline)) bool accept(const char *k, unsigned long n, void *v, bool w) const { return n > 0 && w && k && v; }
	__attribute__((noinline)) int twice(int x) { return 2 * x; }
	__attribute__((noinline)) long twice(long x) { return 2 * x; }
};
}
int main(int argc, char **argv) {
	kc::StashDB db;
	return db.accept(argv[0], argc, &db, true) + db.twice(argc) + (int)db.twice((long)argc);
}
`

func TestResolveUprobeCxx(t *testing.T) {
	if _, err := exec.LookPath("g++"); err != nil {
		t.Skip("no g++")
	}
	dir := t.TempDir()
	src, exe := filepath.Join(dir, "db.cc"), filepath.Join(dir, "db")
	if err := os.WriteFile(src, []byte(cxxSource), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("g++", "-O1", "-o", exe, src).CombinedOutput(); err != nil {
		t.Fatalf("g++: %v\n%s", err, out)
	}
	for _, tc := range []struct{ spec, want string }{
		{exe + ":kc::StashDB::accept", exe + " _ZNK2kc7StashDB6acceptEPKcmPvb"},
		{exe + ":_ZNK2kc7StashDB6acceptEPKcmPvb", exe + " _ZNK2kc7StashDB6acceptEPKcmPvb"},
		{exe + ":kc::StashDB::twice", "error: uprobe target '" + exe + ":kc::StashDB::twice': 'kc::StashDB::twice' names 2 functions in '" + exe + "'; write the mangled name of one: _ZN2kc7StashDB5twiceEi, _ZN2kc7StashDB5twiceEl"},
		{exe + ":kc::StashDB::acept", "error: uprobe target '" + exe + ":kc::StashDB::acept': no function 'kc::StashDB::acept'"},
	} {
		got := describeTarget(ResolveUprobe(tc.spec, 0))
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("ResolveUprobe(%q):\n got %s\nwant %s", tc.spec, got, tc.want)
		}
	}
}

// describeTarget spells a result as "PATH SYMBOL +OFFSET" or "PATH
// @ADDRESS", or "error: ...".
func describeTarget(t UprobeTarget, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	out := t.Path
	if t.Symbol != "" {
		out += " " + t.Symbol
	}
	if t.Address != 0 {
		out += " @0x" + strings.TrimLeft(hex(t.Address), "0")
	}
	if t.Offset != 0 {
		out += " +" + itoa(t.Offset)
	}
	return out
}
