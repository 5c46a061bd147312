package difftest

import "fmt"

// The generator's byte-memory constructs: string comparisons of char
// arrays and packet bytes, ffi.copy and load_bytes into char arrays,
// and the struct map sm.

// strPool are strings the programs copy and compare, of every length up
// to the buffers' sizes and beyond.
var strPool = []string{"", "a", "ab", "abc", "abd", "abcd", "xyz", "GET ", "hello", "abcdefg", "abcdefgh", "x\xe9\x80"}

func (g *gen) has(o *ArrObj) bool {
	for _, a := range g.arrs {
		if a == o {
			return true
		}
	}
	return false
}

// idx is an index into an array of n: a constant in range or a run-time
// value, sometimes out of range.
func (g *gen) idx(n int) Expr {
	if g.chance(3) {
		return &Const{V: uint64(g.pick(n))}
	}
	return g.index(&Field{Len: n})
}

// byteIdx is an index into char array b: a constant when b's own index
// is known only at run time, as an access may check one run-time index.
func (g *gen) byteIdx(b *Buf) Expr {
	if runtimeIndex(b.Index) && !b.Map {
		return &Const{V: uint64(g.pick(b.Size()))}
	}
	return g.idx(b.Size())
}

func runtimeIndex(e Expr) bool {
	_, c := e.(*Const)
	return e != nil && !c
}

// buf is one of the char arrays in scope, or nil.
func (g *gen) buf() *Buf {
	var bs []*Buf
	if g.has(ObjStr) {
		bs = append(bs, &Buf{O: ObjStr})
	}
	if g.has(ObjStrs) {
		bs = append(bs, &Buf{O: ObjStrs, Index: g.idx(ObjStrs.N)}, &Buf{O: ObjStrs, Index: g.idx(ObjStrs.N)})
	}
	if g.has(ObjVals) {
		bs = append(bs, &Buf{O: ObjVals, Index: g.idx(ObjVals.N), Tag: true})
	}
	if g.has(ObjKeys) {
		bs = append(bs, &Buf{O: ObjKeys, Index: g.idx(ObjKeys.N), Map: true})
	}
	if len(bs) == 0 {
		return nil
	}
	return bs[g.pick(len(bs))]
}

// structArr is keys or vals when in scope, or nil.
func (g *gen) structArr() *ArrObj {
	var os []*ArrObj
	for _, o := range []*ArrObj{ObjKeys, ObjVals} {
		if g.has(o) {
			os = append(os, o)
		}
	}
	if len(os) == 0 {
		return nil
	}
	return os[g.pick(len(os))]
}

// member is a scalar member of s; for xadd, one of 4 or 8 bytes.
func (g *gen) member(s *Struct, xadd bool) *Field {
	var fs []*Field
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Len == 0 && (!xadd || f.Type.Size >= 4) {
			fs = append(fs, f)
		}
	}
	return fs[g.pick(len(fs))]
}

// pktBytes is w bytes of the payload from a random offset, or from
// off when off >= 0.
func (g *gen) pktBytes(w, off int, slice bool) *PktBytes {
	if off < 0 {
		off = g.pick(g.pl.N - w + 1)
	}
	p := &PktBytes{Hdr: g.pl.Hdr, Off: off, At: g.pl.At + off, W: w, Slice: slice}
	if g.chance(3) {
		// An offset known only at run time (an input minus a constant).
		in := g.in[g.pick(len(g.in))]
		p.Dyn = &Binop{Op: "-", X: &Pkt{In: in}, Y: &Const{V: in.V - uint64(off)}}
	}
	return p
}

// literal is a string to compare with a char array of size bytes: one
// copied before, one of the pool, or payload bytes up to a NUL; at
// times with one byte changed.
func (g *gen) literal(size int) string {
	var s string
	switch k := g.pick(10); {
	case k < 4 && len(g.lits) > 0:
		s = g.lits[g.pick(len(g.lits))]
	case k < 7:
		s = strPool[g.pick(len(strPool))]
	default:
		w := 1 + g.pick(min(size, 8))
		at := g.pl.At + g.pick(g.pl.N-w+1)
		s = string(g.frame[at : at+w])
	}
	if i := indexNUL(s); i >= 0 {
		s = s[:i]
	}
	if len(s) > 0 && g.chance(4) {
		b := []byte(s)
		b[g.pick(len(b))] = byte('a' + g.pick(26))
		s = string(b)
	}
	return s
}

func indexNUL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

