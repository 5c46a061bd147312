package runtime

import (
	"errors"
	"fmt"
	"math"
	"os"
	goruntime "runtime"
	"sort"
	"strings"
	"time"

	"github.com/luabpf/luabpf/internal/source"
	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"
)

// openLibs installs the modules and the changes to the standard library
// scripts rely on.
func (r *Runtime) openLibs() {
	L := r.L
	L.SetGlobal("print", L.NewFunction(r.print))
	L.SetGlobal("error", L.NewFunction(r.luaError))
	if osT, ok := L.GetGlobal("os").(*lua.LTable); ok {
		osT.RawSetString("exit", L.NewFunction(r.exit))
	}
	if m, ok := L.GetGlobal("math").(*lua.LTable); ok {
		m.RawSetString("log2", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LNumber(math.Log2(float64(L.CheckNumber(1)))))
			return 1
		}))
	}
	r.openLiterals()
	r.openChunks()
	r.wrapPairs()
	r.bpf = r.bpfModule()
	r.preload("bpf", r.bpf)
	r.preload("syscall", r.syscallModule())
	r.preload("bpf.elf", r.elfModule())
	r.L.PreloadModule("bpf.ljbytecode", func(L *lua.LState) int {
		L.RaiseError("bpf.ljbytecode is not available: it decodes LuaJIT bytecode, and luabpf runs scripts " +
			"on gopher-lua, which has none (luabpf compiles kernel functions from their Lua source)")
		return 0
	})
}

// wrapPairs makes pairs honour a __pairs metamethod, as Lua 5.2 does
// (gopher-lua's pairs takes tables only), so `for k, v in pairs(m)`
// iterates a map as `m.pairs, m, nil` does.
func (r *Runtime) wrapPairs() {
	L := r.L
	base, ok := L.GetGlobal("pairs").(*lua.LFunction)
	if !ok {
		return
	}
	L.SetGlobal("pairs", L.NewFunction(func(L *lua.LState) int {
		if mm, ok := L.GetMetaField(L.Get(1), "__pairs").(*lua.LFunction); ok {
			L.Push(mm)
			L.Push(L.Get(1))
			L.Call(1, 3)
			return 3
		}
		L.CheckTable(1) // here, so the error names pairs
		L.Insert(base, 1)
		L.Call(L.GetTop()-1, lua.MultRet)
		return L.GetTop()
	}))
}

func (r *Runtime) preload(name string, mod lua.LValue) {
	r.L.PreloadModule(name, func(L *lua.LState) int {
		L.Push(mod)
		return 1
	})
}

// print writes to the runtime's stdout, as Lua's print does.
func (r *Runtime) print(L *lua.LState) int {
	n := L.GetTop()
	var b strings.Builder
	tostring := L.GetGlobal("tostring")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteByte('\t')
		}
		L.Push(tostring)
		L.Push(L.Get(i))
		L.Call(1, 1)
		b.WriteString(L.ToString(-1))
		L.Pop(1)
	}
	b.WriteByte('\n')
	fmt.Fprint(r.opts.Stdout, b.String())
	return 0
}

// exit unwinds the VM instead of ending the process, so kernel objects
// are released before the process exits. It stops the VM too, so that
// a pcall around it (or up the stack) cannot catch the exit and go on:
// in LuaJIT os.exit ends the process there and then.
func (r *Runtime) exit(L *lua.LState) int {
	code := 0
	switch v := L.Get(1).(type) {
	case lua.LNumber:
		code = int(v)
	case lua.LBool:
		if !v {
			code = 1
		}
	}
	if r.exited == nil {
		r.exited = &exitSignal{code}
	}
	r.vm.stop()
	ud := L.NewUserData()
	ud.Value = exitSignal{code}
	L.Error(ud, 0)
	return 0
}

