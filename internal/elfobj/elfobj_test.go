package elfobj_test

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/btf"
	"github.com/luabpf/luabpf/internal/elfobj"
	"github.com/luabpf/luabpf/internal/source"
)

// native is the host's byte order as cilium/ebpf's asm package accepts it
// (binary.LittleEndian or binary.BigEndian, not binary.NativeEndian).
var native = func() binary.ByteOrder {
	if binary.NativeEndian.Uint16([]byte{1, 0}) == 1 {
		return binary.LittleEndian
	}
	return binary.BigEndian
}()

// write encodes obj or fails the test.
func write(tb testing.TB, obj *elfobj.Object) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := elfobj.Write(&buf, obj); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// load parses an object with cilium/ebpf, as `luabpf run` or a Go program
// would read it.
func load(tb testing.TB, obj []byte) *ebpf.CollectionSpec {
	tb.Helper()
	spec, err := ebpf.LoadCollectionSpecFromReader(bytes.NewReader(obj))
	if err != nil {
		tb.Fatalf("LoadCollectionSpecFromReader: %v", err)
	}
	return spec
}

// resolved is what insns look like after jump resolution: encoded and
// decoded again.
func resolved(tb testing.TB, insns asm.Instructions) asm.Instructions {
	tb.Helper()
	var buf bytes.Buffer
	if err := slices.Clone(insns).Marshal(&buf, native); err != nil {
		tb.Fatal(err)
	}
	out, err := asm.AppendInstructions(nil, &buf, native, "linux")
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// TestLoadCollectionSpec reads the object back with cilium/ebpf and checks
// programs (type from the section, instructions, function BTF, line info)
// and maps (type, sizes, flags, key and value BTF).
func TestLoadCollectionSpec(t *testing.T) {
	obj := testObject()
	spec := load(t, write(t, obj))
	types := map[string]ebpf.ProgramType{"count_packets": ebpf.SocketFilter, "classify": ebpf.XDP, "count_getpid": ebpf.TracePoint}
	if len(spec.Programs) != len(obj.Programs) {
		t.Errorf("%d programs, want %d", len(spec.Programs), len(obj.Programs))
	}
	for _, p := range obj.Programs {
		t.Run(p.Name, func(t *testing.T) {
			ps := spec.Programs[p.Name]
			if ps == nil {
				t.Fatalf("no program %s", p.Name)
			}
			if ps.SectionName != p.Section || ps.Type != types[p.Name] || ps.License != "GPL" {
				t.Errorf("section %q type %v license %q, want %q %v GPL", ps.SectionName, ps.Type, ps.License, p.Section, types[p.Name])
			}
			checkInsns(t, ps.Instructions, p.Insns, resolved(t, p.Insns))
			fn := btf.FuncMetadata(&ps.Instructions[0])
			if fn == nil || fn.Name != p.Name || fn.Linkage != btf.GlobalFunc {
				t.Fatalf("instruction 0 has function %v, want global %s", fn, p.Name)
			}
			proto := fn.Type.(*btf.FuncProto)
			if len(proto.Params) != 1 || proto.Params[0].Name != "ctx" {
				t.Errorf("prototype %v, want one parameter ctx", proto)
			}
			if _, ok := proto.Params[0].Type.(*btf.Pointer); !ok {
				t.Errorf("ctx is a %v, want a pointer", proto.Params[0].Type)
			}
		})
	}
	checkMaps(t, spec.Maps, obj.Maps)
}

// checkInsns compares loaded instructions with the resolved ones and their
// line info with the source lines given: a line record where the line
// changes, nothing where it goes on.
func checkInsns(t *testing.T, got, orig, want asm.Instructions) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d instructions, want %d:\n%v", len(got), len(want), got)
	}
	var prev *source.Line
	for i := range want {
		g, w := got[i], want[i]
		if g.OpCode != w.OpCode || g.Dst != w.Dst || g.Src != w.Src || g.Offset != w.Offset || g.Constant != w.Constant {
			t.Errorf("instruction %d is %v, want %v", i, g, w)
		}
		if g.Reference() != orig[i].Reference() && g.IsLoadFromMap() {
			t.Errorf("instruction %d loads map %q, want %q", i, g.Reference(), orig[i].Reference())
		}
		given := orig[i].Source().(*source.Line)
		changed := prev == nil || *given != *prev
		prev = given
		line, ok := g.Source().(*btf.Line)
		switch {
		case !changed && g.Source() != nil:
			t.Errorf("instruction %d has line info %v, but its line did not change", i, g.Source())
		case changed && !ok:
			t.Errorf("instruction %d has source %#v, want a *btf.Line for %s", i, g.Source(), given.Pos)
		case changed && (line.FileName() != given.File || int(line.LineNumber()) != given.Line || line.Line() != given.Text || line.LineColumn() != 0):
			t.Errorf("instruction %d has line %s:%d:%d %q, want %s %q", i, line.FileName(), line.LineNumber(), line.LineColumn(), line.Line(), given.Pos, given.Text)
		}
	}
}

