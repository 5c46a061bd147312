package difftest

import (
	"fmt"
	"strings"
)

// Source returns p as a Lua file holding its helpers and then one kernel
// function, difftest, the one the tests compile.
func (p *Prog) Source() string {
	var b strings.Builder
	for _, f := range p.Funcs {
		b.WriteString("local function " + f.Name + "(")
		for i, v := range f.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v.Name)
		}
		b.WriteString(")\n")
		printBlock(&b, f.Body, 1)
		b.WriteString("end\n")
	}
	b.WriteString("local difftest = function(skb)\n")
	printBlock(&b, p.Body, 1)
	b.WriteString("end\n")
	return b.String()
}

func printBlock(b *strings.Builder, body []Stmt, depth int) {
	for _, s := range body {
		printStmt(b, s, depth)
	}
}

func printStmt(b *strings.Builder, s Stmt, depth int) {
	ind := strings.Repeat("  ", depth)
	switch s := s.(type) {
	case *Local:
		fmt.Fprintf(b, "%slocal %s = %s\n", ind, s.Name, exprString(s.X))
	case *Assign:
		fmt.Fprintf(b, "%s%s = %s\n", ind, s.Name, exprString(s.X))
	case *If:
		fmt.Fprintf(b, "%sif %s then\n", ind, exprString(s.Cond))
		printBlock(b, s.Then, depth+1)
		for len(s.Else) == 1 {
			elif, ok := s.Else[0].(*If)
			if !ok {
				break
			}
			fmt.Fprintf(b, "%selseif %s then\n", ind, exprString(elif.Cond))
			printBlock(b, elif.Then, depth+1)
			s = elif
		}
		if len(s.Else) > 0 {
			fmt.Fprintf(b, "%selse\n", ind)
			printBlock(b, s.Else, depth+1)
		}
		fmt.Fprintf(b, "%send\n", ind)
	case *For:
		step := ""
		if s.Step != 1 {
			step = fmt.Sprintf(", %d", s.Step)
		}
		from, to := constString(&Const{V: uint64(s.From)}), constString(&Const{V: uint64(s.To)})
		fmt.Fprintf(b, "%sfor %s = %s, %s%s do\n", ind, s.Var, from, to, step)
		printBlock(b, s.Body, depth+1)
		fmt.Fprintf(b, "%send\n", ind)
	case *Break:
		fmt.Fprintf(b, "%sbreak\n", ind)
	case *MapSet:
		v := "nil"
		if s.Val != nil {
			v = exprString(s.Val)
		}
		fmt.Fprintf(b, "%s%s[%s] = %s\n", ind, s.M.Name, exprString(s.Key), v)
	case *XAdd:
		fmt.Fprintf(b, "%sxadd(%s[%s], %s)\n", ind, s.M.Name, exprString(s.Key), exprString(s.Val))
	case *NewObj:
		fmt.Fprintf(b, "%slocal %s = ffi.new('struct %s')\n", ind, s.Name, s.S.Name)
	case *FieldSet:
		fmt.Fprintf(b, "%s%s = %s\n", ind, fieldString(s.Obj, s.F, s.Index), exprString(s.X))
	case *Return:
		if s.X == nil {
			fmt.Fprintf(b, "%sreturn\n", ind)
			break
		}
		fmt.Fprintf(b, "%sreturn %s\n", ind, exprString(s.X))
	case *CallStmt:
		fmt.Fprintf(b, "%s%s\n", ind, callString(s.C))
	case *NewArr:
		fmt.Fprintf(b, "%slocal %s = ffi.new('%s')\n", ind, s.O.Name, s.O.Type)
	case *Copy:
		n := ""
		if s.Len >= 0 {
			n = fmt.Sprintf(", %d", s.Len)
		}
		fmt.Fprintf(b, "%sffi.copy(%s, %s%s)\n", ind, exprString(s.Dst), exprString(s.Src), n)
	case *ByteSet:
		fmt.Fprintf(b, "%s%s[%s] = %s\n", ind, exprString(s.B), exprString(s.Index), exprString(s.X))
	case *ElemSet:
		fmt.Fprintf(b, "%s%s[%s].%s = %s\n", ind, s.O.Name, exprString(s.Index), s.F.Name, exprString(s.X))
	case *SSet:
		v := "nil"
		if s.Val != nil {
			v = ObjVals.Name + "[" + exprString(s.Val) + "]"
		}
		fmt.Fprintf(b, "%s%s = %s\n", ind, smKey(s.Key), v)
	case *SFieldSet:
		fmt.Fprintf(b, "%s%s.%s = %s\n", ind, smKey(s.Key), s.F.Name, exprString(s.X))
	case *SXAdd:
		fmt.Fprintf(b, "%sxadd(%s.%s, %s)\n", ind, smKey(s.Key), s.F.Name, exprString(s.X))
	default:
		panic("difftest: unknown statement")
	}
}

