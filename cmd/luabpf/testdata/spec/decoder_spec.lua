-- Test input: src/lua/bpf/spec/decoder_spec.lua of iovisor/bcc at 6d0a964c
-- (https://github.com/iovisor/bcc), the original LuaJIT BPF toolkit's busted spec, unchanged below this header.
-- Copyright The BCC authors; licensed under the Apache License, Version 2.0
-- (http://www.apache.org/licenses/LICENSE-2.0). luabpf's own shim that runs it is
-- busted.lua beside it; cmd/luabpf/spec_kernel_test.go says what each must do.

describe('decoder', function()

	-- Decode simple function
	local bytecode = require('bpf.ljbytecode')
	local f = function (x) return x + 1 end

	it('should decode functions', function()
		-- Make sure it calls LJ decoder
		local bc = bytecode.decoder(f)
		assert.truthy(bc)
		-- Decode bytecode bytecode to instructions
		local jutil = require("jit.util")
		spy.on(jutil, 'funcbc')
		local pc, op = bc()
		-- Check bytecode for sanity (starts with ADDVN(x, 1))
		assert.equal(pc, 1)
		assert.equal(op, 'ADDVN')
		for pc, op in bc do
			assert.truthy(pc and op)
		end
		assert.spy(jutil.funcbc).was.called()
	end)
	it('should fail on bad input', function()
		assert.has_error(function() bytecode.decoder(nil)() end)
		assert.has_error(function() bytecode.decoder(5)() end)
		assert.has_error(function() bytecode.decoder('test')() end)
	end)
	it('should dump bytecode', function()
		bytecode.dump(f)
	end)
end)
