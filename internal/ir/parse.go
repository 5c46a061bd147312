package ir

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/cilium/ebpf/asm"
	"github.com/luabpf/luabpf/proto"
)

// helperByName maps kernel helper names to helpers, for the parser,
// built on first use.
var helperByName = sync.OnceValue(func() map[string]asm.BuiltinFunc {
	m := map[string]asm.BuiltinFunc{}
	for _, h := range proto.Helpers() {
		m[h.Name()] = h.Fn
	}
	return m
})

// Parse reads a function in the text form Func.String writes. It is for
// tests: pass tests are written as text in, text out.
func Parse(text string) (*Func, error) {
	p := &parser{values: map[int]*Value{}, blocks: map[int]*Block{}, slots: map[string]*Slot{}, maps: map[string]*MapRef{}}
	if err := p.parse(text); err != nil {
		return nil, err
	}
	return p.f, nil
}

type pendingArgs struct {
	v    *Value
	args []int
}

type pendingTerm struct {
	b     *Block
	ctrl  int // -1 for none
	succs []int
	preds []int
}

type parser struct {
	f      *Func
	values map[int]*Value
	blocks map[int]*Block
	slots  map[string]*Slot
	maps   map[string]*MapRef
	args   []pendingArgs
	terms  []pendingTerm
	cur    *Block
	preds  []int
	lineNo int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("ir line %d: %s", p.lineNo, fmt.Sprintf(format, args...))
}

func (p *parser) parse(text string) error {
	for i, line := range strings.Split(text, "\n") {
		p.lineNo = i + 1
		line = strings.TrimSpace(line)
		if j := strings.Index(line, ";"); j >= 0 {
			line = strings.TrimSpace(line[:j])
		}
		if line == "" {
			continue
		}
		if err := p.parseLine(line); err != nil {
			return err
		}
	}
	if p.f == nil {
		return fmt.Errorf("ir: no func line")
	}
	return p.resolve()
}

func (p *parser) parseLine(line string) error {
	fields := strings.Fields(line)
	switch {
	case fields[0] == "func":
		if len(fields) != 2 {
			return p.errorf("want 'func NAME'")
		}
		p.f = &Func{Name: fields[1]}
		return nil
	case p.f == nil:
		return p.errorf("expected 'func NAME' first")
	case fields[0] == "slot":
		return p.parseSlot(fields[1:])
	case fields[0] == "map":
		return p.parseMap(fields[1:])
	case strings.HasPrefix(fields[0], "b") && strings.HasSuffix(fields[0], ":"):
		return p.parseBlock(fields)
	case p.cur == nil:
		return p.errorf("value outside a block")
	case fields[0] == "Plain" || fields[0] == "If" || fields[0] == "Ret":
		return p.parseTerm(fields)
	}
	return p.parseValue(fields)
}

func keyVals(fields []string) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		if k, v, ok := strings.Cut(f, "="); ok {
			m[k] = v
		}
	}
	return m
}

func (p *parser) parseSlot(fields []string) error {
	if len(fields) < 1 {
		return p.errorf("slot needs a name")
	}
	kv := keyVals(fields[1:])
	s := &Slot{ID: len(p.f.Slots), Name: kv["name"]}
	s.Size, _ = strconv.Atoi(kv["size"])
	s.Align, _ = strconv.Atoi(kv["align"])
	s.Offset, _ = strconv.Atoi(kv["offset"])
	if fields[0] != s.String() {
		return p.errorf("slots must be numbered s0, s1, ... in order; got %s", fields[0])
	}
	p.f.Slots = append(p.f.Slots, s)
	p.slots[fields[0]] = s
	return nil
}

func (p *parser) parseMap(fields []string) error {
	if len(fields) < 1 {
		return p.errorf("map needs a name")
	}
	kv := keyVals(fields[1:])
	m := &MapRef{Name: fields[0]}
	m.KeySize, _ = strconv.Atoi(kv["key"])
	m.ValueSize, _ = strconv.Atoi(kv["value"])
	p.maps[m.Name] = m
	return nil
}

