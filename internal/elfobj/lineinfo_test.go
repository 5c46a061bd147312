package elfobj_test

import (
	"testing"

	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/source"
)

// TestLineInfo checks the instructions LineInfo returns: a *btf.Line with
// the file, number and text given wherever the line changes, no source
// elsewhere, symbols and references kept, the input unchanged.
func TestLineInfo(t *testing.T) {
	orig := countInsns()
	got, err := elfobj.LineInfo(orig)
	if err != nil {
		t.Fatal(err)
	}
	checkInsns(t, got, orig, orig)
	for i := range orig {
		if got[i].Symbol() != orig[i].Symbol() || got[i].Reference() != orig[i].Reference() {
			t.Errorf("instruction %d: symbol %q reference %q, want %q %q", i, got[i].Symbol(), got[i].Reference(), orig[i].Symbol(), orig[i].Reference())
		}
		if _, ok := orig[i].Source().(*source.Line); !ok {
			t.Errorf("instruction %d: LineInfo changed its input", i)
		}
	}
	if _, ok := got[0].Source().(*btf.Line); !ok {
		t.Errorf("instruction 0 has source %v", got[0].Source())
	}
}
