package proto

import (
	"testing"

	"github.com/cilium/ebpf/features"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// TestHelperKindsMatchKernel checks the helper table against the
// running kernel: every helper the table lets a program kind call must
// be one the kernel lets that program type call.
func TestHelperKindsMatchKernel(t *testing.T) {
	kerneltest.Require(t)
	for _, k := range Kinds() {
		for _, h := range Helpers() {
			if !h.Kinds.Has(k) {
				continue
			}
			if err := features.HaveProgramHelper(k.Program, h.Fn); err != nil {
				t.Errorf("the table lets %s programs call %s, but the kernel says: %v", k.Name, h.Name(), err)
			}
		}
	}
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
