package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
)

// xdpBench is one XDP program of BenchmarkXDP: the corpus case, its C
// version in testdata, and the frame it runs on.
type xdpBench struct {
	corpus, c string
	frame     []byte
}

func xdpBenches() map[string]xdpBench {
	drop := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(40000, 9).Payload([]byte("hello")).Bytes()
	pass := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(40000, 10).Payload([]byte("hello")).Bytes()
	dns := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(40000, 53).Payload(packet.DNSQuery("example.com", 28)).Bytes()
	return map[string]xdpBench{
		"xdp-drop/port9":  {"xdp_drop", "xdp_drop.c", drop},
		"xdp-drop/port10": {"xdp_drop", "xdp_drop.c", pass},
		"xdp-dns":         {"xdp_dns", "xdp_dns.c", dns},
	}
}

// BenchmarkXDP compares luabpf with clang -O2 -target bpf on XDP
// programs written in Lua (testdata/lua/xdp_*.lua) and in C
// (testdata/xdp_*.c), in one run on one machine: for each compiler,
// instruction slots ("insns"), the instructions the verifier processed
// ("verified") and the kernel's time per run under BPF_PROG_TEST_RUN on
// the same frame ("ns/run"). The clang half skips without clang or
// libbpf's headers (Debian: clang, libbpf-dev).
func BenchmarkXDP(b *testing.B) {
	kerneltest.Require(b)
	corpus := map[string]*corpusCase{}
	for _, c := range loadCorpus(b) {
		corpus[c.name] = c
	}
	dir := b.TempDir()
	for name, xb := range xdpBenches() {
		b.Run(name+"/luabpf", func(b *testing.B) {
			c := corpus[xb.corpus]
			res, _, err := c.compile(b)
			if err != nil {
				b.Fatal(err)
			}
			benchPacketRuns(b, loadCase(b, c, res), res.Slots(), xb.frame)
		})
		b.Run(name+"/clang", func(b *testing.B) {
			prog, slots := clangXDP(b, dir, xb.c)
			benchPacketRuns(b, prog, slots, xb.frame)
		})
	}
}

// clangXDP builds testdata/NAME with clang -O2 and loads its one
// program, returning it and its length in slots.
func clangXDP(b *testing.B, dir, name string) (*ebpf.Program, int) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		b.Skip("clang not installed")
	}
	if _, err := os.Stat("/usr/include/bpf/bpf_helpers.h"); err != nil {
		b.Skip("libbpf headers (libbpf-dev) not installed")
	}
	obj := filepath.Join(dir, name+".o")
	cmd := exec.Command(clang, "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c", filepath.Join("testdata", name), "-o", obj)
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("clang: %v\n%s", err, out)
	}
	spec, err := ebpf.LoadCollectionSpec(obj)
	if err != nil {
		b.Fatal(err)
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		b.Fatalf("%+v", err)
	}
	b.Cleanup(func() { coll.Close() })
	for n, ps := range spec.Programs {
		slots := 0
		for _, ins := range ps.Instructions {
			slots += int(ins.Width())
		}
		return coll.Programs[n], slots
	}
	b.Fatalf("%s has no program", name)
	return nil, 0
}

// benchPacketRuns reports slots, the verifier's processed instruction
// count for prog, an XDP or TC program, and its average time per
// BPF_PROG_TEST_RUN on frame.
func benchPacketRuns(b *testing.B, prog *ebpf.Program, slots int, frame []byte) {
	info, err := prog.Info()
	if err != nil {
		b.Fatal(err)
	}
	verified, _ := info.VerifiedInstructions()
	var total time.Duration
	runs := 0
	for b.Loop() {
		_, d := kerneltest.BenchmarkPacket(b, prog, frame, 1000)
		total += d
		runs++
	}
	b.ReportMetric(float64(slots), "insns")
	b.ReportMetric(float64(verified), "verified")
	b.ReportMetric(float64(total.Nanoseconds())/float64(runs), "ns/run")
}
