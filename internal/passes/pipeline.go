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

// Pipeline is the ordered list of passes.
var Pipeline = []Pass{
	{Name: "copyprop", Fn: copyprop, Required: true},
	{Name: "constfold", Fn: constfold},
	{Name: "branchfold", Fn: branchfold, Required: true},
	{Name: "cse", Fn: cse},
	{Name: "lookupcse", Fn: lookupcse},
	{Name: "condprop", Fn: condprop},
	{Name: "constfold", Fn: constfold},
	{Name: "branchfold", Fn: branchfold, Required: true},
	{Name: "addrfold", Fn: addrfold, Required: true},
	{Name: "expand", Fn: expand, Required: true},
	{Name: "dse", Fn: dse},
	{Name: "cse", Fn: cse},
	{Name: "dce", Fn: dce, Required: true},
	{Name: "blockmerge", Fn: blockmerge, Required: true},
}

// Order lists constraints between passes: A must run before B (at least
// one run of A precedes the last run of B... more precisely, every run of
// B has a run of A somewhere before it).
var Order = []struct{ Before, After, Why string }{
	{"copyprop", "constfold", "folding looks through copies only after they are propagated"},
	{"constfold", "branchfold", "branches fold on the constants constfold makes"},
	{"lookupcse", "condprop", "merged lookups share one null check, which condprop then removes"},
	{"condprop", "expand", "null checks are recognised on MapLookup, before it becomes a helper call"},
	{"addrfold", "expand", "expand needs final offsets to place keys and values"},
	{"expand", "dce", "expand leaves the scalar keys it stored unused where they were only keys"},
	{"branchfold", "blockmerge", "merging needs the unreachable blocks gone"},
	{"expand", "dse", "dse sees the key and value stores expand adds"},
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

// Lookup returns the pass called name, for tests and tools.
func Lookup(name string) (func(*ir.Func), bool) {
	for _, p := range Pipeline {
		if p.Name == name {
			return p.Fn, true
		}
	}
	return nil, false
}
