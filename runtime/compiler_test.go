package runtime

import "github.com/luabpf/luabpf/compile"

// The package's tests run scripts with luabpf's compiler, as the CLI does.
func init() { defaultCompiler = compile.Compiler{} }
