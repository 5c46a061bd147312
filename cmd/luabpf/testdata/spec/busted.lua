-- A small stand-in for the busted test runner, enough to run the
-- original toolkit's spec files under `luabpf run`:
--
--   luabpf run busted.lua [--helper FILE] SPEC.lua...
--
-- describe blocks run as they are met and collect their `it` blocks;
-- once every file has been read, each `it` runs in order under pcall.
-- One line per `it`: "ok PATH" or "FAIL PATH: message", where PATH is
-- the describe and it names joined by " / ". A describe block that
-- raises an error (a require that fails, say) counts as one failure.
-- The last line is "N passed, M failed"; the exit status is 1 when any
-- failed. Only what such specs use is here: describe, it, pending,
-- before_each, after_each, assert (callable, and truthy, falsy, same,
-- equal, has_error, has_no_error, is_true, is_false, is_nil,
-- is_not_nil, spy, also as assert.is.X, assert.are.X and negated as
-- assert.is_not.X, assert.are_not.X) and spy.on.

local tests = {}   -- {path = ..., fn = ..., before = ..., after = ...} in the order declared
local failures = {}
local context = {}
local hooks = {}   -- per describe level: {before = {...}, after = {...}}

local function path_of(name)
	local parts = {}
	for _, c in ipairs(context) do parts[#parts + 1] = c end
	parts[#parts + 1] = name
	return table.concat(parts, ' / ')
end

function describe(name, fn)
	context[#context + 1] = name
	hooks[#context] = { before = {}, after = {} }
	local ok, err = pcall(fn)
	if not ok then
		failures[#failures + 1] = { path = table.concat(context, ' / '), err = tostring(err) }
	end
	hooks[#context] = nil
	context[#context] = nil
end

function before_each(fn) table.insert(hooks[#context].before, fn) end
function after_each(fn) table.insert(hooks[#context].after, fn) end

function it(name, fn)
	-- The hooks of the enclosing describes, outermost first for before
	-- and innermost first for after, as busted runs them.
	local before, after = {}, {}
	for i = 1, #context do
		for _, h in ipairs(hooks[i].before) do before[#before + 1] = h end
		for _, h in ipairs(hooks[i].after) do table.insert(after, 1, h) end
	end
	tests[#tests + 1] = {
		path = path_of(name),
		fn = function()
			for _, h in ipairs(before) do h() end
			local ok, err = pcall(fn)
			for _, h in ipairs(after) do h() end
			if not ok then error(err, 0) end
		end,
	}
end

function pending(name)
	tests[#tests + 1] = { path = path_of(name), pending = true }
end

-- show spells a value for a failure message; tables one level deep.
local function show(v)
	if type(v) == 'string' then return string.format('%q', v) end
	if type(v) ~= 'table' then return tostring(v) end
	local parts = {}
	for k, x in pairs(v) do parts[#parts + 1] = tostring(k) .. '=' .. tostring(x) end
	table.sort(parts)
	return '{' .. table.concat(parts, ', ') .. '}'
end

local function deep_equal(a, b)
	if a == b then return true end
	if type(a) ~= 'table' or type(b) ~= 'table' then return false end
	for k, v in pairs(a) do
		if not deep_equal(v, b[k]) then return false end
	end
	for k in pairs(b) do
		if a[k] == nil then return false end
	end
	return true
end

local function fail(msg, extra)
	if extra then msg = extra .. ': ' .. msg end
	error(msg, 3)
end

local checks = {}

function checks.truthy(v, msg)
	if not v then fail('expected a true value, got ' .. show(v), msg) end
end

function checks.falsy(v, msg)
	if v then fail('expected a false value, got ' .. show(v), msg) end
end

function checks.is_true(v, msg)
	if v ~= true then fail('expected true, got ' .. show(v), msg) end
end

function checks.is_false(v, msg)
	if v ~= false then fail('expected false, got ' .. show(v), msg) end
end

-- busted's same and equal take the expected value first.
function checks.same(want, got, msg)
	if not deep_equal(want, got) then
		fail('expected the same as ' .. show(want) .. ', got ' .. show(got), msg)
	end
end

function checks.equal(want, got, msg)
	if want ~= got then
		fail('expected ' .. show(want) .. ', got ' .. show(got), msg)
	end
end

function checks.is_nil(v, msg)
	if v ~= nil then fail('expected nil, got ' .. show(v), msg) end
end

function checks.is_not_nil(v, msg)
	if v == nil then fail('expected a value, got nil', msg) end
end

function checks.has_error(fn, msg)
	if pcall(fn) then fail('expected an error, the function returned', msg) end
end

function checks.has_no_error(fn, msg)
	local ok, err = pcall(fn)
	if not ok then fail('expected no error, got ' .. tostring(err), msg) end
end

-- spies: spy.on(t, name) replaces t[name] with a function that counts
-- its calls and calls the original.
local spies = setmetatable({}, { __mode = 'k' })
spy = {}

function spy.on(t, name)
	local orig = t[name]
	local s = { calls = 0 }
	local wrapper = function(...)
		s.calls = s.calls + 1
		return orig(...)
	end
	spies[wrapper] = s
	t[name] = wrapper
	return wrapper
end

function checks.spy(f)
	local s = spies[f]
	if not s then fail('not a spy: ' .. show(f)) end
	local called = function(n)
		if n == nil and s.calls == 0 then fail('expected the spy to be called') end
		if n ~= nil and s.calls ~= n then
			fail(string.format('expected the spy to be called %d times, it was %d', n, s.calls))
		end
	end
	return { was = { called = called }, was_called = called }
end

-- The negations, for assert.is_not.X and assert.are_not.X.
local negated = {}
for name, check in pairs(checks) do
	if name ~= 'spy' then
		negated[name] = function(...)
			if pcall(check, ...) then fail('expected ' .. name .. ' not to hold') end
		end
	end
end
checks.is, checks.are = checks, checks
checks.is_not, checks.are_not = negated, negated

assert = setmetatable(checks, {
	__call = function(_, v, msg, ...)
		if not v then error(msg or 'assertion failed!', 2) end
		return v, msg, ...
	end,
})

-- Read the arguments: --helper FILE runs FILE first, as busted's
-- --helper does; every other argument is a spec file.
local files, i = {}, 1
while arg[i] do
	if arg[i] == '--helper' then
		dofile(arg[i + 1])
		i = i + 2
	else
		files[#files + 1] = arg[i]
		i = i + 1
	end
end

for _, f in ipairs(files) do
	local chunk, err = loadfile(f)
	if not chunk then
		failures[#failures + 1] = { path = f, err = tostring(err) }
	else
		local ok, err = pcall(chunk)
		if not ok then failures[#failures + 1] = { path = f, err = tostring(err) } end
	end
end

local passed = 0
for _, f in ipairs(failures) do
	print('FAIL ' .. f.path .. ': ' .. f.err)
end
for _, t in ipairs(tests) do
	if t.pending then
		print('pending ' .. t.path)
	else
		local ok, err = pcall(t.fn)
		if ok then
			passed = passed + 1
			print('ok ' .. t.path)
		else
			failures[#failures + 1] = { path = t.path, err = tostring(err) }
			print('FAIL ' .. t.path .. ': ' .. tostring(err))
		end
	end
end
print(string.format('%d passed, %d failed', passed, #failures))
if #failures > 0 then os.exit(1) end
