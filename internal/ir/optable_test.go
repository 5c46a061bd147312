package ir

import (
	"fmt"
	"testing"
)

// TestOpTable checks that every op's columns agree with each other. The
// allocator and the emitter both read them, so a row that contradicts
// itself (an immediate rule for an argument the op lacks, a fixed result
// outside the registers the instruction clobbers) makes them build
// instructions the machine does not have.
func TestOpTable(t *testing.T) {
	for o := Op(1); o < numOps; o++ {
		in := opTable[o]
		check := func(ok bool, format string, args ...any) {
			t.Helper()
			if !ok {
				t.Errorf("%v: %s", o, fmt.Sprintf(format, args...))
			}
		}
		check(in.name != "" && opByName()[in.name] == o, "name %q does not parse back to the op", in.name)
		check(!in.commutative || in.args == 2, "commutative, but takes %d arguments", in.args)

		// Comparisons.
		if in.compare {
			check(in.args == 2 && in.imm1 != InReg, "a comparison takes two arguments, the second maybe an immediate")
			if n := o.Negate(); n != OpInvalid {
				check(n.IsCompare() && n.Negate() == o, "negates to %v, which does not negate back", n)
				check(n.Imm(1) == o.Imm(1), "its negation %v takes other immediates", n)
			}
			s := o.Swap()
			check(s.IsCompare() && s.Swap() == o, "swaps to %v, which does not swap back", s)
			check(s.Imm(1) == o.Imm(1), "its swap %v takes other immediates", s)
			check(in.commutative == (s == o), "commutative but swaps to another op, or the reverse")
		} else {
			check(in.negate == OpInvalid && in.swap == OpInvalid, "negate or swap set on an op that does not compare")
			check(in.imm1 != ImmU32Cmp, "comparison immediates on an op that does not compare")
		}

		// Memory.
		check(!in.memory || in.args >= 1 && in.aux == AuxOffset && in.effect != Pure, "a memory access takes an address and an offset and has an effect")
		check(!in.noValue || in.memory && in.effect == WritesMem, "only a memory write defines no value")
		check(!in.helper || in.effect != Pure, "a helper call has an effect")

		// Immediates.
		check(in.imm0 == InReg || in.imm0 == ImmStackAddr && in.memory, "only a memory access's address may be encoded as argument 0 (%d)", in.imm0)
		check(in.imm1 != ImmStackAddr, "a stack address as argument 1")
		check(in.imm1 == InReg || in.args == 2, "an immediate rule for argument 1, but %d arguments", in.args)
		check(in.imm1 != ImmStored || in.noValue, "a stored immediate on an op that does not store")
		check(in.imm1 != ImmDivisor && in.imm1 != ImmShift || in.twoAddress, "an ALU immediate rule on an op that is not an ALU instruction")
		check(o.Imm(2) == InReg, "an immediate rule past argument 1")

		// Registers.
		check(!in.remat || in.args == 0 && in.effect == Pure, "only an op without arguments or effects can be made again at each use")
		check(!in.twoAddress || in.args >= 1 && in.result == 0, "a two-address op computes into its first operand's register, not a fixed one")
		r, fixed := o.ResultReg()
		check(in.result == 0 || fixed, "the result register set %#x is not one register", in.result)
		check(in.clobbers == 0 || fixed && in.clobbers.Has(int(r)), "clobbers registers but its result is not fixed to one of them")
		check(in.argRegs == nil || in.clobbers != 0, "fixed argument registers without a call-like instruction")
		for i, set := range in.argRegs {
			_, ok := set.only()
			check(ok, "argument %d's register set %#x is not one register", i, set)
			check(in.args < 0 || i < in.args, "a register for argument %d of %d", i, in.args)
		}
	}
}

// The printer shows AuxInt for every op that has one, even when it is 0,
// but a SlotAddr only when it points into its slot.
func TestAuxIntPrinted(t *testing.T) {
	f := NewFunc("f", "")
	b := f.Entry()
	s := f.NewSlot("key", 8, 8, 0)
	at := func(op Op, off int64, args ...*Value) string {
		v := b.NewValue(op, U32, 0, args...)
		v.AuxInt = off
		if op == OpSlotAddr {
			v.Aux = s
		}
		return v.LongString()
	}
	p := at(OpSlotAddr, 0)
	for _, tc := range []struct{ got, want string }{
		{p, "v0 = SlotAddr <u32> {s0}"},
		{at(OpSlotAddr, 4), "v1 = SlotAddr <u32> [4] {s0}"},
		{at(OpLoad, 0, b.Values[0]), "v2 = Load <u32> [0] v0"},
		{at(OpConst, 0), "v3 = Const <u32> [0]"},
		{at(OpAdd, 0, b.Values[0], b.Values[0]), "v4 = Add <u32> v0 v0"},
	} {
		if tc.got != tc.want {
			t.Errorf("printed %q, want %q", tc.got, tc.want)
		}
	}
}
