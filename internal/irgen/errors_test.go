package irgen

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/compile/value"
	"github.com/luabpf/luabpf/internal/frontend"
	"github.com/luabpf/luabpf/internal/source"
	"github.com/luabpf/luabpf/proto"
)

// errorCase is a kernel function with one mistake: its body (and a
// prelude of annotations and userspace lines before it) marks the line
// that must fail with `--! error: "text"`.
type errorCase struct {
	name, prelude, body string
}

// source returns the case as a Lua file: prelude, then the function.
func (tc errorCase) source() string {
	if strings.HasPrefix(tc.body, "local f") {
		return tc.prelude + tc.body
	}
	return tc.prelude + "local f = function (skb)\n" + tc.body + "\nend\n"
}

// inlineChain defines Lua functions f1 to fn, each calling the next, as
// kernel code may call them; the call that nests too deep is marked.
func inlineChain(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "--! func f%d\n", i)
	}
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "local function f%d(x) return f%d(x) end", i, i+1)
		if i == maxInline {
			fmt.Fprintf(&b, ` --! error: "calling 'f%d' nests calls of Lua functions more than %d deep"`, i+1, maxInline)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "local function f%d(x) return x end\n", n)
	return b.String()
}

// userErrors has one case per message irgen reports. Messages that no
// Lua source can reach (the resolver rejects the construct first, or the
// parser never produces the operator) are listed in unreachableErrors.
var userErrors = []errorCase{
	// build.go
	{name: "two_params", body: "local f = function (skb, extra) --! error: \"a kernel function takes one parameter, the program context; 'extra' has no value\"\nreturn 0\nend\n"},
	{name: "too_large", body: "local x = 0\nfor i = 1, 1000 do\nfor j = 1, 1000 do\nx = x + skb.len --! error: \"this function is too large to compile (more than 200000 operations after unrolling loops)\"\nend\nend\nreturn x"},
	{name: "merge_headers", body: "local p = pkt.ip\nif skb.len > 1 then p = pkt.ip6 end\nreturn p.ttl --! error: \"'p' is a pointer into the packet at ip6 on one path and a pointer into the packet at ip on another; give it one meaning before the paths join\""},
	{name: "merge_pkt_number", body: "local p = pkt.ip\nif skb.len > 1 then p = 4 end\nreturn p.ttl --! error: \"'p' is a number on one path and a packet pointer on another; give it one meaning before the paths join\""},
	{name: "merge_map_values", prelude: "--! map a hash uint32_t -> uint32_t 4\n--! map b hash uint32_t -> uint64_t 4\n", body: "local v = a[1]\nif skb.len > 1 then v = b[1] end\nreturn v --! error: \"'v' is a map value (uint64_t) on one path and a map value (uint32_t) on another\""},
	{name: "merge_kinds", body: "local x = skb.len\nif skb.len > 1 then x = ffi.new('uint32_t') end\nreturn x --! error: \"'x' is a stack object (uint32_t) on one path and a number on another; give it one meaning before the paths join\""},
	{name: "merge_constants", body: "local t = 'a'\nif skb.len > 1 then t = 'b' end\nreturn #t --! error: \"'t' is a string with different values on different paths; kernel code needs it fixed at compile time\""},
	// builtins.go
	{name: "unknown_name", body: "return pkg.ip.ttl --! error: \"unknown name 'pkg' (did you mean 'pkt'?): kernel code sees its own locals, the script's upvalues and globals, and luabpf's builtins\""},
	{name: "no_packet", prelude: "--! kind kprobe\n", body: "return pkt.ip.ttl --! error: \"'pkt' reads the packet, which a kprobe cannot do\""},
	{name: "helper_not_allowed", prelude: "--! kind kprobe\n", body: "local b = ffi.new('char [4]')\nreturn load_bytes(0, b) --! error: \"load_bytes is not available in kprobe programs (the kernel does not let them call bpf_skb_load_bytes)\""},
	{name: "no_context", prelude: "--! kind tracepoint\n", body: "local f = function (args) --! error: \"a tracepoint's context is not known here, so 'args' has no value\"\nreturn args.x\nend\n"},
	// mem*.go, index.go
	{name: "pointer_no_size", prelude: "--! kind kprobe\n", body: "local f = function (ptregs)\nlocal p = ffi.cast('void *', ptregs.parm1)\nreturn p[1] --! error: \"'p[...]' points to void, which has no size to index by\"\nend\n"},
	{name: "write_kernel_memory", prelude: "--! kind kprobe\n", body: "local f = function (ptregs)\nlocal p = ffi.cast('uint32_t *', ptregs.parm1)\np[0] = 1 --! error: \"p[...] is kernel memory, which kernel code can read but not write\"\nend\n"},
	{name: "string_of_number", prelude: "--! kind kprobe\n", body: "local f = function (ptregs)\nlocal b = ffi.new('char [8]')\nffi.copy(b, ffi.string(ptregs.parm1)) --! error: \"ffi.string in kernel code takes a pointer to a C string, as in ffi.string(ffi.cast('char *', ptregs.parm1)); this is a number\"\nend\n"},
	{name: "record_common", prelude: "--! tracepoint syscalls/sys_enter_getpid\n", body: "local f = function (arg)\nreturn arg.common_pid --! error: \"a tracepoint cannot read arg.common_pid: the kernel keeps the common_ fields of a record from programs\"\nend\n"},
	{name: "record_unknown", prelude: "--! tracepoint sched/sched_switch\n", body: "local f = function (arg)\nreturn arg.prev_pidd --! error: \"sched/sched_switch has no field 'prev_pidd' (did you mean 'prev_pid'?)\"\nend\n"},
	// call.go
	{name: "method_call", body: "return skb:len() --! error: \"method calls (skb:len) are not supported in kernel functions\""},
	{name: "slice_one_bound", body: "local d = pkt.ip.udp.data\nreturn d(1) --! error: \"a slice takes two bounds, as in d(0, 4)\""},
	{name: "call_number", body: "return skb.len() --! error: \"'skb.len' is a number, not a function kernel code can call\""},
	{name: "call_opaque", prelude: "--! opaque helper a Lua function\n", body: "return helper() --! error: \"'helper' is a Lua function that is not defined in the script's source, which kernel code cannot call\""},
	// inline.go
	{name: "inline_other_file", prelude: "--! funclines h other.lua 1 1\n", body: "return h() --! error: \"'h' is a Lua function of other.lua, not of this script; kernel code can call only functions defined in its own file\""},
	{name: "inline_no_source", prelude: "--! funclines h inline_no_source.lua 40 41\n", body: "return h() --! error: \"cannot find the source of 'h' (lines 40-41) to inline it\""},
	{name: "inline_same_lines", prelude: "--! funclines h inline_same_lines.lua 2 2\nlocal a, b = function () end, function () end\n", body: "return h() --! error: \"'h' cannot be inlined: more than one function is defined on lines 2-2; put it on lines of its own\""},
	{name: "inline_recursion", prelude: "--! func h\nlocal function h(x) return h(x) end --! error: \"'h' calls itself (directly or through other functions)\"\n", body: "return h(1)"},
	{name: "inline_mutual_recursion", prelude: "--! func g\n--! func h\nlocal function g(x) return h(x) end\nlocal function h(x) return g(x) end --! error: \"'g' calls itself\"\n", body: "return g(1)"},
	{name: "inline_depth", prelude: inlineChain(9), body: "return f1(1)"},
	{name: "inline_multiple_returns", prelude: "--! func h\nlocal function h() return 1, 2 end --! error: \"'h' returns 2 values; a Lua function kernel code calls may return one\"\n", body: "return h()"},
	{name: "inline_callee_error", prelude: "--! func h\nlocal function h(x)\n  return x.nope --! error: \"cannot index a number (x.nope)\"\nend\n", body: "return h(skb.len)"},
	{name: "unknown_builtin", prelude: "--! builtin sock bpf.socket\n", body: "return sock() --! error: \"bpf.socket cannot be called from kernel functions\""},
	{name: "probe_read_socket", body: "local b = ffi.new('char [8]')\nprobe_read(b, 0) --! error: \"probe_read is not available in socket filter programs\""},
	{name: "probe_read_dst", prelude: "--! kind kprobe\n", body: "probe_read(5, 0) --! error: \"probe_read copies into stack or map memory; the destination is a number\""},
	{name: "probe_read_type", prelude: "--! kind kprobe\n", body: "local b = ffi.new('char [2]')\nprobe_read(b, 0, 'uint32_t') --! error: \"probe_read's type (uint32_t, 4 bytes) must fit in the destination (2 bytes)\""},
	{name: "load_bytes_len", body: "local b = ffi.new('char [2]')\nload_bytes(0, b, 3) --! error: \"load_bytes's length must be a constant from 1 to 2, the buffer's size\""},
	{name: "builtin_kind", prelude: "--! map stacks stack_trace int32_t -> uint64_t [127] 4\n", body: "return stack_id(stacks, 0) --! error: \"stack_id is not available in socket filter programs (the kernel does not let them call bpf_get_stackid)\""},
	// events.go
	{name: "submit_not_map", body: "local r = ffi.new('uint32_t')\nperf_submit(skb.len, r) --! error: \"the first argument of perf_submit must be a map made by bpf.map; this is a number\""},
	{name: "submit_map_type", prelude: "--! map m hash uint32_t -> uint32_t 4\n", body: "local r = ffi.new('uint32_t')\nperf_submit(m, r) --! error: \"perf_submit cannot use a hash map\""},
	{name: "submit_number", prelude: "--! map events perf_event_array int32_t -> uint32_t 4\n", body: "perf_submit(events, skb.len) --! error: \"perf_submit sends a stack object made with ffi.new; this is a number\""},
	{name: "submit_element", prelude: "--! map events perf_event_array int32_t -> uint32_t 4\n", body: "local r = ffi.new('struct { uint32_t a; } [4]')\ntable.insert(events, r[skb.len % 4]) --! error: \"table.insert needs a whole object, not an element chosen at run time\""},
	// literal.go
	{name: "literal_reserved", body: "return __luabpf_u64(skb.len) --! error: \"__luabpf_u64 is reserved for LuaJIT's 64-bit literals such as 5ULL\""},
	{name: "literal_malformed", body: "return __luabpf_i64('zz') --! error: \"__luabpf_i64 is reserved for LuaJIT's 64-bit literals such as 5ULL\""},
	{name: "arity", body: "return time(1) --! error: \"time takes no arguments\""},
	{name: "xadd_not_map", body: "xadd(skb.len, 1) --! error: \"xadd needs a map value to add to, as in xadd(map[key], 1); this is a number\""},
	{name: "xadd_width", prelude: "--! map m hash uint32_t -> uint16_t 4\n", body: "xadd(m[1], 1) --! error: \"xadd adds to 32- or 64-bit integers; this is uint16_t\""},
	{name: "xadd_misaligned", prelude: "--! cdef struct __attribute__((packed)) pk { uint8_t a; uint32_t n; };\n--! map m hash uint32_t -> struct pk 4\n", body: "xadd(m[1].n, 1) --! error: \"xadd cannot add to a misaligned member (of a packed struct): atomic adds need a 4-byte aligned address; unpack the struct or align the member\""},
	{name: "swap_odd_width", body: "return ntoh(pkt.ip.udp.data(0, 3)) --! error: \"ntoh of a 3-byte value needs its width, as in ntoh(x, 32)\""},
	{name: "swap_width", body: "return ntoh(skb.len, 12) --! error: \"ntoh's width must be 8, 16, 32 or 64\""},
	{name: "bad_ctype", body: "local x = ffi.new('struct nosuch') --! error: \"ffi.new: bad C type \\\"struct nosuch\\\"\""},
	{name: "not_a_ctype", body: "return ffi.sizeof(skb.len) --! error: \"ffi.sizeof needs a C type (a string like 'uint32_t' or ffi.typeof(...)); this is a number\""},
	// compare.go
	{name: "order_string_number", body: "if 'a' < 1 then return 1 end --! error: \"cannot order a string and a number\""},
	{name: "order_nil", body: "if skb.len < nil then return 1 end --! error: \"cannot order nil\""},
	{name: "order_string", body: "if pkt.ip.udp.data(0, 4) < 'abcd' then return 1 end --! error: \"strings can only be compared with == or ~= in kernel functions\""},
	{name: "number_vs_string", body: "if skb.len + 1 == 'ab' then return 1 end --! error: \"cannot compare a number with the string \\\"ab\\\"; compare with a packet slice (data(0, 2)) or a char array\""},
	{name: "string_width", body: "if pkt.ip.udp.data(0, 4) == 'ab' then return 1 end --! error: \"comparing a 4-byte value with the 2-byte string \\\"ab\\\"; they can never be equal\""},
	{name: "ctx_vs_string", body: "if skb == 'x' then return 1 end --! error: \"cannot compare the program context with a string\""},
	// expr.go
	{name: "concat_runtime", body: "local s = 'a' .. skb.len --! error: \"strings cannot be built at run time in kernel functions\""},
	{name: "malformed_number", body: "return 1e999 --! error: \"malformed number \\\"1e999\\\"\""},
	{name: "number_too_wide", body: "return 0x1ffffffffffffffff --! error: \"the number 0x1ffffffffffffffff does not fit in 64 bits\""},
	{name: "number_too_big", body: "return 9223372036854775808 --! error: \"the number 9223372036854775808 is beyond the range of kernel integers (int64_t, up to 9223372036854775807); write a larger 64-bit pattern in hex, as in 0x8000000000000000\""},
	{name: "float_value", prelude: "--! float F 2.5\n", body: "return F --! error: \"the return value is 2.5, not an integer; kernel code has only integers\""},
	{name: "not_a_number", body: "return pkt.ip --! error: \"the return value must be a number, but it is a packet pointer\""},
	{name: "power", body: "return skb.len ^ 2 --! error: \"'^' (power) is not supported in kernel functions; use bit.lshift for powers of two\""},
	{name: "const_arith", body: "return 'a' + 1 --! error: \"cannot apply '+' to a string and a number\""},
	{name: "length", body: "return #skb.len --! error: \"'#' needs a string, a map or an array; this is a number\""},
	// ffi.go
	{name: "vla_count", body: "local b = ffi.new('char [?]') --! error: \"ffi.new('char [?]') needs the element count, as in ffi.new('char [?]', 16)\""},
	{name: "vla_runtime", body: "local b = ffi.new('char [?]', skb.len) --! error: \"the element count of a variable-length array must be a number known at compile time\""},
	{name: "new_void", body: "local b = ffi.new('void') --! error: \"ffi.new cannot allocate void\""},
	{name: "new_too_big", body: "local b = ffi.new('char [600]') --! error: \"char [600] is 600 bytes; the kernel gives a program 512 bytes of stack\""},
	{name: "init_scalar", body: "local b = ffi.new('uint32_t', 1, 2) --! error: \"too many initial values for uint32_t\""},
	{name: "init_array", body: "local b = ffi.new('uint8_t [2]', 1, 2, 3) --! error: \"too many initial values for uint8_t [2]\""},
	{name: "init_struct", body: "local b = ffi.new('struct { int a; }', 1, 2) --! error: \"too many initial values for struct\""},
	{name: "init_union", body: "local b = ffi.new('union { int a; }', 1) --! error: \"cannot initialise union\""},
	{name: "cast_pointer", body: "return ffi.cast('char *', 1) --! error: \"ffi.cast to char * is not supported in socket filter programs; cast numbers to integer types\""},
	{name: "copy_dst", body: "ffi.copy(skb.len, 'a') --! error: \"ffi.copy copies into stack or map memory; the destination is a number\""},
	{name: "copy_len", body: "local b = ffi.new('char [4]')\nffi.copy(b, 'a', 100) --! error: \"ffi.copy's length must be a constant from 0 to 4\""},
	{name: "copy_fit", body: "ffi.copy(ffi.new('char [2]'), 'abc') --! error: \"the string (4 bytes with its NUL) does not fit in the destination (2 bytes)\""},
	{name: "copy_pkt_to_map", prelude: "--! map m hash uint32_t -> char [6] 4\n", body: "ffi.copy(m[1], eth.src) --! error: \"packet bytes can only be copied to stack memory\""},
	{name: "copy_src", body: "local b = ffi.new('char [4]')\nffi.copy(b, skb.len) --! error: \"ffi.copy cannot copy from a number here\""},
	{name: "fill_len", body: "local b = ffi.new('char [4]')\nffi.fill(b, 100) --! error: \"ffi.fill needs a stack object and a constant length that fits it\""},
	{name: "fill_byte", body: "local b = ffi.new('char [4]')\nffi.fill(b, 2, skb.len) --! error: \"ffi.fill's byte must be a constant\""},
	{name: "load_bytes_buf", body: "return load_bytes(0, skb.len) --! error: \"load_bytes copies into a stack buffer made with ffi.new; this is a number\""},
	{name: "comm_buf", body: "return comm(5) --! error: \"comm writes into a stack buffer made with ffi.new('char [16]'); this is a number\""},
	{name: "print_element", body: "local a = ffi.new('char [4][4]')\nprint('%s', a[skb.len % 4]) --! error: \"print cannot take an array element chosen at run time; copy it into a buffer with ffi.copy first\""},
	{name: "print_format", body: "print(skb.len) --! error: \"print's first argument must be a format string known at compile time\""},
	// index.go
	{name: "index_number", body: "local x = skb.len\nreturn x.y --! error: \"cannot index a number (x.y)\""},
	{name: "index_const", prelude: "--! const N 1\n", body: "return N.x --! error: \"cannot index a number (N.x)\""},
	{name: "table_runtime_key", prelude: "--! table T a=1\n", body: "return T[skb.len] --! error: \"'T[...]' indexes a userspace table with a value known only at run time; kernel code can read tables only with constant keys (use a map for run-time lookups)\""},
	{name: "table_missing", body: "return c.ip.proto_ud --! error: \"'c.ip.proto_ud' is nil: the table has no \\\"proto_ud\\\" (did you mean 'proto_udp'?)\""},
	{name: "nil_upvalue", prelude: "--! nil cfg\n", body: "return cfg.x --! error: \"'cfg' is nil, so cfg.x cannot be read; is it assigned before this function is compiled?\""},
	{name: "ctx_array_runtime", body: "return skb.cb[skb.len] --! error: \"'skb.cb[...]' must be indexed with a constant: the kernel only allows fixed offsets into the context\""},
	{name: "ctx_array_range", body: "return skb.cb[5] --! error: \"index 5 is out of range for skb.cb[...] (it has 5 elements)\""},
	{name: "ctx_no_field", body: "return skb.lenn --! error: \"struct __sk_buff has no field 'lenn' (did you mean 'len'?)\""},
	{name: "ctx_unreadable", body: "return skb.tc_classid --! error: \"a socket filter cannot read skb.tc_classid (the kernel rejects it)\""},
	{name: "no_member", body: "local s = ffi.new('struct { int a; }')\nreturn s.b --! error: \"struct { int a; } has no member 'b' (did you mean 'a'?)\""},
	{name: "pointer_deref", prelude: "--! map m hash uint32_t -> uint32_t * 4\n", body: "return m[1].x --! error: \"'m[...].x' holds a pointer; dereferencing pointers stored in memory is not supported in kernel functions\""},
	{name: "index_scalar", prelude: "--! map m hash uint32_t -> uint32_t 4\n", body: "return m[1].x --! error: \"cannot index 'm[...].x', which is uint32_t\""},
	{name: "two_runtime_indices", body: "local a = ffi.new('uint8_t [4][4]')\nreturn a[skb.len][skb.mark] --! error: \"'a[...][...]' has two indices known only at run time; kernel code can check one per access: copy the inner array out first, or index it with a constant\""},
	{name: "element_range", body: "local a = ffi.new('uint8_t [4]')\nreturn a[4] --! error: \"index 4 is out of range for a[...] (uint8_t [4])\""},
	// maps.go
	{name: "key_size", prelude: "--! map m hash struct { uint32_t a; uint32_t b; } -> uint32_t 4\n", body: "return m[ffi.new('char [2]')] --! error: \"the map key is struct { uint32_t a; uint32_t b; } (8 bytes), but this is char [2] (2 bytes)\""},
	{name: "value_struct_for_scalar", prelude: "--! map m hash uint32_t -> uint64_t 4\n", body: "local v = ffi.new('struct { uint32_t a; uint32_t b; }')\nm[1] = v --! error: \"the map value is uint64_t (8 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)\""},
	{name: "key_struct_for_scalar", prelude: "--! map m hash uint64_t -> uint64_t 4\n", body: "local k = ffi.new('struct { uint32_t a; uint32_t b; }')\nreturn m[k] --! error: \"the map key is uint64_t (8 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)\""},
	{name: "key_struct_for_narrow", prelude: "--! map m hash uint32_t -> uint32_t 4\n", body: "local k = ffi.new('struct { uint32_t a; uint32_t b; }')\nm[k] = 1 --! error: \"the map key is uint32_t (4 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)\""},
	{name: "key_array_for_scalar", prelude: "--! map m hash uint64_t -> uint64_t 4\n", body: "local k = ffi.new('uint8_t [8]')\nm[k] = nil --! error: \"the map key is uint64_t (8 bytes), but this is uint8_t [8] (8 bytes)\""},
	{name: "key_scalar_for_struct", prelude: "--! map m hash struct { uint32_t a; uint32_t b; } -> uint32_t 4\n", body: "local k = ffi.new('uint64_t')\nreturn m[k] --! error: \"the map key is struct { uint32_t a; uint32_t b; } (8 bytes), but this is uint64_t (8 bytes)\""},
	{name: "value_map_struct_for_scalar", prelude: "--! map a hash uint32_t -> struct { uint32_t a; uint32_t b; } 4\n--! map m hash uint32_t -> uint64_t 4\n", body: "local v = a[1]\nif v then m[1] = v end --! error: \"the map value is uint64_t (8 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)\""},
	{name: "value_map_struct_other", prelude: "--! map a hash uint32_t -> struct { uint32_t a; uint32_t b; } 4\n--! map m hash uint32_t -> struct { uint32_t x; uint32_t y; } 4\n", body: "m[1] = a[1] --! error: \"the map value is struct { uint32_t x; uint32_t y; } (8 bytes), but this is struct { uint32_t a; uint32_t b; } (8 bytes)\""},
	{name: "value_map_struct_other_size", prelude: "--! map a hash uint32_t -> struct { uint32_t a; } 4\n--! map m hash uint32_t -> struct { uint32_t a; uint32_t b; } 4\n", body: "local v = a[1]\nm[1] = v --! error: \"the map value is struct { uint32_t a; uint32_t b; } (8 bytes), but this is struct { uint32_t a; } (4 bytes)\""},
	{name: "value_map_member_other", prelude: "--! map a hash uint32_t -> struct { uint32_t n; uint8_t c[8]; } 4\n--! map m hash uint32_t -> struct { uint32_t a; uint32_t b; } 4\n", body: "m[1] = a[1].c --! error: \"the map value is struct { uint32_t a; uint32_t b; } (8 bytes), but this is uint8_t [8] (8 bytes)\""},
	{name: "key_map_struct_other", prelude: "--! map a hash uint32_t -> struct { uint16_t a; uint16_t b; } 4\n--! map m hash struct { uint32_t k; } -> uint32_t 4\n", body: "return m[a[1]] --! error: \"the map key is struct { uint32_t k; } (4 bytes), but this is struct { uint16_t a; uint16_t b; } (4 bytes)\""},
	{name: "value_packet_header", prelude: "--! map m hash uint32_t -> struct { uint32_t a; uint32_t b; } 4\n", body: "m[1] = pkt.ip --! error: \"the map value is struct { uint32_t a; uint32_t b; } (8 bytes), but this is the packet header pkt.ip (20 bytes); copy it into an ffi.new('struct { uint32_t a; uint32_t b; }') object with ffi.copy first\""},
	{name: "value_packet_array", prelude: "--! map m hash uint32_t -> uint8_t [6] 4\n", body: "m[1] = pkt.dst --! error: \"the map value is uint8_t [6] (6 bytes), but this is the packet field pkt.dst (6 bytes)\""},
	{name: "key_number", prelude: "--! map m hash struct { uint32_t a; uint32_t b; } -> uint32_t 4\n", body: "return m[5] --! error: \"the map key is struct { uint32_t a; uint32_t b; }; build it with ffi.new('struct { uint32_t a; uint32_t b; }') and pass that\""},
	{name: "perf_index", prelude: "--! map events perf_event_array int32_t -> uint32_t 4\n", body: "events[0] = 1 --! error: \"a perf_event_array map cannot be written by index in kernel code; send records with perf_submit(map, record)\""},
	{name: "stack_index", prelude: "--! map stacks stack_trace int32_t -> uint64_t [127] 4\n", body: "return stacks[1] --! error: \"a stack_trace map cannot be read by index in kernel code; record stacks with stack_id(map, flags) and read them in userspace\""},
	// packet.go
	{name: "header_bytes", body: "return pkt.ip[0] --! error: \"'pkt.ip[...]' is the ip header; index bytes through a byte pointer such as pkt.ip.data[i], or read a field by name\""},
	{name: "header_field", body: "return pkt.ip.prot --! error: \"pkt.ip has no field or next header 'prot' (did you mean 'proto'?)\""},
	{name: "header_field_far", body: "return pkt.ip.tcp.flags --! error: \"pkt.ip.tcp has no field or next header 'flags' (it has ack_num, cksum, data, dst_port, flag_ack, flag_cwr, flag_ece, flag_fin, flag_psh, flag_rst, flag_syn, flag_urg, offset, rcv_wnd, reserved, seq_num, src_port, urg_ptr)\""},
	{name: "slice_header", body: "return pkt.ip(0, 2) --! error: \"slices need a byte pointer such as pkt.ip.data; pkt.ip is the ip header\""},
	{name: "slice_runtime", body: "return pkt.ip.udp.data(0, skb.len) --! error: \"slice bounds must be numbers known at compile time, as in data(0, 4)\""},
	{name: "slice_size", body: "return pkt.ip.udp.data(0, 9) --! error: \"a slice reads 1 to 8 bytes; data(0, 9) is 9\""},
	{name: "add_positions", body: "local d = pkt.ip.udp.data\nreturn d + d --! error: \"two packet positions can only be subtracted\""},
	{name: "number_minus_position", body: "return 5 - pkt.ip.udp.data --! error: \"cannot compute a number - a packet position\""},
	{name: "position_times", body: "return pkt.ip.udp.data * 2 --! error: \"packet positions only support + and -, not '*'\""},
	// stmt.go
	{name: "step_zero", body: "for i = 1, 2, 0 do end --! error: \"a for loop step of 0 never ends\""},
	{name: "loop_too_long", body: "for i = 1, 2000 do end --! error: \"this loop runs 2000 times; kernel loops are unrolled and at most 1024 iterations are supported\""},
	{name: "loop_runtime", body: "for i = 1, skb.len do end --! error: \"the loop limit must be a number known at compile time (kernel loops are unrolled); this one is a number\""},
	{name: "return_two", body: "return 1, 2 --! error: \"kernel functions return one number; return a single value\""},
	// store.go
	{name: "store_table", body: "c.ip.x = 1 --! error: \"kernel code cannot change the userspace table 'c.ip.x'; use a map to share data\""},
	{name: "store_const", prelude: "--! const N 1\n", body: "N.x = 1 --! error: \"cannot assign to a field of a number (N.x)\""},
	{name: "store_packet", body: "pkt.ip.ttl = 1 --! error: \"a socket filter cannot write to the packet (pkt.ip.ttl)\""},
	// pkt_*.go
	{name: "xdp_before_start", prelude: "--! kind XDP\n", body: "local d = skb.data - 4\nreturn d[0] --! error: \"this reaches 4 bytes before the start of the packet\""},
	{name: "xdp_too_far", prelude: "--! kind XDP\n", body: "return skb.data[70000] --! error: \"this reaches 70001 bytes into the packet; packet programs reach at most 65535\""},
	{name: "xdp_store_mixed", prelude: "--! kind XDP\n", body: "local d = pkt.ip.udp.data\nif skb.ingress_ifindex > 1 then d = pkt.ip.tcp.data end\nd[0] = 1 --! error: \"'d' points into different headers on different paths, so the checksums to keep right are not known; assign on each path\""},
	{name: "xdp_store_header", prelude: "--! kind XDP\n", body: "pkt.ip.udp = 1 --! error: \"pkt.ip.udp is a header; assign to its fields, as in pkt.ip.udp.src_port\""},
	{name: "xdp_store_gre_c", prelude: "--! kind XDP\n", body: "pkt.ip.gre.c = 1 --! error: \"pkt.ip.gre.c says whether the gre checksum is there, so writing it would make other bytes the checksum or stop it being one; it cannot be assigned\""},
	{name: "xdp_store_ip_data", prelude: "--! kind XDP\n", body: "pkt.ip.data[3] = 1 --! error: \"'pkt.ip.data' is the payload of the ip header: which transport checksum covers it (TCP, UDP, ICMP) depends on ip.proto at run time, so it cannot be assigned; assign through the transport header, as in pkt.ip.udp.data[i] after testing ip.proto\""},
	{name: "tc_store_ip6_opt_data", prelude: "--! kind TC\n", body: "local d = pkt.ip6.ip6_opt.data + 2\nd[0] = 1 --! error: \"'d' is the payload of the ip6_opt header: which transport checksum covers it (TCP, UDP, ICMP) depends on ip6_opt.next_header at run time, so it cannot be assigned; assign through the transport header, as in pkt.ip.udp.data[i] after testing ip6_opt.next_header\""},
	{name: "xdp_store_index", prelude: "--! kind XDP\n", body: "pkt.ip[0] = 1 --! error: \"'pkt.ip' is the ip header; assign to a field by name, or to bytes through pkt.ip.data[i]\""},
	{name: "xdp_store_array", prelude: "--! kind XDP\n", body: "pkt.dst = pkt.ip.udp.data --! error: \"cannot assign pkt.ip.udp.data to 'pkt.dst' (6 bytes): assign a header array of the same size, a number or a string\""},
	{name: "xdp_store_string", prelude: "--! kind XDP\n", body: "pkt.dst = 'abcdefgh' --! error: \"the string (8 bytes) does not fit in 'pkt.dst' (6 bytes)\""},
	{name: "xdp_store_unknown", prelude: "--! kind XDP\n", body: "pkt.ip.ttk = 1 --! error: \"pkt.ip has no field 'ttk' (did you mean 'ttl'?)\""},
	{name: "tc_xdp_helper", prelude: "--! kind TC\n", body: "adjust_head(4) --! error: \"adjust_head is not available in TC programs (the kernel does not let them call bpf_xdp_adjust_head); it works in XDP programs\""},
	{name: "xdp_skb_helper", prelude: "--! kind XDP\n", body: "local b = ffi.new('char [4]')\nreturn load_bytes(0, b) --! error: \"load_bytes is not available in XDP programs (the kernel does not let them call bpf_skb_load_bytes); it works in socket filter and TC programs\""},
	{name: "xdp_redirect_map", prelude: "--! kind XDP\n--! map counts array uint32_t -> uint32_t 4\n", body: "return redirect_map(counts, 0) --! error: \"redirect_map cannot use a array map\""},
	{name: "devmap_index", prelude: "--! kind XDP\n--! map ports devmap uint32_t -> uint32_t 4\n", body: "return ports[0] --! error: \"a devmap map cannot be read by index in kernel code; send packets to its entries with redirect_map(map, key)\""},
	{name: "xdp_ctx_readonly", prelude: "--! kind XDP\n", body: "return skb.egress_ifindex --! error: \"an XDP program cannot read skb.egress_ifindex (the kernel rejects it)\""},
	{name: "tc_ctx_write", prelude: "--! kind TC\n", body: "skb.len = 1 --! error: \"a TC program cannot write skb.len; it may write only mark, queue_mapping, priority, tc_index, cb[0..4], tc_classid, tstamp\""},
	{name: "store_number", body: "local x = skb.len\nx.y = 1 --! error: \"cannot assign to a number (x.y)\""},
	{name: "store_ctx_index", body: "skb.cb[9] = 1 --! error: \"'skb.cb[...]' needs a constant index from 0 to 4\""},
	{name: "store_ctx_field", body: "skb.marks = 1 --! error: \"struct __sk_buff has no field 'marks' (did you mean 'mark'?)\""},
	{name: "store_ctx_array", body: "skb.cb = 1 --! error: \"assign to an element of skb.cb, as in skb.cb[0] = x\""},
	{name: "store_ctx_readonly", body: "skb.len = 1 --! error: \"a socket filter cannot write skb.len; it may write only cb[0..4]\""},
	{name: "store_no_member", body: "local s = ffi.new('struct { int a; }')\ns.b = 1 --! error: \"struct { int a; } has no member 'b' (did you mean 'a'?)\""},
	{name: "store_into_scalar", body: "local w = ffi.new('uint32_t')\nw.x = 1 --! error: \"cannot assign into 'w.x', which is uint32_t\""},
	{name: "store_struct_other", prelude: "--! map a hash uint32_t -> struct { uint32_t x; uint32_t y; } 4\n", body: "local s = ffi.new('struct { uint32_t n; struct { uint32_t a; uint32_t b; } p; }')\ns.p = a[1] --! error: \"cannot assign a map value (struct { uint32_t x; uint32_t y; }) to 's.p' (struct { uint32_t a; uint32_t b; })\""},
	{name: "store_array_for_struct", body: "local s = ffi.new('struct { uint32_t n; struct { uint32_t a; uint32_t b; } p; }')\nlocal b = ffi.new('uint8_t [8]')\ns.p = b --! error: \"cannot assign a stack object (uint8_t [8]) to 's.p' (struct { uint32_t a; uint32_t b; })\""},
	{name: "store_mismatch", body: "local s = ffi.new('struct { char n[4]; }')\ns.n = skb.len --! error: \"cannot assign a number to 's.n' (char [4])\""},
	{name: "store_string_fit", body: "local s = ffi.new('struct { char n[4]; }')\ns.n = 'abcdef' --! error: \"the string (6 bytes) does not fit in 's.n' (4 bytes)\""},
}