// syscallModule is the subset of ljsyscall the examples use.
func (r *Runtime) syscallModule() *lua.LTable {
	L := r.L
	t := L.NewTable()
	t.RawSetString("sleep", L.NewFunction(r.sleep))
	t.RawSetString("nanosleep", L.NewFunction(r.sleep))
	t.RawSetString("c", r.syscallConsts())
	t.RawSetString("abi", r.syscallABI())
	ids := map[string]func() int{
		"getpid": os.Getpid, "getppid": os.Getppid, "gettid": unix.Gettid,
		"getuid": os.Getuid, "geteuid": os.Geteuid, "getgid": os.Getgid, "getegid": os.Getegid,
	}
	for name, f := range ids {
		t.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LNumber(f()))
			return 1
		}))
	}
	t.RawSetString("time", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(time.Now().Unix()))
		return 1
	}))
	t.RawSetString("kill", L.NewFunction(func(L *lua.LState) int {
		sig := unix.SIGTERM
		if L.Get(2) != lua.LNil {
			sig = unix.Signal(L.CheckInt(2))
		}
		if err := unix.Kill(L.CheckInt(1), sig); err != nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(err.Error()))
			return 2
		}
		L.Push(lua.LTrue)
		return 1
	}))
	mt := L.NewTable()
	mt.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		name := L.CheckString(2)
		var have []string
		t.ForEach(func(k, v lua.LValue) {
			if _, ok := v.(*lua.LFunction); ok {
				have = append(have, k.String())
			}
		})
		sort.Strings(have)
		L.RaiseError("syscall.%s is not available: luabpf's syscall module is not ljsyscall and offers %s, "+
			"syscall.c and syscall.abi", name, strings.Join(have, ", "))
		return 0
	}))
	L.SetMetatable(t, mt)
	return t
}

// syscallABI builds syscall.abi as ljsyscall describes the machine:
// arch in its spelling (x64, arm64, ...), os, and the byte order.
func (r *Runtime) syscallABI() *lua.LTable {
	arch := map[string]string{"amd64": "x64", "386": "x86", "arm64": "arm64", "arm": "arm",
		"ppc64le": "ppc64le", "ppc64": "ppc64", "mips64le": "mips64", "s390x": "s390x", "riscv64": "riscv64"}[goruntime.GOARCH]
	if arch == "" {
		arch = goruntime.GOARCH
	}
	t := r.L.NewTable()
	t.RawSetString("arch", lua.LString(arch))
	t.RawSetString("os", lua.LString("linux"))
	le := arch != "ppc64" && arch != "s390x"
	t.RawSetString("le", lua.LBool(le))
	t.RawSetString("be", lua.LBool(!le))
	t.RawSetString("abi64", lua.LBool(strings.HasSuffix(goruntime.GOARCH, "64") || goruntime.GOARCH == "s390x"))
	return t
}

// sleep waits for a number of seconds (fractions allowed), returning
// early when the script is interrupted.
func (r *Runtime) sleep(L *lua.LState) int {
	sec := float64(L.CheckNumber(1))
	if sec < 0 || math.IsNaN(sec) {
		L.ArgError(1, "sleep needs a non-negative number of seconds")
	}
	if r.compiling() {
		return r.waitStop(L, "syscall.sleep")
	}
	d := time.Duration(sec * float64(time.Second))
	if d < time.Millisecond {
		// Go's timers wait for whole milliseconds when the process is
		// otherwise idle, so sleep(0.0001) would take 1.1 ms; nanosleep
		// takes what was asked. An interrupt is seen when it returns.
		select {
		case <-r.vm.Done():
		default:
			ts := unix.NsecToTimespec(d.Nanoseconds())
			_ = unix.Nanosleep(&ts, nil) // EINTR: a signal came, return early
		}
		select {
		case <-r.vm.Done():
			L.RaiseError("%s", r.vm.Err())
			return 0
		default:
			L.Push(lua.LTrue)
			return 1
		}
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		L.Push(lua.LTrue)
		return 1
	case <-r.vm.Done():
		L.RaiseError("%s", r.vm.Err())
		return 0
	}
}

// raise raises err as a Lua error. A compile error (which names its
// own file:line) travels as a userdata that Run recovers with its type,
// and that prints as its message; any other error is a message at the
// calling Lua line, as errors from Lua functions are.
func (r *Runtime) raise(err error) int {
	L := r.L
	var ce *source.CompileError
	var cl *source.ErrorList
	if !errors.As(err, &ce) && !errors.As(err, &cl) {
		L.RaiseError("%s", err.Error())
		return 0
	}
	ud := L.NewUserData()
	ud.Value = err
	mt := L.NewTable()
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString(err.Error()))
		return 1
	}))
	L.SetMetatable(ud, mt)
	L.Error(ud, 0)
	return 0
}
