package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
	"golang.org/x/sys/unix"
)

// compileToObject runs `luabpf compile script -o DIR/NAME.o` as a user
// would and returns the object's path and what luabpf wrote to stderr.
func compileToObject(t *testing.T, script string) (string, string) {
	t.Helper()
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), strings.TrimSuffix(filepath.Base(script), ".lua")+".o")
	r := execLuabpf(t, filepath.Dir(abs), "compile", filepath.Base(script), "-o", out)
	if r.code != 0 {
		t.Fatalf("luabpf compile %s: exit status %d\nstderr:\n%s", script, r.code, r.stderr)
	}
	return out, r.stderr
}

// loadObject reads an object with cilium/ebpf and creates its maps and
// programs (the verifier accepts each program), checking that it holds
// exactly the programs and maps wanted, with their types and sections.
func loadObject(t *testing.T, path string, progs map[string]progWant, maps map[string]ebpf.MapType) *ebpf.Collection {
	t.Helper()
	spec, err := ebpf.LoadCollectionSpec(path)
	if err != nil {
		t.Fatalf("LoadCollectionSpec(%s): %v", path, err)
	}
	if len(spec.Programs) != len(progs) || len(spec.Maps) != len(maps) {
		t.Errorf("%s holds programs %v and maps %v; want %v and %v", path, spec.Programs, spec.Maps, progs, maps)
	}
	for name, want := range progs {
		p := spec.Programs[name]
		if p == nil {
			t.Fatalf("%s has no program %s (it has %v)", path, name, spec.Programs)
		}
		if p.Type != want.typ || p.SectionName != want.section || p.License != "GPL" {
			t.Errorf("program %s: %v in section %q, license %q; want %v in %q, GPL", name, p.Type, p.SectionName, p.License, want.typ, want.section)
		}
	}
	for name, typ := range maps {
		if m := spec.Maps[name]; m == nil || m.Type != typ {
			t.Errorf("map %s: %v, want a %v map", name, m, typ)
		}
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		t.Fatalf("NewCollection(%s): %v", path, err)
	}
	t.Cleanup(func() { coll.Close() })
	return coll
}

type progWant struct {
	typ     ebpf.ProgramType
	section string
}

var socketProg = progWant{ebpf.SocketFilter, "socket"}

// lineOf returns the line number of the first line of a script holding
// text.
func lineOf(t *testing.T, script, text string) int {
	t.Helper()
	b, err := os.ReadFile(script)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(b), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", script, text)
	return 0
}

// checkBpftool loads the object with `bpftool prog loadall` into a bpffs
// directory and checks that `bpftool prog dump xlated ... linum` shows
// each statement at its Lua file and line.
func checkBpftool(t *testing.T, obj, script, prog string, statements ...string) string {
	t.Helper()
	dir := kerneltest.PinDir(t)
	kerneltest.RunBpftool(t, "prog", "loadall", obj, dir, "pinmaps", filepath.Join(dir, "maps"))
	dump := kerneltest.RunBpftool(t, "prog", "dump", "xlated", "pinned", filepath.Join(dir, prog), "linum")
	for _, s := range statements {
		line := lineOf(t, script, s)
		re := regexp.MustCompile(`(?m)^; .*` + regexp.QuoteMeta(s) + `.* \[file:\S*` + regexp.QuoteMeta(filepath.Base(script)) +
			fmt.Sprintf(` line_num:%d line_col:0\]$`, line))
		if !re.MatchString(dump) {
			t.Errorf("bpftool's dump of %s does not show %q at %s:%d:\n%s", prog, s, filepath.Base(script), line, dump)
		}
	}
	return dir
}

var (
	cip4a = netip.MustParseAddr("10.0.0.1")
	cip4b = netip.MustParseAddr("10.0.0.2")
)

func udpFrame(dport uint16, payload []byte) []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: cip4a, Dst: cip4b, Proto: packet.ProtoUDP}).
		UDP(40000, dport).Payload(payload).Bytes()
}