// unreachableErrors are irgen messages no Lua source reaches: they stay
// as checks against compiler bugs.
var unreachableErrors = []string{
	"cannot read the bytes %s points to",                   // every pointer points to memory a helper copies
	"%s is read-only to kernel code",                       // stores are refused before they reach a read-only memory
	"unknown comparison",                                   // the parser produces only Lua's six relational operators
	"unknown operator",                                     // and only + - * / % ^
	"this statement is not supported in kernel functions",  // the resolver rejects it first
	"this expression is not supported in kernel functions", // likewise (closures, varargs, tables)
	"cannot assign to this expression",                     // Lua assigns only to names and fields
	"cannot read bytes from",                               // string compares reach it only with memory
	"%s is %d bytes; assign to its bytes one at a time",    // no header has an array field over 8 bytes
	"%s is not supported yet in kernel functions",          // every builtin in the table has a lowering
}

// TestBuiltinsCovered checks that every builtin in the table is called
// by a golden case, or, when it is not supported yet or no program kind
// may call its helpers, by an error case.
func TestBuiltinsCovered(t *testing.T) {
	paths, _ := filepath.Glob("testdata/*.lua")
	var golden strings.Builder
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		golden.Write(b)
	}
	var errs strings.Builder
	for _, tc := range userErrors {
		errs.WriteString(tc.body)
	}
	// The front end writes LuaJIT's 64-bit literals as calls of these.
	spelled := map[string]string{value.U64Func: "ULL", value.I64Func: "LL"}
	for _, b := range builtinTable {
		call := b.name + "("
		if s, ok := spelled[b.name]; ok {
			call = s
		}
		usable := b.lower != nil
		for _, fn := range b.helpers {
			h := proto.HelperOf(fn)
			usable = usable && h != nil && h.Kinds&proto.AllKinds != 0
		}
		switch {
		case usable && !strings.Contains(golden.String(), call):
			t.Errorf("no golden case calls %s", b.name)
		case !usable && !strings.Contains(errs.String(), call):
			t.Errorf("no error case calls %s, which no program can use yet", b.name)
		}
	}
}

