package difftest

import (
	"errors"
	"fmt"

	"github.com/cilium/ebpf"
	"github.com/luabpf/luabpf/compile"
	"github.com/luabpf/luabpf/internal/kerneltest"
)

// stageError is a program that did not run: the compiler refused it
// ("compile"), the verifier did ("load"), or the test run failed.
type stageError struct {
	stage string
	err   error
}

func (e *stageError) Error() string { return e.stage + ": " + e.err.Error() }

func stageOf(err error) string {
	var se *stageError
	if errors.As(err, &se) {
		return se.stage
	}
	return ""
}

// compileOptions are the maps and types every generated program may use.
func compileOptions(noOpt bool) *compile.Options {
	maps := map[string]compile.MapSpec{}
	for _, m := range Maps {
		typ := "array"
		if m.Hash {
			typ = "hash"
		}
		maps[m.Name] = compile.MapSpec{Type: typ, KeyType: m.KeyType(), ValueType: m.ValueType(), MaxEntries: m.MaxEntries}
	}
	return &compile.Options{Function: "difftest", Maps: maps, CDef: CDef(), NoOptimize: noOpt}
}

// runKernel compiles src as a socket filter (without the optional
// passes when noOpt), runs it once on frame with BPF_PROG_TEST_RUN and
// reads back its maps.
func runKernel(src string, frame []byte, noOpt bool) (*Result, error) {
	prog, err := compile.Source("difftest.lua", src, compileOptions(noOpt))
	if err != nil {
		return nil, &stageError{"compile", err}
	}
	spec, err := prog.CollectionSpec()
	if err != nil {
		return nil, &stageError{"compile", err}
	}
	coll, err := ebpf.NewCollection(spec)
	if err != nil {
		return nil, &stageError{"load", fmt.Errorf("%w\n%s", err, prog.Dump())}
	}
	defer coll.Close()
	ret, err := coll.Programs[prog.Spec.Name].Run(&ebpf.RunOptions{Data: kerneltest.SocketFilterData(frame)})
	if err != nil {
		return nil, &stageError{"run", err}
	}
	res := &Result{Ret: ret, H: map[int64]int32{}, S: map[[8]byte][16]byte{}}
	if m := coll.Maps[MapA.Name]; m != nil {
		for i := range res.A {
			if err := m.Lookup(uint32(i), &res.A[i]); err != nil {
				return nil, &stageError{"run", err}
			}
		}
	}
	if m := coll.Maps[MapOut.Name]; m != nil {
		for i := range res.Out {
			if err := m.Lookup(uint32(i), &res.Out[i]); err != nil {
				return nil, &stageError{"run", err}
			}
		}
	}
	if m := coll.Maps[MapH.Name]; m != nil {
		var k int64
		var v int32
		it := m.Iterate()
		for it.Next(&k, &v) {
			res.H[k] = v
		}
		if err := it.Err(); err != nil {
			return nil, &stageError{"run", err}
		}
	}
	if m := coll.Maps[MapS.Name]; m != nil {
		var k [8]byte
		var v [16]byte
		it := m.Iterate()
		for it.Next(&k, &v) {
			res.S[k] = v
		}
		if err := it.Err(); err != nil {
			return nil, &stageError{"run", err}
		}
	}
	return res, nil
}
