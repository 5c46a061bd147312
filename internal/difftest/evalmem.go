package difftest

import "encoding/binary"

// The evaluator's byte memory: stack byte objects as bytes laid out as
// the C types say (little-endian), the struct map sm as bytes of keys
// and values, and the README's rules for them:
//
//   - An element of an array at an index out of range reads as zeros
//     and is not written; a helper or map operation on it does not run
//     (a lookup finds nothing, load_bytes returns -14, -EFAULT).
//   - A char array equals a string literal as C strings are equal: it
//     holds the string's bytes and a NUL after them, or exactly the
//     string's bytes when they fill it; a longer string never equals.
//   - Packet bytes (a slice or a position) equal a string when the
//     string's length of bytes there are its bytes; a number compared
//     with a one-character string compares with its byte (0 to 255).
//   - ffi.copy(dst, s) copies s and its NUL; ffi.copy(dst, s, n) copies
//     n bytes: s's first n, then zeros. From another object it copies
//     the length (the destination's size) or the source's size,
//     whichever is smaller; from the packet, the length.
//   - load_bytes(off, buf[, n]) copies n (buf's size) bytes of the frame
//     at off and returns 0; when they are not all in the frame it
//     zeroes those n bytes and returns -14, as the kernel's helper does.
//   - sm[k] = v inserts or replaces (a new key in a full map changes
//     nothing), sm[k] = nil deletes, sm[k].f reads the member or 0 when
//     there is no entry, sm[k].f = x and xadd(sm[k].f, x) change an
//     entry that is there. Its char array member reads, compares and
//     copies as zeros when there is no entry, and a copy or store into
//     it does nothing then.

var errFault int64 = -14

// bytesOf returns the bytes a char array names, or nil when its index
// is out of range.
func (m *machine) bytesOf(b *Buf) []byte {
	if b.Map {
		if v := m.entry(b.Index); v != nil {
			off := StructV.Offset("tag")
			return v[off : off+2]
		}
		return nil
	}
	obj := m.arrs[b.O.Name]
	if b.Index == nil {
		return obj
	}
	i := m.eval(b.Index).bits
	if i >= uint64(b.O.N) {
		return nil
	}
	el := obj[int(i)*b.O.Size : int(i+1)*b.O.Size]
	if b.Tag {
		off := StructV.Offset("tag")
		return el[off : off+2]
	}
	return el
}

// elem returns the bytes of o[index], or nil when out of range.
func (m *machine) elem(o *ArrObj, index Expr) []byte {
	i := m.eval(index).bits
	if i >= uint64(o.N) {
		return nil
	}
	return m.arrs[o.Name][int(i)*o.Size : int(i+1)*o.Size]
}

// entry returns the value of sm[keys[key]] (the map's bytes: writes
// change the entry), or nil when key is out of range or there is no
// entry.
func (m *machine) entry(key Expr) []byte {
	k := m.elem(ObjKeys, key)
	if k == nil {
		return nil
	}
	v, ok := m.sm[[8]byte(k)]
	if !ok {
		return nil
	}
	return v[:]
}

func load(b []byte, t *CType) uint64 {
	var buf [8]byte
	copy(buf[:], b[:t.Size])
	return t.Convert(binary.LittleEndian.Uint64(buf[:]))
}

func store(b []byte, t *CType, x uint64) {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], t.Convert(x))
	copy(b[:t.Size], buf[:t.Size])
}

// member returns the bytes of member f of a struct s held in b.
func member(b []byte, s *Struct, f *Field) []byte {
	return b[s.Offset(f.Name):]
}