func parseRef(s, prefix string) (int, bool) {
	if !strings.HasPrefix(s, prefix) {
		return 0, false
	}
	n, err := strconv.Atoi(s[len(prefix):])
	return n, err == nil
}

func (p *parser) block(id int) *Block {
	b := p.blocks[id]
	if b == nil {
		b = &Block{ID: id, Func: p.f}
		p.blocks[id] = b
		if id >= p.f.nextBlock {
			p.f.nextBlock = id + 1
		}
	}
	return b
}

func (p *parser) parseBlock(fields []string) error {
	id, ok := parseRef(strings.TrimSuffix(fields[0], ":"), "b")
	if !ok {
		return p.errorf("bad block label %q", fields[0])
	}
	p.cur = p.block(id)
	p.f.Blocks = append(p.f.Blocks, p.cur)
	p.preds = nil
	if len(fields) > 1 {
		if fields[1] != "<-" {
			return p.errorf("want '<-' before predecessors")
		}
		for _, f := range fields[2:] {
			n, ok := parseRef(f, "b")
			if !ok {
				return p.errorf("bad predecessor %q", f)
			}
			p.preds = append(p.preds, n)
		}
	}
	return nil
}

func stripLine(fields []string) ([]string, int) {
	if n := len(fields); n > 0 && strings.HasPrefix(fields[n-1], "@") {
		l, err := strconv.Atoi(fields[n-1][1:])
		if err == nil {
			return fields[:n-1], l
		}
	}
	return fields, 0
}

func (p *parser) parseTerm(fields []string) error {
	fields, line := stripLine(fields)
	t := pendingTerm{b: p.cur, ctrl: -1, preds: p.preds}
	p.cur.Line = line
	rest := fields[1:]
	switch fields[0] {
	case "Plain":
		p.cur.Kind = BlockPlain
	case "If":
		p.cur.Kind = BlockIf
	case "Ret":
		p.cur.Kind = BlockRet
	}
	if fields[0] != "Plain" {
		if len(rest) == 0 {
			return p.errorf("%s needs a control value", fields[0])
		}
		n, ok := parseRef(rest[0], "v")
		if !ok {
			return p.errorf("bad control %q", rest[0])
		}
		t.ctrl = n
		rest = rest[1:]
	}
	if len(rest) > 0 {
		if rest[0] != "->" {
			return p.errorf("want '->' before successors")
		}
		for _, s := range rest[1:] {
			n, ok := parseRef(s, "b")
			if !ok {
				return p.errorf("bad successor %q", s)
			}
			t.succs = append(t.succs, n)
		}
	}
	p.terms = append(p.terms, t)
	p.cur = nil
	return nil
}

func (p *parser) parseValue(fields []string) error {
	fields, line := stripLine(fields)
	if len(fields) < 4 || fields[1] != "=" {
		return p.errorf("want 'vN = Op <type> ...'")
	}
	name, reg, hasReg := strings.Cut(fields[0], ":")
	id, ok := parseRef(name, "v")
	if !ok {
		return p.errorf("bad value name %q", fields[0])
	}
	if p.values[id] != nil {
		return p.errorf("v%d defined twice", id)
	}
	op, ok := opByName()[fields[2]]
	if !ok {
		return p.errorf("unknown op %q", fields[2])
	}
	typ, err := ParseType(strings.Trim(fields[3], "<>"))
	if err != nil {
		return p.errorf("%v", err)
	}
	v := &Value{ID: id, Op: op, Type: typ, Block: p.cur, Line: line, Reg: -1}
	if hasReg {
		r, ok := parseRef(reg, "r")
		if !ok {
			return p.errorf("bad register %q", reg)
		}
		v.Reg = int8(r)
	}
	if id >= p.f.nextValue {
		p.f.nextValue = id + 1
	}
	var args []int
	for _, f := range fields[4:] {
		switch {
		case strings.HasPrefix(f, "["):
			n, err := strconv.ParseInt(strings.Trim(f, "[]"), 0, 64)
			if err != nil {
				return p.errorf("bad aux int %q", f)
			}
			v.AuxInt = n
		case strings.HasPrefix(f, "{"):
			if err := p.parseAux(v, strings.Trim(f, "{}")); err != nil {
				return err
			}
		default:
			n, ok := parseRef(f, "v")
			if !ok {
				return p.errorf("bad argument %q", f)
			}
			args = append(args, n)
		}
	}
	p.values[id] = v
	p.cur.Values = append(p.cur.Values, v)
	p.args = append(p.args, pendingArgs{v, args})
	return nil
}

