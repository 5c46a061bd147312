package proto

import (
	"fmt"
	"runtime"
	"strconv"
)

// Reg is one 8-byte register slot of struct pt_regs, or another name for
// one.
type Reg struct {
	Name string
	Off  int // byte offset in struct pt_regs
	Len  int // > 0 for an array of registers (arm64's regs[31])
	// Alias is the register Name stands for ("di" for parm1, "regs[0]" for
	// x0); "" for the names of the kernel's struct.
	Alias string
}

// RegSize is the size of every register slot.
const RegSize = 8

// PtRegs is the layout of the registers that kprobe and uprobe programs
// receive as their context (struct pt_regs on x86-64, struct user_pt_regs
// on arm64), with the names the original offers on top of the kernel's:
// parm1..parm6 for the first six integer arguments, ret for the return
// value (read it in a return probe), ip, sp and fp.
type PtRegs struct {
	Arch string // GOARCH spelling: "amd64", "arm64"
	Size int
	Regs []Reg // the kernel's names in layout order, then the aliases
}

// PtRegsAMD64 is struct pt_regs of x86-64 (arch/x86/include/asm/ptrace.h).
// Besides the kernel's names it takes the user-space spellings of
// asm/ptrace.h (rax, rip, eflags, ...).
var PtRegsAMD64 = &PtRegs{Arch: "amd64", Size: 21 * RegSize, Regs: withAliases(
	regSeq("r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10", "r9", "r8",
		"ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss"),
	// System V calling convention and the original's fp.
	"parm1", "di", "parm2", "si", "parm3", "dx", "parm4", "cx", "parm5", "r8", "parm6", "r9",
	"ret", "ax", "fp", "bp",
	"rax", "ax", "rbx", "bx", "rcx", "cx", "rdx", "dx", "rsi", "si", "rdi", "di",
	"rbp", "bp", "rsp", "sp", "rip", "ip", "orig_rax", "orig_ax", "eflags", "flags",
)}

// PtRegsARM64 is struct user_pt_regs of arm64
// (arch/arm64/include/uapi/asm/ptrace.h), the bpf_user_pt_regs_t of
// kprobe programs there: regs[31], sp, pc and pstate, with x0..x30 naming
// the elements of regs.
var PtRegsARM64 = &PtRegs{Arch: "arm64", Size: 34 * RegSize, Regs: withAliases(
	append([]Reg{{Name: "regs", Off: 0, Len: 31}}, regSeqAt(31, "sp", "pc", "pstate")...),
	// AAPCS64: arguments and result in x0.., frame pointer x29, link register x30.
	"parm1", "x0", "parm2", "x1", "parm3", "x2", "parm4", "x3", "parm5", "x4", "parm6", "x5",
	"ret", "x0", "fp", "x29", "lr", "x30", "ip", "pc",
)}

// PtRegsFor returns the layout for a GOARCH, or false when luabpf has
// none.
func PtRegsFor(goarch string) (*PtRegs, bool) {
	switch goarch {
	case "amd64":
		return PtRegsAMD64, true
	case "arm64":
		return PtRegsARM64, true
	}
	return nil, false
}

// HostPtRegs returns the layout for the architecture luabpf runs on.
func HostPtRegs() (*PtRegs, error) {
	p, ok := PtRegsFor(runtime.GOARCH)
	if !ok {
		return nil, fmt.Errorf("kprobes and uprobes are not supported on %s (only amd64 and arm64)", runtime.GOARCH)
	}
	return p, nil
}

// Reg returns the register called name.
func (p *PtRegs) Reg(name string) (Reg, bool) {
	for _, r := range p.Regs {
		if r.Name == name {
			return r, true
		}
	}
	return Reg{}, false
}

// Ctx returns the layout as the context of kprobe and uprobe programs,
// one field per name (aliases included, at the offset of what they stand
// for), all read-only as the kernel's kprobe_prog_is_valid_access has
// them.
func (p *PtRegs) Ctx() *Ctx {
	c := &Ctx{Name: "struct pt_regs", Size: p.Size}
	for _, r := range p.Regs {
		c.Fields = append(c.Fields, CtxField{Name: r.Name, Off: r.Off, Size: RegSize, Len: r.Len, Access: Read})
	}
	return c
}

// regSeq lays out names as consecutive registers from offset 0.
func regSeq(names ...string) []Reg { return regSeqAt(0, names...) }

// regSeqAt lays out names as consecutive registers from slot first.
func regSeqAt(first int, names ...string) []Reg {
	out := make([]Reg, len(names))
	for i, n := range names {
		out[i] = Reg{Name: n, Off: (first + i) * RegSize}
	}
	return out
}

// withAliases appends to regs the registers of an array (x0..x30 for
// arm64's regs) and the aliases given as name, target pairs.
func withAliases(regs []Reg, pairs ...string) []Reg {
	for _, r := range regs {
		for i := range r.Len {
			n := strconv.Itoa(i)
			regs = append(regs, Reg{Name: "x" + n, Off: r.Off + i*RegSize, Alias: r.Name + "[" + n + "]"})
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		target := pairs[i+1]
		var off int
		found := false
		for _, r := range regs {
			if r.Name == target {
				off, found = r.Off, true
				break
			}
		}
		if !found {
			panic("proto: alias " + pairs[i] + " of unknown register " + target)
		}
		regs = append(regs, Reg{Name: pairs[i], Off: off, Alias: target})
	}
	return regs
}