// checkMaps compares loaded map specs with the definitions written.
func checkMaps(t *testing.T, got map[string]*ebpf.MapSpec, want []elfobj.Map) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d maps, want %d", len(got), len(want))
	}
	for _, m := range want {
		ms := got[m.Name]
		if ms == nil {
			t.Errorf("no map %s", m.Name)
			continue
		}
		keySize, valueSize := m.KeySize, m.ValueSize
		if m.Key != nil {
			keySize = uint32(sizeof(t, m.Key))
		}
		if m.Value != nil {
			valueSize = uint32(sizeof(t, m.Value))
		}
		if ms.Type != m.Type || ms.MaxEntries != m.MaxEntries || ms.Flags != m.Flags || ms.KeySize != keySize || ms.ValueSize != valueSize {
			t.Errorf("map %s: %v max %d flags %d key %d value %d; want %v %d %d %d %d", m.Name,
				ms.Type, ms.MaxEntries, ms.Flags, ms.KeySize, ms.ValueSize, m.Type, m.MaxEntries, m.Flags, keySize, valueSize)
		}
		if g, w := outline(ms.Key), outline(m.Key); g != w {
			t.Errorf("map %s: key %s, want %s", m.Name, g, w)
		}
		if g, w := outline(ms.Value), outline(m.Value); g != w {
			t.Errorf("map %s: value %s, want %s", m.Name, g, w)
		}
	}
}

