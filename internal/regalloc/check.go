package regalloc

import (
	"fmt"

	"github.com/luabpf/luabpf/internal/ir"
)

// Check verifies an allocation the way the machine will run it: it walks
// the function with, for every register, the value it holds on every
// path (a copy holds the value it copies), and reports the first read of
// a register that may hold something else, the first result written
// where emission cannot write it, and every fixed-register constraint
// that is not met. It assumes an acyclic function, as the passes leave
// it (loops are unrolled). Tests and the pipeline's Verify option run
// it after Allocate; an error is a compiler bug.
func Check(f *ir.Func) error {
	c := &checker{out: map[*ir.Block]*regState{}}
	po := f.Postorder()
	for i := len(po) - 1; i >= 0; i-- {
		if err := c.block(po[i]); err != nil {
			return fmt.Errorf("regalloc check %s: %w", f.Name, err)
		}
	}
	return nil
}

// regState is what each register holds: the root value (see root), or
// nil when it differs between paths or is clobbered.
type regState [NumRegs]*ir.Value

type checker struct {
	out map[*ir.Block]*regState
}

// root follows copies to the value they copy.
func root(v *ir.Value) *ir.Value {
	for v.Op == ir.OpCopy {
		v = v.Args[0]
	}
	return v
}

// entry is the state at b's start: what all predecessors agree on.
func (c *checker) entry(b *ir.Block) *regState {
	st := &regState{}
	if len(b.Preds) == 0 {
		return st
	}
	for r := range st {
		var held *ir.Value
		for i, p := range b.Preds {
			out := c.out[p]
			if out == nil || (i > 0 && out[r] != held) {
				held = nil
				break
			}
			held = out[r]
		}
		st[r] = held
	}
	return st
}

func (c *checker) block(b *ir.Block) error {
	st := c.entry(b)
	for _, v := range b.Values {
		if v.Op != ir.OpPhi {
			break
		}
		if v.Reg < 0 || v.Reg >= NumRegs {
			return fmt.Errorf("%v has no register", v.LongString())
		}
		for i, a := range v.Args {
			out := c.out[b.Preds[i]]
			if a.Reg != v.Reg || out == nil || out[v.Reg] != root(a) {
				return fmt.Errorf("%v: argument %v from %v is not in r%d at the end of %v", v.LongString(), a, b.Preds[i], v.Reg, b.Preds[i])
			}
		}
	}
	for _, v := range b.Values {
		if v.Op == ir.OpPhi {
			st[v.Reg] = v
		}
	}
	for _, v := range b.Values {
		if v.Op == ir.OpPhi || Dead(v) {
			continue
		}
		if err := c.value(st, v); err != nil {
			return err
		}
	}
	if err := c.control(st, b); err != nil {
		return err
	}
	c.out[b] = st
	return nil
}

// read checks that a is in register r.
func read(st *regState, v, a *ir.Value, r int8) error {
	if r < 0 || r >= NumRegs {
		return fmt.Errorf("%v reads %v, which has no register", v.LongString(), a)
	}
	if st[r] != root(a) {
		held := "nothing known"
		if st[r] != nil {
			held = st[r].String()
		}
		return fmt.Errorf("%v reads %v from r%d, which holds %s there", v.LongString(), a, r, held)
	}
	return nil
}

// value checks v's reads and records its writes.
func (c *checker) value(st *regState, v *ir.Value) error {
	// Reads: every argument not encoded in the instruction.
	for i, a := range v.Args {
		if Inline(v, i) || Fused(v) {
			continue
		}
		if err := read(st, v, a, a.Reg); err != nil {
			return err
		}
	}
	for k, a := range v.Args {
		if r, ok := v.Op.ArgReg(k); ok && a.Reg != r {
			return fmt.Errorf("%v: argument %d in r%d, want r%d", v.LongString(), k+1, a.Reg, r)
		}
	}
	for r := range st {
		if v.Op.Clobbers().Has(r) {
			st[r] = nil
		}
	}
	switch {
	case v.Type.Kind == ir.KVoid, !v.Op.HasValue(), Fused(v):
		return nil
	case (v.Op == ir.OpConst || v.Op == ir.OpSlotAddr) && v.Reg < 0:
		return nil // encoded where it is used
	case v.Reg < 0 || v.Reg >= NumRegs:
		return fmt.Errorf("%v has no register", v.LongString())
	case v.Op.IsCompare():
		// Written before the comparison reads its operands.
		for i, a := range v.Args {
			if !Inline(v, i) && a.Reg == v.Reg {
				return fmt.Errorf("%v: result and operand %v share r%d", v.LongString(), a, v.Reg)
			}
		}
	case v.Op.IsTwoAddress() && len(v.Args) == 2 && !Inline(v, 1):
		a, b := v.Args[0], v.Args[1]
		if b.Reg == v.Reg && a.Reg != v.Reg && !v.Op.IsCommutative() {
			return fmt.Errorf("%v: result and second operand share r%d", v.LongString(), v.Reg)
		}
	}
	if r, ok := v.Op.ResultReg(); ok && v.Reg != r {
		return fmt.Errorf("%v: result in r%d, want r%d", v.LongString(), v.Reg, r)
	}
	st[v.Reg] = root(v)
	return nil
}

// control checks what b's terminator reads.
func (c *checker) control(st *regState, b *ir.Block) error {
	ctl := b.Control
	switch {
	case ctl == nil:
		return nil
	case b.Kind == ir.BlockRet:
		if ctl.Reg != R0 {
			return fmt.Errorf("%v returns %v from r%d, want r0", b, ctl, ctl.Reg)
		}
		return read(st, ctl, ctl, R0)
	case Fused(ctl):
		for i, a := range ctl.Args {
			if !Inline(ctl, i) {
				if err := read(st, ctl, a, a.Reg); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return read(st, ctl, ctl, ctl.Reg)
}
