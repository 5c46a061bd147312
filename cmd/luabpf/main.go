// Command luabpf runs Lua scripts whose kernel functions are compiled to
// eBPF: `luabpf run script.lua [args...]`, or writes those functions as
// an ELF object: `luabpf compile script.lua -o script.o`.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/runtime"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes, as DESIGN.md sets them.
const (
	exitOK     = 0
	exitScript = 1
	exitUsage  = 2
)

const usage = `luabpf runs Lua scripts whose kernel functions are compiled to eBPF.

Usage:
  luabpf run [flags] SCRIPT [ARGS...]   run a script; it sees ARGS as arg[1], arg[2], ...
                                        (SCRIPT "-" reads the script from standard input)
  luabpf compile [flags] SCRIPT         write the kernel functions SCRIPT loads, and their
                                        maps, as an ELF object (-o FILE; default SCRIPT.o);
                                        see luabpf compile --help
  luabpf version                        print the version (also -v, --version)
  luabpf help [TOPIC]                   print this help (also -h, --help), or what kernel
                                        code can use: luabpf help pkt, ctx, builtins, ...

` + runFlags + `
Exit status: 0 on success (for run, also on interrupt: SIGINT/SIGTERM), 1 on
a script or compile error (for compile, also on interrupt), 2 on a usage
error. run needs root (or CAP_BPF and CAP_NET_RAW, and CAP_PERFMON for print
in kernel code); compile needs no privileges, except what reading tracepoint
formats from tracefs takes (root, usually).
`

// runUsage is what `luabpf run --help` prints.
const runUsage = `Usage: luabpf run [flags] SCRIPT [ARGS...]

Runs SCRIPT ("-" for standard input); the script sees ARGS as arg[1],
arg[2], ... Flags must come before SCRIPT: everything after it is the
script's.

` + runFlags + `
The first Ctrl-C (SIGINT) raises the error "interrupted!" in the running
Lua code, which pcall can catch to print a summary; a second one, or
SIGTERM, stops the script. Either way everything it attached is detached.
`

const runFlags = `Flags for run:
  --dump=STAGES      print compiler stages of each kernel function to stderr:
  --dump STAGES      a comma-separated list of ir, passes, regalloc, asm
  --verifier-log     print the kernel verifier's whole log when it rejects a program
                     (also: LUABPF_VERIFIER_LOG=1)
  -h, --help         print this help
`

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(runtime.GCPercent)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help":
		fmt.Fprint(stdout, usage)
		printTopics(stdout)
		return exitOK
	case "help":
		return helpTopic(args[1:], stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "luabpf %s\n", version)
		return exitOK
	case "run":
		return runScript(args[1:], stdin, stdout, stderr)
	case "compile":
		return compileScript(args[1:], stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "luabpf: unknown command %q\n\n%s", args[0], usage)
	return exitUsage
}

func runScript(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dump := fs.String("dump", "", "")
	verifierLog := fs.Bool("verifier-log", os.Getenv("LUABPF_VERIFIER_LOG") == "1", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, runUsage)
			return exitOK
		}
		fmt.Fprintf(stderr, "luabpf run: %v\n\n%s", err, runUsage)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintf(stderr, "luabpf run: missing SCRIPT\n\n%s", runUsage)
		return exitUsage
	}
	stages, err := parseStages(*dump)
	if err != nil {
		fmt.Fprintf(stderr, "luabpf run: %v\n", err)
		return exitUsage
	}
	raiseMemlock()

	sigs := notifySignals()
	opts := &runtime.Options{Stdout: sigs.gate(stdout), Stderr: sigs.gate(stderr), VerifierLog: *verifierLog, Compiler: compile.Compiler{}}
	if len(stages) > 0 {
		opts.Dump = func(fn, stage, text string) {
			if stages[stageKind(stage)] {
				fmt.Fprintf(stderr, "-- %s: %s\n%s\n", fn, stage, strings.TrimRight(text, "\n"))
			}
		}
	}
	rt := runtime.New(opts)
	ctx, stop := sigs.handle(rt)
	defer stop()
	script, scriptArgs := fs.Arg(0), fs.Args()[1:]
	if script == "-" {
		var text []byte
		if text, err = io.ReadAll(stdin); err == nil {
			err = rt.RunString(ctx, "stdin", string(text), scriptArgs)
		}
	} else {
		err = rt.Run(ctx, script, scriptArgs)
	}
	if cerr := rt.Close(); cerr != nil && err == nil {
		err = cerr
	}
	var exit *runtime.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit):
		return exit.Code
	}
	reportError(stderr, err)
	return exitScript
}

// reportError prints an error that ends a run: the message with its
// file:line and source line; the Lua traceback only when
// LUABPF_TRACEBACK=1 asks for it, as a message is usually enough and a
// stack of luabpf's own functions is noise.
func reportError(stderr io.Writer, err error) {
	fmt.Fprintf(stderr, "luabpf: %s\n", source.Detail(err))
	var se *runtime.ScriptError
	if errors.As(err, &se) && se.Traceback != "" && os.Getenv("LUABPF_TRACEBACK") == "1" {
		fmt.Fprintln(stderr, se.Traceback)
	}
}

// parseStages reads --dump's list.
func parseStages(s string) (map[string]bool, error) {
	out := map[string]bool{}
	if s == "" {
		return out, nil
	}
	for _, st := range strings.Split(s, ",") {
		switch st = strings.TrimSpace(st); st {
		case "ir", "passes", "regalloc", "asm":
			out[st] = true
		default:
			return nil, fmt.Errorf("unknown --dump stage %q (want ir, passes, regalloc or asm)", st)
		}
	}
	return out, nil
}

// stageKind maps a dump stage name ("pass:constfold") to its --dump word.
func stageKind(stage string) string {
	if strings.HasPrefix(stage, "pass:") {
		return "passes"
	}
	return stage
}