func sizeof(t *testing.T, typ btf.Type) int {
	n, err := btf.Sizeof(typ)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// outline prints a type with its members' names, types and offsets.
func outline(typ btf.Type) string {
	switch v := typ.(type) {
	case nil:
		return "none"
	case *btf.Struct:
		var ms []string
		for _, m := range v.Members {
			ms = append(ms, fmt.Sprintf("%s:%s@%d", m.Name, outline(m.Type), m.Offset))
		}
		return fmt.Sprintf("struct %s(%d){%s}", v.Name, v.Size, strings.Join(ms, " "))
	case *btf.Typedef:
		return v.Name + "=" + outline(v.Type)
	case *btf.Int:
		return fmt.Sprintf("%s/%d/%v", v.Name, v.Size, v.Encoding)
	}
	return fmt.Sprintf("%v", typ)
}

// TestDeterministic writes the same object twice and checks that the
// bytes agree and that the object itself was not changed (symbolic jumps
// keep Offset -1).
func TestDeterministic(t *testing.T) {
	obj := testObject()
	a, b := write(t, obj), write(t, testObject())
	if !bytes.Equal(a, b) {
		t.Error("two writes of the same object differ")
	}
	again := write(t, obj)
	if !bytes.Equal(a, again) {
		t.Error("writing the object changed it")
	}
	for i, ins := range obj.Programs[0].Insns {
		if ins.Reference() != "" && ins.OpCode.Class().IsJump() && ins.Offset != -1 {
			t.Errorf("instruction %d: Write resolved the caller's jump in place (offset %d)", i, ins.Offset)
		}
	}
}

// TestELFLayout checks the object with the standard library's ELF reader:
// header, the sections loaders look for, symbols and relocations.
func TestELFLayout(t *testing.T) {
	f, err := elf.NewFile(bytes.NewReader(write(t, testObject())))
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_BPF || f.Type != elf.ET_REL || f.ByteOrder != native {
		t.Errorf("header: %v %v %v %v", f.Class, f.Machine, f.Type, f.ByteOrder)
	}
	var names []string
	for _, s := range f.Sections[1:] {
		names = append(names, s.Name)
	}
	want := ".strtab socket .relsocket xdp tracepoint/syscalls/sys_enter_getpid .reltracepoint/syscalls/sys_enter_getpid license .maps .BTF .BTF.ext .symtab"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("sections\n%s\nwant\n%s", got, want)
	}
	if s := f.Section("socket"); s.Flags != elf.SHF_ALLOC|elf.SHF_EXECINSTR || s.Addralign != 8 {
		t.Errorf("socket section flags %v align %d", s.Flags, s.Addralign)
	}
	if data, _ := f.Section("license").Data(); string(data) != "GPL\x00" {
		t.Errorf("license %q", data)
	}
	syms, err := f.Symbols()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range syms {
		got = append(got, fmt.Sprintf("%s:%v:%v:%s:%d+%d", s.Name, elf.ST_TYPE(s.Info), elf.ST_BIND(s.Info), f.Sections[s.Section].Name, s.Value, s.Size))
	}
	wantSyms := []string{
		"count_packets:STT_FUNC:STB_GLOBAL:socket:0+208",
		"classify:STT_FUNC:STB_GLOBAL:xdp:0+112",
		"count_getpid:STT_FUNC:STB_GLOBAL:tracepoint/syscalls/sys_enter_getpid:0+88",
		"counts:STT_OBJECT:STB_GLOBAL:.maps:0+32",
		"calls:STT_OBJECT:STB_GLOBAL:.maps:32+32",
		"events:STT_OBJECT:STB_GLOBAL:.maps:64+32",
		"ring:STT_OBJECT:STB_GLOBAL:.maps:96+16",
		"lru:STT_OBJECT:STB_GLOBAL:.maps:112+40",
		"flows:STT_OBJECT:STB_GLOBAL:.maps:152+32",
		"_license:STT_OBJECT:STB_GLOBAL:license:0+4",
	}
	if g, w := strings.Join(got, "\n"), strings.Join(wantSyms, "\n"); g != w {
		t.Errorf("symbols\n%s\nwant\n%s", g, w)
	}
	checkRelocs(t, f, syms)
}

// checkRelocs checks that .relsocket points at both ld_imm64 map loads of
// the counting program, with R_BPF_64_64 against the map's symbol.
func checkRelocs(t *testing.T, f *elf.File, syms []elf.Symbol) {
	t.Helper()
	rel, code := f.Section(".relsocket"), f.Section("socket")
	if rel.Type != elf.SHT_REL || f.Sections[rel.Info] != code || f.Sections[rel.Link].Type != elf.SHT_SYMTAB {
		t.Fatalf(".relsocket: type %v info %d link %d", rel.Type, rel.Info, rel.Link)
	}
	data, _ := rel.Data()
	text, _ := code.Data()
	var got []string
	for r := bytes.NewReader(data); r.Len() > 0; {
		var e elf.Rel64
		if err := binary.Read(r, f.ByteOrder, &e); err != nil {
			t.Fatal(err)
		}
		sym := syms[elf.R_SYM64(e.Info)-1]
		got = append(got, fmt.Sprintf("%d:%d:%s:op=%#x:imm=%d", e.Off, elf.R_TYPE64(e.Info), sym.Name, text[e.Off], f.ByteOrder.Uint32(text[e.Off+4:])))
	}
	// The map loads are instructions 5 and 15, at raw offsets 5 and 16
	// (the first ld_imm64 takes two slots).
	want := "40:1:counts:op=0x18:imm=0 128:1:counts:op=0x18:imm=0"
	if g := strings.Join(got, " "); g != want {
		t.Errorf("relocations %s, want %s", g, want)
	}
}

