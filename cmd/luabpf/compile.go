package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/runtime"
)

// compileUsage is what `luabpf compile --help` prints.
const compileUsage = `Usage: luabpf compile [flags] SCRIPT [flags] [-- ARGS...]

Runs SCRIPT's top level without loading anything into the kernel and
writes the kernel functions it would load as one ELF object, which
bpftool (prog loadall), libbpf and cilium/ebpf load:

  - bpf.map makes only the map's description; reads and writes of map
    entries in the script work on a copy in memory
  - bpf(fn), bpf.socket, bpf.tracepoint, bpf.kprobe and bpf.uprobe compile
    fn and record its attach point instead of attaching it
  - the run stops at the first call that would wait for events
    (syscall.sleep, map:reader, bpf.tracelog) or at the script's end

The object has a section per program named as libbpf expects (socket,
tracepoint/CAT/NAME, kprobe/FUNC, uprobe/PATH:FUNC), the maps in .maps with
BTF for their key and value types, BTF line info naming the Lua source, and
the license. It cannot carry map entries: when the script stores some before
it waits, luabpf says so, and the loader must write them.

Flags may come before or after SCRIPT; ARGS after -- are the script's arg[1],
arg[2], ... SCRIPT "-" reads the script from standard input (then -o is
required).

Flags for compile:
  -o FILE, --output FILE  write the object to FILE (default: SCRIPT with .o in
                          place of .lua; "-" writes it to standard output, and
                          the script's own output goes to standard error)
  --dump STAGES           print compiler stages of each kernel function to
                          stderr: a comma-separated list of ir, passes,
                          regalloc, asm
  -v, --verbose           say what the object holds
  -h, --help              print this help
`

// compileArgs are compile's parsed command line.
type compileArgs struct {
	script, out string
	args        []string
	dump        string
	verbose     bool
}

// parseCompileArgs reads flags before and after SCRIPT, up to "--".
func parseCompileArgs(args []string) (*compileArgs, error) {
	c := &compileArgs{}
	fs := flag.NewFlagSet("compile", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&c.out, name, "", "")
	}
	fs.StringVar(&c.dump, "dump", "", "")
	for _, name := range []string{"v", "verbose"} {
		fs.BoolVar(&c.verbose, name, false, "")
	}
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		left := fs.Args()
		if n := len(rest) - len(left); n > 0 && rest[n-1] == "--" {
			c.args = append(c.args, left...) // after --: the script's
			break
		}
		if len(left) == 0 {
			break
		}
		if c.script == "" {
			c.script = left[0]
		} else {
			c.args = append(c.args, left[0])
		}
		rest = left[1:]
	}
	if c.script == "" {
		if len(c.args) > 0 {
			c.script, c.args = c.args[0], c.args[1:]
		} else {
			return nil, errors.New("missing SCRIPT")
		}
	}
	if c.out == "" {
		if c.script == "-" {
			return nil, errors.New("a script read from standard input needs -o FILE")
		}
		c.out = strings.TrimSuffix(c.script, filepath.Ext(c.script)) + ".o"
	}
	return c, nil
}

func compileScript(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c, err := parseCompileArgs(args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, compileUsage)
			return exitOK
		}
		fmt.Fprintf(stderr, "luabpf compile: %v\n\n%s", err, compileUsage)
		return exitUsage
	}
	stages, err := parseStages(c.dump)
	if err != nil {
		fmt.Fprintf(stderr, "luabpf compile: %v\n", err)
		return exitUsage
	}
	scriptOut := stdout
	if c.out == "-" {
		scriptOut = stderr // standard output carries the object
	}
	sigs := notifySignals()
	opts := &runtime.Options{Stdout: sigs.gate(scriptOut), Stderr: sigs.gate(stderr), Compiler: compile.Compiler{}, Mode: runtime.Compile}
	if len(stages) > 0 {
		opts.Dump = func(fn, stage, text string) {
			if stages[stageKind(stage)] {
				fmt.Fprintf(stderr, "-- %s: %s\n%s\n", fn, stage, strings.TrimRight(text, "\n"))
			}
		}
	}
	rt := runtime.New(opts)
	defer rt.Close()
	ctx, stop := sigs.handle(rt)
	if c.script == "-" {
		var text []byte
		if text, err = io.ReadAll(stdin); err == nil {
			err = rt.RunString(ctx, "stdin", string(text), c.args)
		}
	} else {
		err = rt.Run(ctx, c.script, c.args)
	}
	stop()
	var exit *runtime.ExitError
	if errors.As(err, &exit) {
		fmt.Fprintf(stderr, "luabpf compile: the script exited with status %d; %s not written\n", exit.Code, c.out)
		return exit.Code
	}
	if err != nil {
		reportError(stderr, err)
		if errors.Is(err, runtime.ErrInterrupted) {
			fmt.Fprintf(stderr, "luabpf compile: %s not written\n", c.out)
		}
		return exitScript
	}
	res, err := rt.Compiled()
	if err != nil {
		fmt.Fprintf(stderr, "luabpf compile: %v\n", err)
		return exitScript
	}
	obj, err := res.Object()
	if err != nil {
		fmt.Fprintf(stderr, "luabpf compile: %v\n", err)
		return exitScript
	}
	if err := writeObject(c.out, obj, stdout); err != nil {
		fmt.Fprintf(stderr, "luabpf compile: %v\n", err)
		return exitScript
	}
	for _, n := range res.Notes() {
		fmt.Fprintf(stderr, "luabpf compile: note: %s\n", n)
	}
	if c.verbose {
		fmt.Fprintf(stderr, "luabpf compile: wrote %s\n%s", c.out, res.Summary())
	}
	return exitOK
}

// writeObject writes the object to path ("-": w) through a temporary
// file renamed into place, so a failed write leaves no partial object.
func writeObject(path string, obj []byte, w io.Writer) error {
	if path == "-" {
		_, err := w.Write(obj)
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(obj); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