func (p *parser) parseAux(v *Value, s string) error {
	switch {
	case strings.HasPrefix(s, "map:"):
		m := p.maps[s[4:]]
		if m == nil {
			m = &MapRef{Name: s[4:]}
			p.maps[s[4:]] = m
		}
		v.Aux = m
	case strings.HasPrefix(s, "helper:"):
		fn, ok := helperByName()["bpf_"+s[7:]]
		if !ok {
			return p.errorf("unknown helper %q", s[7:])
		}
		v.Aux = fn
	default:
		sl := p.slots[s]
		if sl == nil {
			return p.errorf("unknown slot %q", s)
		}
		v.Aux = sl
	}
	return nil
}

func (p *parser) resolve() error {
	for _, pa := range p.args {
		for _, n := range pa.args {
			a := p.values[n]
			if a == nil {
				return fmt.Errorf("ir: %v uses undefined v%d", pa.v, n)
			}
			pa.v.AddArg(a)
		}
	}
	for _, t := range p.terms {
		if t.ctrl >= 0 {
			c := p.values[t.ctrl]
			if c == nil {
				return fmt.Errorf("ir: %v controls with undefined v%d", t.b, t.ctrl)
			}
			t.b.SetControl(c)
		}
		for _, s := range t.succs {
			t.b.Succs = append(t.b.Succs, p.block(s))
		}
	}
	// Preds come from the "<-" lists when given (phi argument order
	// depends on them), else from successor edges in block order.
	listed := map[*Block]bool{}
	for _, t := range p.terms {
		if len(t.preds) > 0 {
			listed[t.b] = true
			for _, n := range t.preds {
				t.b.Preds = append(t.b.Preds, p.block(n))
			}
		}
	}
	for _, b := range p.f.Blocks {
		for _, s := range b.Succs {
			if !listed[s] {
				s.Preds = append(s.Preds, b)
			}
		}
	}
	for id, b := range p.blocks {
		found := false
		for _, fb := range p.f.Blocks {
			found = found || fb == b
		}
		if !found {
			return fmt.Errorf("ir: b%d is referenced but never defined", id)
		}
	}
	return nil
}

// ParseType parses a type's text form (see Type.String).
func ParseType(s string) (Type, error) {
	switch s {
	case "void":
		return Void, nil
	case "bool":
		return Bool, nil
	}
	if sp, ok := strings.CutPrefix(s, "ptr:"); ok {
		t := Type{Kind: KPtr, Size: 8}
		if strings.HasSuffix(sp, "?") {
			t.MaybeNull = true
			sp = sp[:len(sp)-1]
		}
		for i, n := range spaceNames {
			if n == sp && i > 0 {
				t.Space = Space(i)
				return t, nil
			}
		}
		return Type{}, fmt.Errorf("unknown pointer space %q", sp)
	}
	if len(s) > 1 && (s[0] == 'i' || s[0] == 'u') {
		bits, err := strconv.Atoi(s[1:])
		if err == nil && (bits == 8 || bits == 16 || bits == 32 || bits == 64) {
			return Int(bits/8, s[0] == 'i'), nil
		}
	}
	return Type{}, fmt.Errorf("unknown type %q", s)
}