// TestWriteErrors checks that objects loaders would refuse are errors.
func TestWriteErrors(t *testing.T) {
	ok := func() *elfobj.Object { return testObject() }
	tests := []struct {
		name   string
		change func(o *elfobj.Object)
		want   string
	}{
		{"no programs", func(o *elfobj.Object) { o.Programs = nil }, "no programs"},
		{"program name", func(o *elfobj.Object) { o.Programs[0].Name = "count-packets" }, "not a C identifier"},
		{"map name", func(o *elfobj.Object) { o.Maps[0].Name = "" }, "not a C identifier"},
		{"duplicate", func(o *elfobj.Object) { o.Maps[0].Name = "classify" }, "already used by a program"},
		{"no section", func(o *elfobj.Object) { o.Programs[1].Section = "" }, "bad section name"},
		{"unknown map", func(o *elfobj.Object) { o.Maps = o.Maps[1:] }, `refers to map "counts"`},
		{"key size", func(o *elfobj.Object) { o.Maps[0].KeySize = 4 }, "has 8 bytes"},
		{"symbol", func(o *elfobj.Object) { o.Programs[0].Insns[0] = o.Programs[0].Insns[0].WithSymbol("other") }, `symbol "other"`},
		{"call", func(o *elfobj.Object) {
			o.Programs[1].Insns[3] = asm.Call.Label("classify")
		}, "calls to other BPF functions"},
		{"unresolved jump", func(o *elfobj.Object) {
			o.Programs[1].Insns[5] = asm.JGT.Reg(asm.R4, asm.R3, "nowhere")
		}, `symbol "nowhere"`},
		{"nul", func(o *elfobj.Object) {
			o.Programs[2].Insns[1] = o.Programs[2].Insns[1].WithSource(at("x.lua", 1, "a\x00b"))
		}, "NUL"},
		{"line", func(o *elfobj.Object) {
			o.Programs[2].Insns[1] = o.Programs[2].Insns[1].WithSource(at("x.lua", 1<<22, "a"))
		}, "beyond"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := ok()
			tc.change(o)
			_, err := elfobj.Bytes(o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSharedSection puts two programs in one section and checks that both
// load with their own instructions and line info.
func TestSharedSection(t *testing.T) {
	obj := &elfobj.Object{
		License: "GPL",
		Programs: []elfobj.Program{
			{Name: "first", Section: "socket", Insns: classifyInsns()},
			{Name: "second", Section: "socket", Insns: getpidInsns()},
		},
		Maps: []elfobj.Map{{Name: "calls", Type: ebpf.Array, Key: u32, Value: u64, MaxEntries: 1}},
	}
	obj.Programs[0].Insns[0] = obj.Programs[0].Insns[0].WithSymbol("first")
	spec := load(t, write(t, obj))
	for _, p := range obj.Programs {
		ps := spec.Programs[p.Name]
		if ps == nil {
			t.Fatalf("no program %s", p.Name)
		}
		checkInsns(t, ps.Instructions, p.Insns, resolved(t, p.Insns))
		if fn := btf.FuncMetadata(&ps.Instructions[0]); fn == nil || fn.Name != p.Name {
			t.Errorf("%s: function %v", p.Name, fn)
		}
	}
}

// TestNoSource writes a program without source lines: it still gets the
// line record at its first instruction that the kernel wants, an empty
// one.
func TestNoSource(t *testing.T) {
	insns := asm.Instructions{asm.Mov.Imm(asm.R0, 0), asm.Return()}
	spec := load(t, write(t, &elfobj.Object{Programs: []elfobj.Program{{Name: "nothing", Section: "socket", Insns: insns}}}))
	got := spec.Programs["nothing"].Instructions
	line, ok := got[0].Source().(*btf.Line)
	if !ok || line.FileName() != "" || line.Line() != "" || line.LineNumber() != 0 {
		t.Errorf("instruction 0 source %#v, want an empty line", got[0].Source())
	}
	if got[1].Source() != nil {
		t.Errorf("instruction 1 source %v, want none", got[1].Source())
	}
}
