-- LuaJIT's 64-bit suffixes take integers only.
local x = 1.5LL --! error: "malformed number '1.5LL': a 64-bit literal is a decimal or 0x hex integer"
