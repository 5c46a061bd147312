package elfobj_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }

// ipv4Frame is an Ethernet frame with ethertype IPv4 and a zero payload.
func frame(ethertype uint16) []byte {
	f := make([]byte, 60)
	binary.BigEndian.PutUint16(f[12:], ethertype)
	return f
}

// TestNewCollection loads the object through cilium/ebpf into the kernel
// and runs each program: the socket filter counts into the struct-keyed
// hash map, the XDP program takes its branches, the tracepoint program
// counts getpid calls. The kernel keeps the line info of the ELF: its
// records name count.lua and the Lua line numbers.
func TestNewCollection(t *testing.T) {
	kerneltest.Require(t)
	coll, err := ebpf.NewCollection(load(t, write(t, testObject())))
	if err != nil {
		t.Fatalf("NewCollection: %v", err)
	}
	defer coll.Close()

	count := coll.Programs["count_packets"]
	for range 2 {
		if ret, _ := kerneltest.RunSocketFilter(t, count, frame(0x0800), nil); ret != 0 {
			t.Errorf("count_packets returned %d, want 0", ret)
		}
	}
	var key [8]byte
	var n uint64
	it := coll.Maps["counts"].Iterate()
	entries := 0
	for it.Next(&key, &n) {
		entries++
		proto, ifindex := native.Uint32(key[0:]), native.Uint32(key[4:])
		if uint16(proto) != htons(0x0800) || ifindex != 1 || n != 2 {
			t.Errorf("counts[{proto=%#x, ifindex=%d}] = %d, want {proto=htons(0x0800), ifindex=1} = 2", proto, ifindex, n)
		}
	}
	if it.Err() != nil || entries != 1 {
		t.Errorf("counts has %d entries (%v), want 1", entries, it.Err())
	}

	classify := coll.Programs["classify"]
	for _, tc := range []struct {
		data []byte
		want uint32
	}{{frame(0x0800), xdpPass}, {frame(0x86dd), xdpTX}, {frame(0x0806), xdpDrop}, {make([]byte, 14), xdpDrop}} {
		ret, err := classify.Run(&ebpf.RunOptions{Data: tc.data})
		if err != nil {
			kerneltest.RequireFeature(t, err)
		}
		if ret != tc.want {
			t.Errorf("classify(ethertype %#x) = %d, want %d", binary.BigEndian.Uint16(tc.data[12:]), ret, tc.want)
		}
	}

	checkGetpid(t, coll)
	checkKernelLines(t, count, "count.lua", []int{5, 6, 7, 9, 11})
}

func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return native.Uint16(b[:])
}

// checkGetpid attaches the tracepoint program and checks that it counted
// the getpid calls this test makes (other processes may add more).
func checkGetpid(t *testing.T, coll *ebpf.Collection) {
	t.Helper()
	if _, err := kerneltest.MountTracefs(); err != nil {
		t.Fatal(err)
	}
	l, err := link.Tracepoint("syscalls", "sys_enter_getpid", coll.Programs["count_getpid"], nil)
	if err != nil {
		t.Fatalf("attach tracepoint: %v", err)
	}
	defer l.Close()
	for range 3 {
		syscall.Getpid()
	}
	var n uint64
	if err := coll.Maps["calls"].Lookup(uint32(0), &n); err != nil || n < 3 {
		t.Errorf("calls[0] = %d (%v), want at least 3", n, err)
	}
}

// checkKernelLines reads the line info the kernel holds for prog and
// checks its file and line numbers.
func checkKernelLines(t *testing.T, prog *ebpf.Program, file string, lines []int) {
	t.Helper()
	info, err := prog.Info()
	if err != nil {
		t.Fatal(err)
	}
	los, err := info.LineInfos()
	if err != nil {
		t.Fatalf("line infos: %v", err)
	}
	var got []string
	for _, lo := range los {
		got = append(got, fmt.Sprintf("%s:%d", lo.Line.FileName(), lo.Line.LineNumber()))
	}
	var want []string
	for _, l := range lines {
		want = append(want, fmt.Sprintf("%s:%d", file, l))
	}
	if g, w := strings.Join(got, " "), strings.Join(want, " "); g != w {
		t.Errorf("kernel line info %s, want %s", g, w)
	}
	fis, err := info.FuncInfos()
	if err != nil || len(fis) != 1 || fis[0].Func.Name != "count_packets" {
		t.Errorf("kernel func info %v (%v), want count_packets", fis, err)
	}
}

