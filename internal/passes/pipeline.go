package passes

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/ir"
)

// Pass is one step of the pipeline.
type Pass struct {
	Name string
	Fn   func(*ir.Func)
	// Required passes run even when optimizations are off: later stages
	// depend on what they do.
	Required bool
}

// Pipeline is the ordered list of passes: every pass that runs is here,
// none runs another behind the table's back. dce runs after each pass
// that leaves values unused (see Cleanups); it is optional where the pass
// it cleans up after is.
var Pipeline = []Pass{
	{Name: "copyprop", Fn: copyprop, Required: true},
	{Name: "constfold", Fn: constfold},
	{Name: "branchfold", Fn: branchfold, Required: true},
	{Name: "cse", Fn: cse},
	{Name: "dce", Fn: dce},
	{Name: "jumpthread", Fn: jumpthread},
	// Threading makes the checked reads dominate those after them: cse
	// can now give them one base pointer.
	{Name: "cse", Fn: cse},
	{Name: "dce", Fn: dce},
	{Name: "boundselim", Fn: boundselim},
	{Name: "lookupcse", Fn: lookupcse},
	{Name: "dce", Fn: dce},
	{Name: "condprop", Fn: condprop},
	{Name: "constfold", Fn: constfold},
	{Name: "branchfold", Fn: branchfold, Required: true},
	{Name: "rebase", Fn: rebase},
	{Name: "addrfold", Fn: addrfold, Required: true},
	{Name: "expand", Fn: expand, Required: true},
	{Name: "dse", Fn: dse},
	{Name: "cse", Fn: cse},
	{Name: "dce", Fn: dce, Required: true},
	{Name: "blockmerge", Fn: blockmerge, Required: true},
	{Name: "dce", Fn: dce, Required: true},
}

// Order lists constraints between passes: every run of After has a run
// of Before somewhere earlier. TestPipelineOrder checks them.
var Order = []struct{ Before, After, Why string }{
	{"copyprop", "constfold", "folding looks through copies only after they are propagated"},
	{"constfold", "branchfold", "branches fold on the constants constfold makes"},
	{"cse", "lookupcse", "lookupcse merges lookups of the same key value, which cse makes one value"},
	{"lookupcse", "condprop", "merged lookups share one null check, which condprop then removes"},
	{"condprop", "expand", "null checks are recognised on MapLookup, before it becomes a helper call"},
	{"addrfold", "expand", "expand needs final offsets to place keys and values"},
	{"branchfold", "blockmerge", "merging needs the unreachable blocks gone"},
	{"expand", "dse", "dse sees the key and value stores expand adds"},
	{"constfold", "jumpthread", "threading evaluates a block's values along an edge: byte swaps that cancel must be gone"},
	{"jumpthread", "boundselim", "a short frame's path threaded around the read leaves the checked path dominating the reads after it"},
	{"cse", "boundselim", "a check implies another only on the same base pointer value, which cse makes one"},
	{"boundselim", "rebase", "boundselim matches checks on the packet's start plus one offset value, which rebase turns into pointers of their own"},
	{"rebase", "addrfold", "addrfold folds the constant steps of the pointers rebase makes into the accesses"},
}

// Cleanups lists passes that leave work for another: every run of Pass
// has a run of Then somewhere later. TestPipelineOrder checks them.
var Cleanups = []struct{ Pass, Then, Why string }{
	{"cse", "dce", "the values cse replaced are left unused"},
	{"lookupcse", "dce", "the lookups lookupcse replaced are left unused"},
	{"boundselim", "dce", "the checks boundselim decides leave their comparisons unused"},
	{"rebase", "dce", "the offsets rebase turned into pointers leave their additions to the packet's start unused"},
	{"expand", "dce", "expand leaves the scalar keys it stored unused where they were only keys"},
	{"blockmerge", "dce", "a branch whose two sides merged leaves its condition (and what only it used) unused"},
}

// Config controls a pipeline run.
type Config struct {
	// Optimize runs the optional passes too.
	Optimize bool
	// Verify checks the IR after every pass (tests turn it on).
	Verify bool
	// Dump, when set, is called after every pass with its name.
	Dump func(pass string, f *ir.Func)
}

// Run runs the pipeline over f.
func Run(f *ir.Func, cfg *Config) error {
	if cfg == nil {
		cfg = &Config{Optimize: true}
	}
	for _, p := range Pipeline {
		if !p.Required && !cfg.Optimize {
			continue
		}
		p.Fn(f)
		if cfg.Dump != nil {
			cfg.Dump(p.Name, f)
		}
		if cfg.Verify {
			if err := ir.Verify(f); err != nil {
				return fmt.Errorf("after pass %s: %w\n%s", p.Name, err, f)
			}
		}
	}
	return nil
}
