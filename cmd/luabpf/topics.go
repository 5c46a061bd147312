package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/ctype"
	"github.com/luabpf/luabpf/internal/tracefs"
	"github.com/luabpf/luabpf/proto"
)

// A help topic prints what kernel code can use, from the tables the
// compiler itself reads, so it is always what this luabpf accepts.
type topic struct {
	name, about string
	print       func(w io.Writer, args []string) error
}

var topics = []topic{
	{"pkt", "packet headers and their fields (pkt.ip.udp.dst_port); help pkt HEADER for one", printHeaders},
	{"ctx", "each program kind's context and which fields it may read and write", printContexts},
	{"builtins", "functions kernel code may call (xadd, ntoh, ffi.new, print, ...)", printBuiltins},
	{"maps", "map types bpf.map creates", printMapTypes},
	{"kinds", "program kinds, their ELF sections and return values", printKinds},
	{"tracepoint", "help tracepoint CAT/NAME: the record a tracepoint program reads", printTracepoint},
}

const topicsUsage = "Topics (luabpf help TOPIC):\n"

// helpTopic runs `luabpf help [TOPIC [ARGS]]`.
func helpTopic(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, usage)
		printTopics(stdout)
		return exitOK
	}
	for _, t := range topics {
		if t.name == args[0] {
			if err := t.print(stdout, args[1:]); err != nil {
				fmt.Fprintf(stderr, "luabpf help %s: %v\n", t.name, err)
				return exitScript
			}
			return exitOK
		}
	}
	fmt.Fprintf(stderr, "luabpf help: unknown topic %q\n", args[0])
	printTopics(stderr)
	return exitUsage
}

func printTopics(w io.Writer) {
	fmt.Fprint(w, topicsUsage)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, t := range topics {
		fmt.Fprintf(tw, "  %s\t%s\n", t.name, t.about)
	}
	tw.Flush()
}

func printHeaders(w io.Writer, args []string) error {
	hs := proto.Headers()
	if len(args) > 0 {
		h, ok := proto.Lookup(args[0])
		if !ok {
			return fmt.Errorf("no header %q", args[0])
		}
		hs = []*proto.Header{h}
	} else {
		fmt.Fprintln(w, "pkt (alias eth) starts at the Ethernet header; a next header is a field too:")
		fmt.Fprintln(w, "pkt.ip.udp.dst_port. Multi-byte fields read in network byte order (compare")
		fmt.Fprintln(w, "ntoh(field) with numbers); bitfields read as numbers; data(a, b) reads bytes")
		fmt.Fprintln(w, "a to b-1 after a header as one big-endian number, data[i] one byte.")
		fmt.Fprintln(w)
	}
	for _, h := range hs {
		fmt.Fprintf(w, "%s (%s)\n", h.Name, nbytes(h.Size))
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		for _, f := range h.Fields {
			fmt.Fprintf(tw, "  %s\t%s\n", f.Name, fieldShape(f))
		}
		tw.Flush()
		if next := h.NextNames(); len(next) > 0 {
			fmt.Fprintf(w, "  next: %s\n", strings.Join(next, ", "))
		}
	}
	return nil
}

// fieldShape describes where a header field is: "byte 9, 1 byte".
func fieldShape(f proto.Field) string {
	switch {
	case f.IsBitfield():
		return fmt.Sprintf("bits %d..%d of the %s at %d", f.Bit, f.Bit+f.Bits-1, nbytes(f.Size), f.Off)
	case f.Len > 0:
		return fmt.Sprintf("%s at %d (bytes: index or slice it)", nbytes(f.Len*f.Size), f.Off)
	}
	return fmt.Sprintf("%s at %d", nbytes(f.Size), f.Off)
}

// nbytes spells a size: "1 byte", "4 bytes".
func nbytes(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func printContexts(w io.Writer, _ []string) error {
	for _, k := range proto.Kinds() {
		if k.Ctx == nil {
			fmt.Fprintf(w, "%s: the tracepoint's record (luabpf help tracepoint CAT/NAME)\n\n", k.Name)
			continue
		}
		fmt.Fprintf(w, "%s: %s\n", k.Name, k.Ctx.Name)
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		for _, f := range k.Ctx.Fields {
			shape := fmt.Sprintf("%s at %d", nbytes(f.Size), f.Off)
			if f.Len > 0 {
				shape = fmt.Sprintf("%d x %s at %d", f.Len, nbytes(f.Size), f.Off)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Name, shape, access(f))
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	return nil
}

func access(f proto.CtxField) string {
	switch {
	case f.Packet:
		return "packet position"
	case f.Access == proto.Read|proto.Write:
		return "read, write"
	case f.Access == proto.Read:
		return "read"
	}
	return "-"
}

func printBuiltins(w io.Writer, _ []string) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, b := range compile.Builtins() {
		note := b.Arity
		if !b.Supported {
			note += " (not supported yet)"
		}
		kinds := kindsFor(b)
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", b.Name, note, kinds)
	}
	return tw.Flush()
}

// kindsFor names the program kinds that may call builtin b.
func kindsFor(b compile.Builtin) string {
	var out []string
	for _, k := range proto.Kinds() {
		ok := true
		for _, fn := range b.Helpers {
			if h := proto.HelperOf(fn); h == nil || !h.Kinds.Has(k) {
				ok = false
			}
		}
		if ok {
			out = append(out, k.Name)
		}
	}
	if len(out) == len(proto.Kinds()) {
		return "all kinds"
	}
	return strings.Join(out, ", ")
}

func printMapTypes(w io.Writer, _ []string) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	names := proto.MapTypeNames()
	sort.Strings(names)
	for _, n := range names {
		t, _ := proto.MapTypeOf(n)
		var notes []string
		if t.PerCPU {
			notes = append(notes, "one value per CPU")
		}
		switch {
		case t.Bytes:
			notes = append(notes, "size in bytes, records from perf_submit, map:reader()")
		case t.Key != "":
			notes = append(notes, "key "+t.Key+", value "+t.Value)
		}
		switch t.Kernel {
		case proto.PerfOutput:
			notes = append(notes, "records from perf_submit, map:reader()")
		case proto.StackIDs:
			notes = append(notes, "stack_id(map, flags) in kernel code, m[id] gives the frames")
		}
		fmt.Fprintf(tw, "  %s\t%s\n", n, strings.Join(notes, "; "))
	}
	return tw.Flush()
}

func printKinds(w io.Writer, _ []string) error {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, k := range proto.Kinds() {
		fmt.Fprintf(tw, "  %s\tsection %s\treturns %s\n", k.Name, k.Section, k.Return)
	}
	return tw.Flush()
}

func printTracepoint(w io.Writer, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("name the tracepoint, as in luabpf help tracepoint sched/sched_switch")
	}
	if _, err := tracefs.Mount(); err != nil {
		return err
	}
	text, err := tracefs.ReadFormat(args[0])
	if err != nil {
		return err
	}
	tp, err := proto.ParseFormat(args[0], text, ctype.HostArch())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s (%d bytes)\n", tp.Name, tp.Struct.Size)
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	for _, f := range tp.Fields {
		note := ""
		switch {
		case f.Common:
			note = "(the kernel keeps it from programs)"
		case f.DataLoc:
			note = "(a pointer to its data: ffi.copy(buf, arg." + f.Name + "))"
		case f.Pointer:
			note = "(a pointer: ffi.copy(buf, arg." + f.Name + ") for a string)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s at %d\t%s\n", f.Name, f.Type, nbytes(f.Size), f.Offset, note)
	}
	return tw.Flush()
}