func icmpFrame() []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: cip4a, Dst: cip4b, Proto: packet.ProtoICMP}).
		ICMPEcho(packet.ICMPEchoRequest, 1, 1).Payload([]byte("ping")).Bytes()
}

func tcpFrame(payload []byte) []byte {
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: cip4a, Dst: cip4b, Proto: packet.ProtoTCP}).
		TCP(packet.TCP{Src: 40000, Dst: packet.PortHTTP, Flags: packet.TCPPsh | packet.TCPAck}).
		Payload(payload).Bytes()
}

// runFrames runs a socket filter on each frame with BPF_PROG_TEST_RUN.
func runFrames(t *testing.T, prog *ebpf.Program, opts *kerneltest.RunOptions, frames ...[]byte) {
	t.Helper()
	for _, f := range frames {
		kerneltest.RunSocketFilter(t, prog, f, opts)
	}
}

// wantCount checks one map entry; value sizes 4 and 8 are read as
// integers.
func wantCount(t *testing.T, m *ebpf.Map, key uint32, want uint64) {
	t.Helper()
	val := make([]byte, m.ValueSize())
	if err := m.Lookup(key, val); err != nil {
		t.Errorf("map[%d]: %v, want %d", key, err, want)
		return
	}
	var got uint64
	if len(val) == 8 {
		got = binary.NativeEndian.Uint64(val)
	} else {
		got = uint64(binary.NativeEndian.Uint32(val))
	}
	if got != want {
		t.Errorf("map[%d] = %d, want %d", key, got, want)
	}
}

// TestCompileSockProto: the object of sock-proto.lua counts frames by IP
// protocol into its hash map once the entries the script stores at top
// level, which luabpf names in a note, are written.
func TestCompileSockProto(t *testing.T) {
	kerneltest.Require(t)
	script := examplePath("sock-proto.lua")
	obj, stderr := compileToObject(t, script)
	note := fmt.Sprintf("luabpf compile: note: sock-proto.lua:%d: the script stores 3 entries into map 'map'", lineOf(t, script, "map[1], map[6], map[17] = 0, 0, 0"))
	if !strings.Contains(stderr, note) {
		t.Errorf("stderr %q lacks %q", stderr, note)
	}
	coll := loadObject(t, obj, map[string]progWant{"fn_28": socketProg}, map[string]ebpf.MapType{"map": ebpf.Hash})
	m, prog := coll.Maps["map"], coll.Programs["fn_28"]
	// Without the entries the filter adds to nothing, as the note warns.
	runFrames(t, prog, nil, udpFrame(53, nil))
	var v uint32
	if err := m.Lookup(uint32(17), &v); !errors.Is(err, ebpf.ErrKeyNotExist) {
		t.Errorf("before the entries are written, map[17] = %d (%v); want no entry", v, err)
	}
	for _, k := range []uint32{1, 6, 17} {
		if err := m.Put(k, uint32(0)); err != nil {
			t.Fatal(err)
		}
	}
	runFrames(t, prog, nil, udpFrame(53, []byte("x")), udpFrame(9, nil), udpFrame(7, nil), icmpFrame(), icmpFrame())
	wantCount(t, m, 17, 3)
	wantCount(t, m, 1, 2)
	wantCount(t, m, 6, 0)
	checkBpftool(t, obj, script, "fn_28", "local proto = pkt.ip.proto", "xadd(map[proto], 1)")
}

// TestCompileSockProtolen: bytes by protocol into an array, which needs
// no seeding.
func TestCompileSockProtolen(t *testing.T) {
	kerneltest.Require(t)
	script := examplePath("sock-protolen.lua")
	obj, stderr := compileToObject(t, script)
	if stderr != "" {
		t.Errorf("stderr: %q, want nothing", stderr)
	}
	coll := loadObject(t, obj, map[string]progWant{"fn_28": socketProg}, map[string]ebpf.MapType{"map": ebpf.Array})
	a, b := udpFrame(53, []byte("hello")), icmpFrame()
	runFrames(t, coll.Programs["fn_28"], nil, a, a, b)
	wantCount(t, coll.Maps["map"], 17, uint64(2*len(a)))
	wantCount(t, coll.Maps["map"], 1, uint64(len(b)))
	checkBpftool(t, obj, script, "fn_28", "xadd(map[proto], skb.len)")
}

