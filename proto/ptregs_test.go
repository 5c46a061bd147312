package proto

import (
	"runtime"
	"testing"
)

func TestPtRegsAMD64(t *testing.T) {
	p := PtRegsAMD64
	for name, off := range map[string]int{
		"r15": 0, "bp": 32, "bx": 40, "r8": 72, "ax": 80, "cx": 88, "dx": 96, "si": 104, "di": 112,
		"orig_ax": 120, "ip": 128, "cs": 136, "flags": 144, "sp": 152, "ss": 160,
		"parm1": 112, "parm2": 104, "parm3": 96, "parm4": 88, "parm5": 72, "parm6": 64,
		"ret": 80, "fp": 32, "rax": 80, "rip": 128, "rsp": 152, "eflags": 144, "orig_rax": 120,
	} {
		if r, ok := p.Reg(name); !ok || r.Off != off {
			t.Errorf("amd64 %s at %d (found %v), want %d", name, r.Off, ok, off)
		}
	}
	if p.Size != 168 {
		t.Errorf("amd64 size %d, want 168", p.Size)
	}
	if r, _ := p.Reg("parm1"); r.Alias != "di" {
		t.Errorf("parm1 alias %q", r.Alias)
	}
	if r, _ := p.Reg("di"); r.Alias != "" {
		t.Errorf("di has alias %q", r.Alias)
	}
}

func TestPtRegsARM64(t *testing.T) {
	p := PtRegsARM64
	for name, off := range map[string]int{
		"regs": 0, "x0": 0, "x1": 8, "x29": 232, "x30": 240, "sp": 248, "pc": 256, "pstate": 264,
		"parm1": 0, "parm6": 40, "ret": 0, "fp": 232, "lr": 240, "ip": 256,
	} {
		if r, ok := p.Reg(name); !ok || r.Off != off {
			t.Errorf("arm64 %s at %d (found %v), want %d", name, r.Off, ok, off)
		}
	}
	if r, _ := p.Reg("regs"); r.Len != 31 {
		t.Errorf("regs has %d elements", r.Len)
	}
	if r, _ := p.Reg("x5"); r.Alias != "regs[5]" {
		t.Errorf("x5 alias %q", r.Alias)
	}
	if p.Size != 272 {
		t.Errorf("arm64 size %d, want 272", p.Size)
	}
	if _, ok := p.Reg("ax"); ok {
		t.Errorf("arm64 has ax")
	}
}

func TestPtRegsCtx(t *testing.T) {
	for _, p := range []*PtRegs{PtRegsAMD64, PtRegsARM64} {
		c := p.Ctx()
		if c.Name != "struct pt_regs" || c.Size != p.Size || len(c.Fields) != len(p.Regs) {
			t.Errorf("%s: ctx %s size %d with %d fields", p.Arch, c.Name, c.Size, len(c.Fields))
		}
		seen := map[string]bool{}
		for _, r := range p.Regs {
			f, ok := c.Field(r.Name)
			if !ok || f.Off != r.Off || f.Size != RegSize || f.Len != r.Len || f.Access != Read {
				t.Errorf("%s: ctx field %+v for register %+v", p.Arch, f, r)
			}
			if end := r.Off + RegSize*max(r.Len, 1); end > p.Size {
				t.Errorf("%s: %s ends at %d, beyond %d", p.Arch, r.Name, end, p.Size)
			}
			if seen[r.Name] {
				t.Errorf("%s: %s twice", p.Arch, r.Name)
			}
			seen[r.Name] = true
		}
		for _, name := range []string{"parm1", "parm2", "parm3", "parm4", "parm5", "parm6", "ret", "ip", "sp", "fp"} {
			if !seen[name] {
				t.Errorf("%s lacks %s", p.Arch, name)
			}
		}
	}
}

func TestPtRegsFor(t *testing.T) {
	if p, ok := PtRegsFor("arm64"); !ok || p != PtRegsARM64 {
		t.Errorf("PtRegsFor(arm64)")
	}
	if _, ok := PtRegsFor("riscv64"); ok {
		t.Errorf("PtRegsFor(riscv64) found a layout")
	}
	p, err := HostPtRegs()
	if want, ok := PtRegsFor(runtime.GOARCH); ok != (err == nil) || p != want {
		t.Errorf("HostPtRegs() = %v, %v on %s", p, err, runtime.GOARCH)
	}
}