func fieldString(obj string, f *Field, index Expr) string {
	if index == nil {
		return obj + "." + f.Name
	}
	return obj + "." + f.Name + "[" + exprString(index) + "]"
}

var luaOps = map[string]string{"+": "+", "-": "-", "*": "*", "/": "/", "%": "%",
	"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "~=": "~=", "and": "and", "or": "or"}

func exprString(e Expr) string {
	switch e := e.(type) {
	case *Const:
		return constString(e)
	case *Var:
		return e.Name
	case *Call:
		return callString(e)
	case *Pkt:
		return e.In.Lua
	case *Unop:
		switch e.Op {
		case "-":
			return "(-" + exprString(e.X) + ")"
		case "not":
			return "(not " + exprString(e.X) + ")"
		}
		return "bit." + e.Op + "(" + exprString(e.X) + ")"
	case *Binop:
		if op, ok := luaOps[e.Op]; ok {
			return "(" + exprString(e.X) + " " + op + " " + exprString(e.Y) + ")"
		}
		return "bit." + e.Op + "(" + exprString(e.X) + ", " + exprString(e.Y) + ")"
	case *IsNil:
		op := "=="
		if e.Not {
			op = "~="
		}
		return "(" + exprString(e.X) + " " + op + " nil)"
	case *Cast:
		return "ffi.cast('" + e.T.Name + "', " + exprString(e.X) + ")"
	case *Swap:
		fn := "ntoh"
		if e.Hton {
			fn = "hton"
		}
		return fn + "(" + exprString(e.X) + ")"
	case *MapGet:
		return e.M.Name + "[" + exprString(e.Key) + "]"
	case *FieldGet:
		return fieldString(e.Obj, e.F, e.Index)
	case *Buf:
		switch {
		case e.Map:
			return smKey(e.Index) + ".tag"
		case e.Tag:
			return e.O.Name + "[" + exprString(e.Index) + "].tag"
		case e.Index != nil:
			return e.O.Name + "[" + exprString(e.Index) + "]"
		}
		return e.O.Name
	case *PktBytes:
		if e.Dyn != nil {
			pos := "(" + e.Hdr + " + " + exprString(e.Dyn) + ")"
			if e.Slice {
				return fmt.Sprintf("%s(0, %d)", pos, e.W)
			}
			return pos
		}
		if e.Slice {
			return fmt.Sprintf("%s(%d, %d)", e.Hdr, e.Off, e.Off+e.W)
		}
		return fmt.Sprintf("(%s + %d)", e.Hdr, e.Off)
	case *STag:
		return smKey(e.Key) + ".tag"
	case *StrLit:
		return luaString(e.S)
	case *StrEq:
		op := "=="
		if e.Not {
			op = "~="
		}
		return "(" + exprString(e.X) + " " + op + " " + luaString(e.Lit) + ")"
	case *ByteGet:
		return exprString(e.B) + "[" + exprString(e.Index) + "]"
	case *ElemGet:
		return e.O.Name + "[" + exprString(e.Index) + "]." + e.F.Name
	case *SGet:
		return smKey(e.Key) + "." + e.F.Name
	case *SHas:
		op := "~="
		if e.Not {
			op = "=="
		}
		return "(" + smKey(e.Key) + " " + op + " nil)"
	case *LoadBytes:
		n := ""
		if e.Len >= 0 {
			n = fmt.Sprintf(", %d", e.Len)
		}
		return "load_bytes(" + exprString(e.Off) + ", " + exprString(e.Dst) + n + ")"
	}
	panic("difftest: unknown expression")
}

// constString prints a literal: decimal, or hexadecimal when asked or
// when only the 64-bit pattern can say it (a decimal literal beyond the
// signed 64-bit range is an error).
func constString(c *Const) string {
	suffix := ""
	if c.ULL {
		suffix = "ULL"
	}
	if c.Hex || (c.ULL && int64(c.V) < 0) {
		return fmt.Sprintf("0x%x%s", c.V, suffix)
	}
	if v := int64(c.V); v < 0 {
		if v == -1<<63 {
			return "0x8000000000000000" + suffix
		}
		return fmt.Sprintf("(-%d%s)", -v, suffix)
	}
	return fmt.Sprintf("%d%s", c.V, suffix)
}

// smKey is sm[keys[k]].
func smKey(k Expr) string {
	return MapS.Name + "[" + ObjKeys.Name + "[" + exprString(k) + "]]"
}

// luaString quotes s for Lua: printable ASCII as it is, every other
// byte as a three-digit decimal escape.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= ' ' && c < 0x7f && c != '\'' && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}
