package passes

import (
	"math"

	"github.com/luabpf/luabpf/internal/ir"
)

// addrfold moves constant offsets into the instructions that use them:
// an skb load from (x + c) becomes a load from x at offset c (LD_IND
// takes an immediate), a load from a constant offset becomes LD_ABS, and
// memory accesses through (p + c) use p with offset c.
func addrfold(f *ir.Func) {
	for _, b := range f.Blocks {
		for _, v := range b.Values {
			foldSlotOffset(v)
			switch {
			case v.Op == ir.OpLoadSkbInd:
				foldPktAddr(v)
			case v.Op.IsMemAccess():
				foldMemAddr(v)
			}
		}
	}
}

func foldPktAddr(v *ir.Value) {
	for {
		base := v.Args[1]
		if c, ok := base.IsConst(); ok {
			if off := v.AuxInt + c; off >= math.MinInt32 && off <= math.MaxInt32 {
				v.Op = ir.OpLoadSkbAbs
				v.AuxInt = off
				v.SetArgs(v.Args[0])
			}
			return
		}
		if base.Op != ir.OpAdd {
			return
		}
		c, ok := base.Args[1].IsConst()
		if !ok {
			return
		}
		off := v.AuxInt + c
		if off < math.MinInt32 || off > math.MaxInt32 {
			return
		}
		v.AuxInt = off
		v.SetArg(1, base.Args[0])
	}
}

func foldMemAddr(v *ir.Value) {
	for {
		p := v.Args[0]
		if p.Op != ir.OpAdd || !p.Type.IsPtr() {
			return
		}
		c, ok := p.Args[1].IsConst()
		if !ok {
			return
		}
		off := v.AuxInt + c
		if off < math.MinInt16 || off > math.MaxInt16 {
			return
		}
		v.AuxInt = off
		v.SetArg(0, p.Args[0])
	}
}

// foldSlotOffset turns (address of slot s + c) into the address of s at
// offset c, which emit encodes in the instruction.
func foldSlotOffset(v *ir.Value) {
	if v.Op != ir.OpAdd || v.Args[0].Op != ir.OpSlotAddr {
		return
	}
	c, ok := v.Args[1].IsConst()
	if !ok {
		return
	}
	s := v.Args[0]
	off, aux := s.AuxInt+c, s.Aux
	v.Reset(ir.OpSlotAddr)
	v.AuxInt, v.Aux = off, aux
}