// TestCompileSockParseDNS: QTYPEs of DNS queries counted in an array.
func TestCompileSockParseDNS(t *testing.T) {
	kerneltest.Require(t)
	script := examplePath("sock-parse-dns.lua")
	obj, _ := compileToObject(t, script)
	coll := loadObject(t, obj, map[string]progWant{"fn_26": socketProg}, map[string]ebpf.MapType{"map": ebpf.Array})
	runFrames(t, coll.Programs["fn_26"], nil,
		udpFrame(53, packet.DNSQuery("example.com", packet.DNSTypeAAAA)),
		udpFrame(53, packet.DNSQuery("example.org", packet.DNSTypeAAAA)),
		udpFrame(53, packet.DNSQuery("localhost", packet.DNSTypeA)),
		udpFrame(53, packet.DNSQuery("www.example.com", packet.DNSTypeA)), // three labels: not counted
		tcpFrame(packet.DNSQuery("example.com", packet.DNSTypeA)))
	wantCount(t, coll.Maps["map"], 28, 2)
	wantCount(t, coll.Maps["map"], 1, 1)
	checkBpftool(t, obj, script, "fn_26", "local label = udp[0]", "xadd(map[qtype], 1)")
}

// TestCompileSockParseHTTP: requests counted by their first four bytes,
// on ingress only.
func TestCompileSockParseHTTP(t *testing.T) {
	kerneltest.Require(t)
	script := examplePath("sock-parse-http.lua")
	obj, _ := compileToObject(t, script)
	coll := loadObject(t, obj, map[string]progWant{"fn_28": socketProg}, map[string]ebpf.MapType{"map": ebpf.Hash})
	prog, m := coll.Programs["fn_28"], coll.Maps["map"]
	in := &kerneltest.RunOptions{IngressIfindex: 1}
	get := tcpFrame(packet.HTTPRequest("GET", "/"))
	runFrames(t, prog, in, get, get, tcpFrame(packet.HTTPRequest("POST", "/form")))
	runFrames(t, prog, nil, get)   // egress: not counted
	wantCount(t, m, 0x47455420, 2) // "GET " as a big-endian number
	wantCount(t, m, 0x504f5354, 1) // "POST"
	checkBpftool(t, obj, script, "fn_28", "if skb.ingress_ifindex == 0 then return end", "local h = data(0, 4)")
}

// TestCompileTracepoint: a tracepoint program keyed by a struct loads
// from the object, counts the test's getpid calls once attached, and
// bpftool prints its map's entries with the struct's field names.
func TestCompileTracepoint(t *testing.T) {
	kerneltest.Require(t)
	script := filepath.Join("testdata", "compile", "getpid-by-comm.lua")
	obj, _ := compileToObject(t, script)
	coll := loadObject(t, obj,
		map[string]progWant{"fn_8": {ebpf.TracePoint, "tracepoint/syscalls/sys_enter_getpid"}},
		map[string]ebpf.MapType{"calls": ebpf.Hash})
	dir := checkBpftool(t, obj, script, "fn_8", "comm(key.comm)", "if not n then calls[key] = 1 else xadd(calls[key], 1) end")

	l, err := link.Tracepoint("syscalls", "sys_enter_getpid", coll.Programs["fn_8"], nil)
	if err != nil {
		t.Fatal(err)
	}
	const calls = 5
	for range calls {
		unix.Getpid()
	}
	l.Close()
	pin := filepath.Join(dir, "calls_from_test")
	if err := coll.Maps["calls"].Pin(pin); err != nil {
		t.Fatal(err)
	}
	var entries []struct {
		Key struct {
			PID  *int   `json:"pid"`
			Comm string `json:"comm"`
		} `json:"key"`
		Value uint64 `json:"value"`
	}
	dump := kerneltest.RunBpftool(t, "map", "dump", "pinned", pin)
	if err := json.Unmarshal([]byte(dump), &entries); err != nil {
		t.Fatalf("bpftool map dump is not the JSON of a map with BTF: %v\n%s", err, dump)
	}
	found := false
	for _, e := range entries {
		if e.Key.PID == nil {
			t.Fatalf("bpftool shows no field pid in the key:\n%s", dump)
		}
		if *e.Key.PID == os.Getpid() {
			found = true
			if e.Value != calls || e.Key.Comm == "" {
				t.Errorf("entry of the test's pid: comm %q, %d calls; want a command name and %d", e.Key.Comm, e.Value, calls)
			}
		}
	}
	if !found {
		t.Errorf("no entry for the test's pid %d:\n%s", os.Getpid(), dump)
	}
}

