-- Test input: src/lua/bpf/spec/compile_spec.lua of iovisor/bcc at 6d0a964c
-- (https://github.com/iovisor/bcc), the original LuaJIT BPF toolkit's busted spec, unchanged below this header.
-- Copyright The BCC authors; licensed under the Apache License, Version 2.0
-- (http://www.apache.org/licenses/LICENSE-2.0). luabpf's own shim that runs it is
-- busted.lua beside it; cmd/luabpf/spec_kernel_test.go says what each must do.

describe('compile', function()
	local ffi = require('ffi')
	local bpf = require('bpf')

	it('can compile socket filter', function()
		-- Create mock BPF map
		local mock_map = {
			max_entries = 16,
			key_type = ffi.typeof('uint64_t [1]'),
			val_type = ffi.typeof('uint64_t [1]'),
			fd = 1,
			__map = true,
		}
		-- Compile small code example
		local code = bpf(function ()
		   local proto = pkt.ip.proto
		   xadd(mock_map[proto], 1)
		end)
		assert.truthy(code)
		assert.same(type(code), 'table')
		assert.same(code.pc, 15)
	end)
end)