func TestUserErrors(t *testing.T) {
	seen := map[string]bool{}
	var got []string // every message the cases produced
	for _, tc := range userErrors {
		if seen[tc.name] {
			t.Fatalf("two cases are called %s", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			c := parseCase(t, tc.name, tc.source())
			if len(c.errs) != 1 {
				t.Fatalf("case has %d error annotations, want 1", len(c.errs))
			}
			_, _, err := c.build(t)
			checkErrors(t, c, err)
			if err != nil {
				got = append(got, err.Error())
			}
		})
	}
	// Every message the package can report has a case that reports it.
	for _, format := range errorFormats(t) {
		re := formatRegexp(format)
		matched := false
		for _, msg := range got {
			matched = matched || re.MatchString(msg)
		}
		unreachable := false
		for _, u := range unreachableErrors {
			unreachable = unreachable || strings.HasPrefix(format, u)
		}
		switch {
		case !matched && !unreachable:
			t.Errorf("no case reports %q; add one to userErrors", format)
		case matched && unreachable:
			t.Errorf("%q is listed as unreachable, but a case reports it", format)
		}
	}
}

// errorFormats returns the format strings of the package's errorf and
// fatalf calls.
func errorFormats(t *testing.T) []string {
	t.Helper()
	paths, _ := filepath.Glob("*.go")
	var out []string
	fset := token.NewFileSet()
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "errorf" && sel.Sel.Name != "fatalf") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: %s's format is not a literal", fset.Position(call.Pos()), sel.Sel.Name)
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
			return true
		})
	}
	if len(out) < 50 {
		t.Fatalf("found only %d error formats", len(out))
	}
	return out
}