func (m *machine) memStmt(s Stmt) {
	switch s := s.(type) {
	case *NewArr:
		m.arrs[s.O.Name] = make([]byte, s.O.Bytes())
	case *Copy:
		m.copy(s)
	case *ByteSet:
		// Every operand is evaluated, whether or not the store happens:
		// a call in one runs.
		b := m.bytesOf(s.B)
		i, x := m.eval(s.Index).bits, m.eval(s.X).bits
		if b != nil && i < uint64(len(b)) {
			b[i] = byte(x)
		}
	case *ElemSet:
		b := m.elem(s.O, s.Index)
		x := m.eval(s.X).bits
		if b != nil {
			store(member(b, s.O.S, s.F), s.F.Type, x)
		}
	case *SSet:
		k := m.elem(ObjKeys, s.Key)
		if s.Val == nil {
			if k != nil {
				delete(m.sm, [8]byte(k))
			}
			return
		}
		v := m.elem(ObjVals, s.Val)
		if k == nil || v == nil {
			return
		}
		if _, ok := m.sm[[8]byte(k)]; ok || len(m.sm) < MapS.MaxEntries {
			c := [16]byte(v)
			m.sm[[8]byte(k)] = &c
		}
	case *SFieldSet:
		v := m.entry(s.Key)
		x := m.eval(s.X).bits
		if v != nil {
			store(member(v, StructV, s.F), s.F.Type, x)
		}
	case *SXAdd:
		v := m.entry(s.Key)
		x := m.eval(s.X).bits
		if v != nil {
			f := member(v, StructV, s.F)
			store(f, s.F.Type, load(f, s.F.Type)+x)
		}
	default:
		panic("difftest: unknown statement")
	}
}

func (m *machine) copy(s *Copy) {
	dst := m.bytesOf(s.Dst)
	n := s.Dst.Size()
	if s.Len >= 0 {
		n = s.Len
	}
	var src []byte
	switch x := s.Src.(type) {
	case *StrLit:
		src = append([]byte(x.S), 0)
		if s.Len >= 0 {
			src = []byte(x.S)
		} else {
			n = len(src)
		}
		src = append(src, make([]byte, max(n-len(src), 0))...)
	case *Buf:
		src = m.bytesOf(x)
		if src == nil {
			src = make([]byte, x.Size())
		}
		n = min(n, len(src))
	case *PktBytes:
		src = m.frame[x.At:]
	}
	if dst != nil {
		// copy, not a loop: strs[i] to strs[j] may be the same bytes.
		copy(dst[:n], src[:n])
	}
}

func (m *machine) memExpr(e Expr) val {
	switch e := e.(type) {
	case *StrEq:
		return boolVal(m.strEq(e) != e.Not)
	case *ByteGet:
		b := m.bytesOf(e.B)
		if i := m.eval(e.Index).bits; b != nil && i < uint64(len(b)) {
			return val{bits: Char.Convert(uint64(b[i])), t: Char}
		}
		return val{t: Char}
	case *ElemGet:
		if b := m.elem(e.O, e.Index); b != nil {
			return val{bits: load(member(b, e.O.S, e.F), e.F.Type), t: e.F.Type}
		}
		return val{t: e.F.Type}
	case *SGet:
		if v := m.entry(e.Key); v != nil {
			return val{bits: load(member(v, StructV, e.F), e.F.Type), t: e.F.Type}
		}
		return val{t: e.F.Type}
	case *SHas:
		return boolVal((m.entry(e.Key) != nil) != e.Not)
	case *LoadBytes:
		return m.loadBytes(e)
	}
	panic("difftest: unknown expression")
}

// strEq reports whether e's operand equals its literal.
func (m *machine) strEq(e *StrEq) bool {
	var b []byte
	switch x := e.X.(type) {
	case *Buf:
		if b = m.bytesOf(x); b == nil {
			b = make([]byte, x.Size())
		}
	case *STag:
		b = make([]byte, 2)
		if v := m.entry(x.Key); v != nil {
			b = member(v, StructV, StructV.Field("tag"))[:2]
		}
	case *PktBytes:
		n := len(e.Lit)
		return string(m.frame[x.At:x.At+n]) == e.Lit
	default:
		return m.eval(x).bits == uint64(e.Lit[0])
	}
	s := e.Lit
	switch {
	case len(s) > len(b):
		return false
	case len(s) == len(b):
		return string(b) == s
	}
	return string(b[:len(s)]) == s && b[len(s)] == 0
}

func (m *machine) loadBytes(e *LoadBytes) val {
	off := uint32(m.eval(e.Off).bits)
	dst := m.bytesOf(e.Dst)
	n := e.Dst.Size()
	if e.Len >= 0 {
		n = e.Len
	}
	if dst == nil {
		return val{bits: uint64(errFault), t: Int64}
	}
	if off > 1<<31-1 || int(off)+n > len(m.frame) {
		clear(dst[:n])
		return val{bits: uint64(errFault), t: Int64}
	}
	copy(dst[:n], m.frame[off:int(off)+n])
	return val{t: Int64}
}
