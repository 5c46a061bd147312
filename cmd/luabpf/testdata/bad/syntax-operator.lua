-- An operator without its second operand.
local x = 1
print(x +) --! error: "syntax error near ')'"