// bpftoolProg is what `bpftool -j prog show` says about a program.
type bpftoolProg struct {
	ID     int    `json:"id"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	BTFID  int    `json:"btf_id"`
	MapIDs []int  `json:"map_ids"`
}

// TestBpftool loads the object with bpftool (libbpf), pins its programs
// in bpffs, and checks what bpftool shows: the translated instructions
// with the Lua file:line of each line record, and a struct-keyed map
// dumped by field name after the loaded socket filter counted a packet.
func TestBpftool(t *testing.T) {
	kerneltest.Require(t)
	obj := filepath.Join(t.TempDir(), "test.o")
	if err := os.WriteFile(obj, write(t, testObject()), 0o644); err != nil {
		t.Fatal(err)
	}
	dir, mapDir := kerneltest.PinDir(t), kerneltest.PinDir(t)
	kerneltest.RunBpftool(t, "prog", "loadall", obj, dir, "pinmaps", mapDir)
	checkMapBTF(t, mapDir, testObject().Maps)
	progs := map[string]bpftoolProg{}
	for _, name := range []string{"count_packets", "classify", "count_getpid"} {
		var p bpftoolProg
		out := kerneltest.RunBpftool(t, "-j", "prog", "show", "pinned", filepath.Join(dir, name))
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatalf("bpftool prog show %s: %v\n%s", name, err, out)
		}
		if p.Name != name || p.BTFID == 0 {
			t.Errorf("bpftool shows program %q with btf_id %d, want %s with BTF", p.Name, p.BTFID, name)
		}
		progs[name] = p
	}
	for _, tc := range []struct{ prog, typ string }{{"count_packets", "socket_filter"}, {"classify", "xdp"}, {"count_getpid", "tracepoint"}} {
		if got := progs[tc.prog].Type; got != tc.typ {
			t.Errorf("%s has type %s, want %s", tc.prog, got, tc.typ)
		}
	}

	xlated := kerneltest.RunBpftool(t, "prog", "dump", "xlated", "id", fmt.Sprint(progs["count_packets"].ID), "linum")
	// bpftool prints a line record before the instruction it starts at:
	// "; <text without leading blanks> [file:<file> line_num:<n> line_col:<c>]".
	for _, want := range []string{
		"; bpf.socket('lo', function (skb) [file:count.lua line_num:5 line_col:0]",
		"; local k = ffi.new('struct flow_key', skb.protocol, skb.ifindex) [file:count.lua line_num:6 line_col:0]",
		"; xadd(counts[k], 1) [file:count.lua line_num:7 line_col:0]",
		"; counts[k] = 1 [file:count.lua line_num:9 line_col:0]",
		"; return 0 [file:count.lua line_num:11 line_col:0]",
	} {
		if !strings.Contains(xlated, want) {
			t.Errorf("bpftool prog dump xlated linum lacks %q:\n%s", want, xlated)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^\s*; .*\[file:count\.lua line_num:\d+ line_col:0\]$`).FindAllString(xlated, -1)); n != 5 {
		t.Errorf("%d line records in the dump, want 5:\n%s", n, xlated)
	}

	countPacketsWithBpftoolCopy(t, progs["count_packets"])
}

// checkMapBTF checks that libbpf created every map that has a key or
// value type with BTF the kernel kept.
func checkMapBTF(t *testing.T, dir string, maps []elfobj.Map) {
	t.Helper()
	for _, m := range maps {
		var shown struct {
			Name  string `json:"name"`
			BTFID int    `json:"btf_id"`
		}
		out := kerneltest.RunBpftool(t, "-j", "map", "show", "pinned", filepath.Join(dir, m.Name))
		if err := json.Unmarshal([]byte(out), &shown); err != nil {
			t.Fatalf("bpftool map show %s: %v\n%s", m.Name, err, out)
		}
		if hasBTF := shown.BTFID != 0; shown.Name != m.Name || hasBTF != (m.Key != nil) {
			t.Errorf("bpftool shows map %q with btf_id %d; want %s, with BTF: %v", shown.Name, shown.BTFID, m.Name, m.Key != nil)
		}
	}
}

// countPacketsWithBpftoolCopy runs the socket filter bpftool loaded on a
// packet and checks that `bpftool map dump` shows the count by the key's
// field names.
func countPacketsWithBpftoolCopy(t *testing.T, p bpftoolProg) {
	t.Helper()
	prog, err := ebpf.NewProgramFromID(ebpf.ProgramID(p.ID))
	if err != nil {
		t.Fatal(err)
	}
	defer prog.Close()
	kerneltest.RunSocketFilter(t, prog, frame(0x0806), nil)
	mapID := 0
	for _, id := range p.MapIDs {
		var m struct {
			Name string `json:"name"`
		}
		if err := json.Unmarshal([]byte(kerneltest.RunBpftool(t, "-j", "map", "show", "id", fmt.Sprint(id))), &m); err != nil {
			t.Fatal(err)
		}
		if m.Name == "counts" {
			mapID = id
		}
	}
	if mapID == 0 {
		t.Fatalf("program %d uses no map named counts (maps %v)", p.ID, p.MapIDs)
	}
	dump := kerneltest.RunBpftool(t, "map", "dump", "id", fmt.Sprint(mapID))
	want := fmt.Sprintf(`"proto": %d,\s+"ifindex": 1\s+},\s+"value": 1\b`, htons(0x0806))
	if !regexp.MustCompile(want).MatchString(dump) {
		t.Errorf("bpftool map dump does not show proto, ifindex and the count (%s):\n%s", want, dump)
	}
}
