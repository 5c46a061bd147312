package ffi

import "testing"

// TestAnonymousRecordsConvert: a struct spelled as a string is a new
// type at each ffi.typeof or ffi.new, and values of one still assign
// to the other when their members are the same; records that differ
// do not.
func TestAnonymousRecordsConvert(t *testing.T) {
	runCases(t, []luaCase{
		{"same members", `local s = 'struct { uint32_t a; uint16_t b; }'
local arr = ffi.new(ffi.typeof('$ [1]', ffi.typeof(s)))
arr[0] = ffi.new(s, 7, 8)
print(arr[0].a, arr[0].b)`, "7 8"},
		{"nested", `local s = 'struct { struct { int x; } in; int y; }'
local v = ffi.new(ffi.typeof(s))
local w = ffi.new(s); w['in'].x = 3; w.y = 4
local arr = ffi.new(ffi.typeof('$ [1]', ffi.typeof(s)))
arr[0] = w
print(arr[0]['in'].x, arr[0].y)`, "3 4"},
	})
	runErrCases(t, []errCase{
		{"other member names", `local a = ffi.new('struct { int a; } [1]'); a[0] = ffi.new('struct { int b; }')`, "cannot convert"},
		{"other member types", `local a = ffi.new('struct { int a; } [1]'); a[0] = ffi.new('struct { unsigned a; }')`, "cannot convert"},
	})
}
