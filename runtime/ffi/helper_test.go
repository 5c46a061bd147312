package ffi

import (
	"strings"
	"testing"

	"github.com/luabpf/luabpf/ctype"
	lua "github.com/yuin/gopher-lua"
)

// newState returns a fresh Lua state with ffi and bit opened, and a
// function that returns what the script printed so far.
func newState(t testing.TB) (*lua.LState, *Module, func() string) {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	m := Open(L, ctype.NewRegistry(ctype.AMD64))
	var out []string
	L.SetGlobal("print", L.NewFunction(func(L *lua.LState) int {
		var parts []string
		for i := 1; i <= L.GetTop(); i++ {
			parts = append(parts, L.ToStringMeta(L.Get(i)).String())
		}
		out = append(out, strings.Join(parts, " "))
		return 0
	}))
	return L, m, func() string { return strings.Join(out, "\n") }
}

// luaCase is a Lua snippet and what it prints, one line per print call
// with arguments separated by spaces.
type luaCase struct {
	name, src, want string
}

// runCases runs each snippet in a fresh state with `ffi` required.
func runCases(t *testing.T, cases []luaCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			L, _, out := newState(t)
			if err := L.DoString("local ffi = require('ffi')\n" + tc.src); err != nil || isGoPanic(err) {
				t.Fatalf("error: %v\nprinted:\n%s", err, out())
			}
			if got := out(); got != tc.want {
				t.Errorf("printed:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// errCase is a Lua snippet that must fail with an error containing want.
type errCase struct {
	name, src, want string
}

func runErrCases(t *testing.T, cases []errCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			L, _, _ := newState(t)
			err := L.DoString("local ffi = require('ffi')\n" + tc.src)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if isGoPanic(err) {
				t.Fatalf("Go panic: %v", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err.Error(), tc.want)
			}
		})
	}
}

// isGoPanic reports whether err is a Go panic that gopher-lua recovered,
// which would be a bug in this package rather than a Lua error.
func isGoPanic(err error) bool {
	e, ok := err.(*lua.ApiError)
	return ok && e.Type == lua.ApiErrorPanic
}