// TestCompileProbes: kretprobe and uprobe programs in the sections
// libbpf expects; the kernel loads them (attaching needs no kprobes to
// be tested here: this kernel has none).
func TestCompileProbes(t *testing.T) {
	kerneltest.Require(t)
	script := filepath.Join("testdata", "compile", "probes.lua")
	obj, _ := compileToObject(t, script)
	spec, err := ebpf.LoadCollectionSpec(obj)
	if err != nil {
		t.Fatal(err)
	}
	up := spec.Programs["fn_9"]
	if up == nil || !regexp.MustCompile(`^uprobe//\S+/libc\.so\.6:malloc$`).MatchString(up.SectionName) {
		t.Fatalf("programs %v: want fn_9 in uprobe//PATH/libc.so.6:malloc", spec.Programs)
	}
	loadObject(t, obj, map[string]progWant{
		"fn_6": {ebpf.Kprobe, "kretprobe/do_sys_openat2"},
		"fn_9": {ebpf.Kprobe, up.SectionName},
	}, map[string]ebpf.MapType{"hits": ebpf.Array})
	checkBpftool(t, obj, script, "fn_6", "xadd(hits[0], 1)")
}

// TestCompileXDPAndTC checks the sections of XDP and TC programs in an
// object (xdp, tcx/egress, tcx/ingress, with the attach types loaders
// read from them), that each loads, and that the XDP one drops what it
// should.
func TestCompileXDPAndTC(t *testing.T) {
	kerneltest.Require(t)
	script := filepath.Join("testdata", "compile", "net.lua")
	obj, _ := compileToObject(t, script)
	coll := loadObject(t, obj, map[string]progWant{
		"xdp_drop": {ebpf.XDP, "xdp"},
		"tc_out":   {ebpf.SchedCLS, "tcx/egress"},
		"tc_in":    {ebpf.SchedCLS, "tcx/ingress"},
		"fn_29":    {ebpf.XDP, "xdp"},
	}, map[string]ebpf.MapType{"drops": ebpf.PerCPUArray})
	spec, err := ebpf.LoadCollectionSpec(obj)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]ebpf.AttachType{"tc_out": ebpf.AttachTCXEgress, "tc_in": ebpf.AttachTCXIngress, "xdp_drop": ebpf.AttachXDP} {
		if got := spec.Programs[name].AttachType; got != want {
			t.Errorf("%s attaches as %v, want %v", name, got, want)
		}
	}
	for _, tc := range []struct {
		frame []byte
		want  uint32
	}{{udpFrame(9, nil), 1}, {udpFrame(53, nil), 2}, {icmpFrame(), 2}} {
		if got, _ := kerneltest.RunPacket(t, coll.Programs["xdp_drop"], tc.frame); got != tc.want {
			t.Errorf("xdp_drop returned %d, want %d", got, tc.want)
		}
	}
}