// strEq is a comparison with a string literal: of a char array, a map
// value's tag, packet bytes, or a byte with a one-character string.
func (g *gen) strEq() Expr {
	e := &StrEq{Not: g.chance(3)}
	switch k := g.pick(10); {
	case k < 4:
		if b := g.buf(); b != nil {
			e.X, e.Lit = b, g.literal(b.Size())
			return e
		}
	case k < 5:
		if g.has(ObjKeys) {
			e.X, e.Lit = &STag{Key: g.idx(ObjKeys.N)}, g.literal(2)
			return e
		}
	case k < 6:
		if b := g.buf(); b != nil {
			x := &ByteGet{B: b, Index: g.byteIdx(b)}
			e.X, e.Lit = x, g.literal(1)
			if len(e.Lit) != 1 {
				e.Lit = string(rune('a' + g.pick(3)))
			}
			return e
		}
	case k < 7:
		var ins []*Input
		for _, in := range g.in {
			if in.Type.Size == 1 {
				ins = append(ins, in) // wider fields compare with strings of their width
			}
		}
		in := ins[g.pick(len(ins))]
		c := byte(in.V)
		if g.chance(3) {
			c = byte(g.pick(256))
		}
		e.X, e.Lit = &Pkt{In: in}, string([]byte{c})
		return e
	}
	w := 1 + g.pick(8)
	p := g.pktBytes(w, -1, !g.chance(3))
	b := []byte(string(g.frame[p.At : p.At+w]))
	if g.chance(3) {
		b[g.pick(w)] ^= byte(1 + g.pick(255))
	}
	e.X, e.Lit = p, string(b)
	return e
}

// memStmt is the k-th kind of statement on byte objects, or nil when
// its objects are not in scope.
func (g *gen) memStmt(k int) Stmt {
	switch k {
	case 0, 1:
		if b := g.buf(); b != nil {
			return g.copyStmt(b)
		}
	case 2:
		if b := g.buf(); b != nil {
			if g.chance(2) && !b.Map {
				return g.loadBytes(b) // into stack memory only
			}
			return &ByteSet{B: b, Index: g.byteIdx(b), X: g.expr(2)}
		}
	case 3:
		if o := g.structArr(); o != nil {
			var x Expr = &Const{V: uint64(g.pick(3))}
			if g.chance(2) {
				x = g.expr(2)
			}
			return &ElemSet{O: o, Index: g.idx(o.N), F: g.member(o.S, false), X: x}
		}
	case 4:
		if g.has(ObjKeys) {
			s := &SSet{Key: g.idx(ObjKeys.N)}
			if g.has(ObjVals) && !g.chance(4) {
				s.Val = g.idx(ObjVals.N)
			}
			return s
		}
	case 5:
		if g.has(ObjKeys) {
			if g.chance(2) {
				return &SXAdd{Key: g.idx(ObjKeys.N), F: g.member(StructV, true), X: g.expr(2)}
			}
			return &SFieldSet{Key: g.idx(ObjKeys.N), F: g.member(StructV, false), X: g.expr(2)}
		}
	case 6:
		if g.has(ObjKeys) && g.has(ObjVals) {
			return &SSet{Key: g.idx(ObjKeys.N), Val: g.idx(ObjVals.N)}
		}
	}
	return nil
}

// copyStmt is ffi.copy into b from a string, another char array or the
// payload.
func (g *gen) copyStmt(b *Buf) Stmt {
	size := b.Size()
	c := &Copy{Dst: b, Len: -1}
	switch g.pick(4) {
	case 0, 1:
		s := strPool[g.pick(len(strPool))]
		if g.chance(3) {
			c.Len = g.pick(size + 1)
		} else {
			for len(s)+1 > size {
				s = s[:len(s)-1]
			}
		}
		c.Src = &StrLit{S: s}
		g.lits = append(g.lits, s)
	case 2:
		c.Src = g.buf()
		if g.chance(2) {
			c.Len = g.pick(size + 1)
		}
	default:
		if b.Map {
			// Packet bytes go to stack memory only.
			c.Src = &StrLit{S: strPool[g.pick(2)]} // "" or "a": with the NUL, fits 2 bytes
			break
		}
		n := size
		if g.chance(2) {
			c.Len = g.pick(size + 1)
			n = c.Len
		}
		c.Src = g.pktBytes(min(n, g.pl.N), -1, false)
	}
	return c
}

// loadBytes is `local x = load_bytes(off, b[, len])` at an offset that
// is constant or read at run time, now and then past the frame's end.
func (g *gen) loadBytes(b *Buf) Stmt {
	l := &LoadBytes{Dst: b, Len: -1}
	n := b.Size()
	if g.chance(2) {
		l.Len = 1 + g.pick(n)
		n = l.Len
	}
	at := g.pl.At + g.pick(g.pl.N-min(n, g.pl.N)+1)
	if g.chance(4) {
		at = len(g.frame) - n + g.pick(3)
	}
	if g.chance(2) {
		l.Off = &Const{V: uint64(at)}
	} else {
		in := g.in[g.pick(len(g.in))]
		l.Off = &Binop{Op: "-", X: &Pkt{In: in}, Y: &Const{V: in.V - uint64(at)}}
	}
	g.nvars++
	v := &Var{Name: fmt.Sprintf("x%d", g.nvars)}
	g.scopes[len(g.scopes)-1] = append(g.scopes[len(g.scopes)-1], v)
	if len(g.scopes) == 1 {
		g.top = append(g.top, v)
	}
	return &Local{Name: v.Name, X: l}
}
