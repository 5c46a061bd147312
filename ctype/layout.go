package ctype

// maxSize is the largest size of a type in bytes, as in LuaJIT.
const maxSize = 1<<31 - 1

// layout places the members of a struct or union the way GCC and clang do
// on x86-64 and arm64 Linux, and fills t's Fields, Size and Align.
//
// Bitfields follow the System V / AAPCS64 rules: a bitfield goes at the
// next free bit unless it would straddle a storage unit of its declared
// type, in which case it starts at the next unit; in a packed record it
// always goes at the next free bit. A zero-width bitfield moves to the next
// unit boundary even in a packed record. Named bitfields raise the record's
// alignment to that of their type (unless packed); on arm64 unnamed ones
// do too, and zero-width ones do even in packed records. Offsets are
// tracked in bits.
func (p *parser) layout(t *Type, ms []member, a attrs) {
	arm := p.r.arch == ARM64
	union := t.Kind == Union
	t.Packed = a.packed
	t.attrAlign = a.align
	t.decl = ms
	var off, end int // bits: next free bit, and end of the furthest member
	align := 1
	for _, m := range ms {
		packed := a.packed || m.packed
		if m.bits >= 0 {
			ta := max(m.typ.Align, m.attrAlign)
			unit := m.typ.Size * 8
			if m.bits == 0 {
				if !union {
					off = roundUp(off, ta*8)
				}
				if arm {
					align = max(align, ta)
				}
				continue
			}
			if !packed && !union && off/unit != (off+m.bits-1)/unit {
				off = roundUp(off, ta*8)
			}
			if !packed && (m.name != "" || arm) {
				align = max(align, ta)
			}
			if m.name != "" {
				t.Fields = append(t.Fields, Field{Name: m.name, Type: m.typ, Offset: off / 8, BitOffset: off % 8, BitSize: m.bits, attrAlign: m.attrAlign})
			}
			end = max(end, off+m.bits)
			if !union {
				off += m.bits
			}
			continue
		}
		ma := m.typ.Align
		if packed {
			ma = 1
		}
		ma = max(ma, m.attrAlign)
		if !union {
			off = roundUp(off, ma*8)
		}
		align = max(align, ma)
		t.Fields = append(t.Fields, Field{Name: m.name, Type: m.typ, Offset: off / 8, attrAlign: m.attrAlign})
		size := max(m.typ.Size, 0)
		end = max(end, off+size*8)
		if !union {
			off += size * 8
		}
		if off > maxSize*8 {
			p.fail("struct or union is too large")
		}
	}
	if !union {
		end = off
	}
	align = max(align, a.align)
	t.Align = align
	t.Size = roundUp((end+7)/8, align)
	if t.Size > maxSize {
		p.fail("struct or union is too large")
	}
	if n := len(t.Fields); n > 0 && t.Fields[n-1].Type.Size < 0 {
		t.Size = -1
	}
}
