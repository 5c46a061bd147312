package pipeline

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// targetsDir holds the C versions of the seed examples (see
// ../shared/targets/README.md). It is outside the repository; the
// benchmark skips when it, clang or libbpf's headers are missing.
const targetsDir = "../../../shared/targets"

// BenchmarkClangTargets runs the clang -O2 builds of the seed examples'
// C equivalents on the same frames as BenchmarkSeedSockets, so the two
// can be compared in one run on one machine.
func BenchmarkClangTargets(b *testing.B) {
	clang, err := exec.LookPath("clang")
	if err != nil {
		b.Skip("clang not installed")
	}
	if _, err := os.Stat(filepath.Join(targetsDir, "common.h")); err != nil {
		b.Skip("targets not available")
	}
	if _, err := os.Stat("/usr/include/bpf/bpf_helpers.h"); err != nil {
		b.Skip("libbpf headers (libbpf-dev) not installed")
	}
	dir := b.TempDir()
	for name, sb := range seedBenches() {
		b.Run(name, func(b *testing.B) {
			kerneltest.Require(b)
			src := filepath.Join(targetsDir, strings.ReplaceAll(name, "-", "_")+".c")
			obj := filepath.Join(dir, name+".o")
			cmd := exec.Command(clang, "-O2", "-g", "-target", "bpf", "-I/usr/include/x86_64-linux-gnu", "-c", src, "-o", obj)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("clang: %v\n%s", err, out)
			}
			spec, err := ebpf.LoadCollectionSpec(obj)
			if err != nil {
				b.Fatal(err)
			}
			slots := 0
			for _, ps := range spec.Programs {
				for _, ins := range ps.Instructions {
					slots += int(ins.Width())
				}
			}
			coll, err := ebpf.NewCollection(spec)
			if err != nil {
				b.Fatalf("%+v", err)
			}
			defer coll.Close()
			var prog *ebpf.Program
			for _, p := range coll.Programs {
				prog = p
			}
			b.ReportMetric(float64(slots), "insns")
			benchRuns(b, prog, sb)
		})
	}
}
