package frontend

import (
	"strings"
	"testing"
)

func TestParseFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "local x = 1\nif x then\n  y = = 2\nend\n", "a.lua:3: syntax error near '='"},
		{"eof", "local x = (\n", "a.lua:1: syntax error at the end of the file"},
		{"imaginary", "local a = 1\nlocal b = 10i\n", "a.lua:2: imaginary numbers like '10i' are not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile("a.lua", tc.src)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got %v, want prefix %q", err, tc.want)
			}
		})
	}
}

func TestShebangKeepsLineNumbers(t *testing.T) {
	f, err := ParseFile("s.lua", "#!/usr/bin/env luabpf\nlocal f = function (skb)\n  return 1\nend\n")
	if err != nil {
		t.Fatal(err)
	}
	fn, name, err := f.FindFunc(2, 4)
	if err != nil || name != "f" || fn.Line() != 2 {
		t.Fatalf("FindFunc(2, 4) = %v %q %v", fn, name, err)
	}
}

func TestFindFuncAmbiguous(t *testing.T) {
	f, err := ParseFile("s.lua", "local a, b = function () end, function () end\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.FindFunc(1, 1); err == nil || !strings.Contains(err.Error(), "more than one function") {
		t.Errorf("got %v", err)
	}
}

func TestResolveLocalsAndFreeNames(t *testing.T) {
	src := `local m = 1
local f = function (skb)
	local x = skb.len
	for i = 1, 2 do x = x + i end
	do local m = 2; x = x + m end
	return x + m + pkt.ip.ttl
end
`
	file, err := ParseFile("r.lua", src)
	if err != nil {
		t.Fatal(err)
	}
	node, name, err := file.FindFunc(2, 7)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := Resolve(file, node, name)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(fn.Free, ","); got != "m,pkt" {
		t.Errorf("free names %q, want m,pkt (the inner m is a local)", got)
	}
	if len(fn.Params) != 1 || fn.Params[0].Name != "skb" {
		t.Errorf("params %v", fn.Params)
	}
}

func TestResolveRejectsWhatKernelCodeCannotHave(t *testing.T) {
	src := `local f = function (skb, ...)
	local g = function () end
	while true do end
	repeat until true
	for k, v in pairs({}) do end
	goto out
	::out::
	up = 1
end
`
	file, err := ParseFile("bad.lua", src)
	if err != nil {
		t.Fatal(err)
	}
	node, name, _ := file.FindFunc(1, 9)
	_, err = Resolve(file, node, name)
	if err == nil {
		t.Fatal("resolved")
	}
	msg := err.Error()
	for _, want := range []string{
		"bad.lua:1: varargs", "bad.lua:2: kernel functions cannot define functions", "bad.lua:3: while loops", "bad.lua:4: repeat loops",
		"bad.lua:5: generic for loops", "bad.lua:6: goto", "bad.lua:8: cannot assign to 'up'",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("errors lack %q:\n%s", want, msg)
		}
	}
}