// formatRegexp matches what a format string prints, its verbs matching
// anything.
func formatRegexp(format string) *regexp.Regexp {
	var b strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			i++
			if format[i] == '%' {
				b.WriteString("%")
			} else {
				b.WriteString(".*")
			}
			continue
		}
		b.WriteString(regexp.QuoteMeta(format[i : i+1]))
	}
	return regexp.MustCompile(b.String())
}

// TestErrorsCapped checks that a function with more mistakes than
// source.MaxErrors reports the first ones and counts the rest.
func TestErrorsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString("local f = function (skb)\n")
	for i := range source.MaxErrors + 3 {
		fmt.Fprintf(&b, "\tlocal x%d = skb.nope%d\n", i, i)
	}
	b.WriteString("end\n")
	_, _, err := parseCase(t, "capped", b.String()).build(t)
	var list *source.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("error %v (%T), want an error list", err, err)
	}
	if len(list.Errs) != source.MaxErrors || list.Dropped != 3 {
		t.Fatalf("kept %d errors and dropped %d, want %d and 3", len(list.Errs), list.Dropped, source.MaxErrors)
	}
	for i, e := range list.Errs {
		if want := fmt.Sprintf("capped.lua:%d: struct __sk_buff has no field 'nope%d'", i+2, i); e.Error() != want {
			t.Errorf("error %d: %q, want %q", i, e, want)
		}
	}
	if msg := err.Error(); !strings.HasSuffix(msg, "\n(and 3 more errors)") || strings.Count(msg, "\n") != source.MaxErrors {
		t.Errorf("message does not list %d errors and then the count of the rest:\n%s", source.MaxErrors, msg)
	}
}

