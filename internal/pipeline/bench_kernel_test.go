package pipeline

import (
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
	"github.com/luabpf/luabpf/proto"
)

// seedBench describes one seed socket example for BenchmarkSeedSockets,
// with the slot counts of the original Lua compiler and of the same
// logic in C built with clang -O2 (../shared/targets), for comparison.
type seedBench struct {
	corpus          string
	frame           []byte
	ingress         uint32
	original, clang int
}

func seedBenches() map[string]seedBench {
	udp := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(40000, 9999).Payload([]byte("hello")).Bytes()
	dns := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoUDP}).UDP(40000, 53).Payload(packet.DNSQuery("example.com", 28)).Bytes()
	http := packet.Ethernet(packet.EthIPv4).IPv4(packet.IPv4{Proto: packet.ProtoTCP}).TCP(packet.TCP{Src: 40000, Dst: 80, Flags: packet.TCPAck | packet.TCPPsh}).Payload(packet.HTTPRequest("GET", "/")).Bytes()
	return map[string]seedBench{
		"sock-proto":      {"sock_proto", udp, 0, 15, 13},
		"sock-protolen":   {"sock_protolen", udp, 0, 15, 13},
		"sock-parse-dns":  {"sock_parse_dns", dns, 0, 52, 40},
		"sock-parse-http": {"sock_parse_http", http, 1, 65, 53},
	}
}

// BenchmarkSeedSockets reports, for the kernel function of each seed
// socket example: compile time (ns/op of the compile sub-benchmark),
// instruction slots ("insns", beside "original" and "clang-O2"), the
// instructions the verifier processed ("verified"), and the time of one
// run under BPF_PROG_TEST_RUN on a matching frame ("ns/run").
func BenchmarkSeedSockets(b *testing.B) {
	corpus := map[string]*corpusCase{}
	for _, c := range loadCorpus(b) {
		corpus[c.name] = c
	}
	for name, sb := range seedBenches() {
		c := corpus[sb.corpus]
		b.Run(name+"/compile", func(b *testing.B) {
			// Compile time: a resolved function to instructions, as bpf(fn)
			// does it (the script file is parsed once for all functions).
			fn, err := parseFirst(c.file, c.src)
			if err != nil {
				b.Fatal(err)
			}
			var res *Result
			for b.Loop() {
				if res, err = Compile(fn, &Options{Kind: proto.SocketFilter, Env: c.env}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Slots()), "insns")
			b.ReportMetric(float64(sb.original), "original")
			b.ReportMetric(float64(sb.clang), "clang-O2")
		})
		b.Run(name+"/run", func(b *testing.B) {
			kerneltest.Require(b)
			res, _, err := c.compile(b)
			if err != nil {
				b.Fatal(err)
			}
			prog := loadCase(b, c, res)
			benchRuns(b, prog, sb)
		})
	}
}

// loadCase loads a compiled corpus case with fresh maps.
func loadCase(tb testing.TB, c *corpusCase, res *Result) *ebpf.Program {
	insns := append(res.Insns[:0:0], res.Insns...)
	for _, ref := range res.Maps {
		spec, err := ref.Spec()
		if err != nil {
			tb.Fatal(err)
		}
		spec.MaxEntries = 256
		m, err := ebpf.NewMap(spec)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { m.Close() })
		if err := insns.AssociateMap(ref.Name, m); err != nil {
			tb.Fatal(err)
		}
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Type: c.kind.Program, Instructions: insns, License: "GPL"})
	if err != nil {
		tb.Fatalf("verifier: %+v", err)
	}
	tb.Cleanup(func() { prog.Close() })
	return prog
}

// benchRuns reports the verifier's processed instruction count for prog
// and its average time per BPF_PROG_TEST_RUN on the case's frame.
func benchRuns(b *testing.B, prog *ebpf.Program, sb seedBench) {
	info, err := prog.Info()
	if err != nil {
		b.Fatal(err)
	}
	verified, _ := info.VerifiedInstructions()
	var total time.Duration
	runs := 0
	for b.Loop() {
		_, d := kerneltest.RunSocketFilter(b, prog, sb.frame, &kerneltest.RunOptions{IngressIfindex: sb.ingress, Repeat: 1000})
		total += d
		runs++
	}
	b.ReportMetric(float64(verified), "verified")
	b.ReportMetric(float64(total.Nanoseconds())/float64(runs), "ns/run")
}
