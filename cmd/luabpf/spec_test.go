package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestBustedShim: the stand-in runs before_each hooks outer first,
// accepts busted's chained spellings, and reports each failure at the
// spec's line with exit status 1.
func TestBustedShim(t *testing.T) {
	dir := t.TempDir()
	shim, err := os.ReadFile(filepath.Join(specDir, "busted.lua"))
	if err != nil {
		t.Fatal(err)
	}
	writeScript(t, dir, "busted.lua", string(shim))
	writeScript(t, dir, "s_spec.lua", `describe('shim', function()
	local n = 0
	before_each(function() n = n + 1 end)
	describe('inner', function()
		local m = 0
		before_each(function() m = n * 10 end)
		it('hooks run outer first', function() assert.are.equal(10, m) end)
	end)
	it('chains', function()
		assert.is.truthy(1); assert.are.same({1, {2}}, {1, {2}}); assert.is_not.equal(1, 2)
		assert.is_nil(nil); assert.is_not_nil(0); assert.are_not.same({1}, {2}); assert(true)
		assert.has_error(function() error('x') end); assert.has_no_error(function() end)
	end)
	it('fails at its line', function() assert.are.equal(1, 2) end)
	it('assert() fails', function() assert(false, 'plain') end)
end)
describe('broken', function() error('at load') end)
`)
	r := execLuabpf(t, dir, "run", "busted.lua", "s_spec.lua")
	want := "FAIL broken: s_spec.lua:17: at load\n" +
		"ok shim / inner / hooks run outer first\n" +
		"ok shim / chains\n" +
		"FAIL shim / fails at its line: s_spec.lua:14: expected 1, got 2\n" +
		"FAIL shim / assert() fails: s_spec.lua:15: plain\n" +
		"2 passed, 3 failed\n"
	if r.stdout != want || r.code != 1 || r.stderr != "" {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s\nwant stdout:\n%s", r.code, r.stdout, r.stderr, want)
	}
}