// panicEnv panics when the upvalue "boom" is looked up, standing in for
// a compiler bug met while lowering.
type panicEnv struct{ *testEnv }

func (e panicEnv) Upvalue(n string) (Value, bool) {
	if n == "boom" {
		panic("lookup failed")
	}
	return e.testEnv.Upvalue(n)
}

// TestPanicAfterUserError checks that a Go panic after a user error was
// recorded returns the user's errors, and one before is an internal
// error that names the line.
func TestPanicAfterUserError(t *testing.T) {
	lower := func(t *testing.T, src string, debug bool) error {
		c := parseCase(t, "p", src)
		file, err := frontend.ParseFile("p.lua", src)
		if err != nil {
			t.Fatal(err)
		}
		fns, names := file.Funcs()
		fn, err := frontend.Resolve(file, fns[0], names[0])
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = Build(fn, &Options{Kind: c.kind, Env: panicEnv{c.env}, Debug: debug})
		return err
	}
	after := "local f = function (skb)\n\tlocal a = skb.nope\n\treturn boom\nend\n"
	for _, debug := range []bool{false, true} {
		err := lower(t, after, debug)
		var ce *source.CompileError
		if !errors.As(err, &ce) || ce.Error() != "p.lua:2: struct __sk_buff has no field 'nope'" {
			t.Errorf("debug %v: error %v, want the user error at line 2", debug, err)
		}
	}
	before := "local f = function (skb)\n\treturn boom\nend\n"
	err := lower(t, before, false)
	if err == nil || !strings.HasPrefix(err.Error(), "p.lua:2: internal compiler error: lookup failed") {
		t.Errorf("error %v, want an internal compiler error at line 2", err)
	}
}
