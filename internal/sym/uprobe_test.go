package sym

import (
	"strings"
	"testing"
)

func TestParseUprobe(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"/bin/bash:readline", "file=/bin/bash symbol=readline"},
		{"bash:readline+4", "file=bash symbol=readline offset=4"},
		{"c:malloc+0x10", "file=c symbol=malloc offset=16"},
		{"libc.so.6:malloc", "file=libc.so.6 symbol=malloc"},
		{"/bin/bash:0x1234", "file=/bin/bash address=0x1234"},
		{"/bin/bash:4660", "file=/bin/bash address=0x1234"},
		{"/bin/bash:0x1234+2", "file=/bin/bash address=0x1234 offset=2"},
		{"/usr/local/bin/ktserver:kyotocabinet::StashDB::accept", "file=/usr/local/bin/ktserver symbol=kyotocabinet::StashDB::accept"},
		{"./a.out:main", "file=./a.out symbol=main"},
		{"x:a+b", "error: uprobe target 'x:a+b' has a bad offset '+b'"},
		{"x:+4", "error: uprobe target 'x:+4' has a bad offset '+4'"},
		{"readline", "error: uprobe target 'readline' has no ':' between file and function; write 'file:function', e.g. '/bin/bash:readline', 'c:malloc' or 'bash:readline+4'"},
		{":readline", "error: uprobe target ':readline' names no file before ':'"},
		{"/bin/bash:", "error: uprobe target '/bin/bash:' names no function after ':'"},
		{"/bin/bash:readline+", "error: uprobe target '/bin/bash:readline+' has a bad offset '+'"},
		{"/bin/bash:readline+0x", "error: uprobe target '/bin/bash:readline+0x' has a bad offset '+0x'"},
		{"/bin/bash:readline+99999999999999999999", "error: uprobe target '/bin/bash:readline+99999999999999999999' has a bad offset '+99999999999999999999'"},
		{"/bin/bash:0", "error: uprobe target '/bin/bash:0' gives address 0"},
		{"/bin/bash:0xzz", "error: uprobe target '/bin/bash:0xzz' has a bad address '0xzz'"},
		{"/bin/bash: readline", "error: uprobe target '/bin/bash: readline' contains a space"},
	} {
		got := describeSpec(ParseUprobe(tc.spec))
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("ParseUprobe(%q):\n got %s\nwant %s", tc.spec, got, tc.want)
		}
	}
}

func describeSpec(s UprobeSpec, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	out := "file=" + s.File
	if s.Symbol != "" {
		out += " symbol=" + s.Symbol
	}
	if s.Address != 0 {
		out += " address=0x" + strings.TrimLeft(strings.ToLower(hex(s.Address)), "0")
	}
	if s.Offset != 0 {
		out += " offset=" + itoa(s.Offset)
	}
	return out
}

func hex(v uint64) string {
	const digits = "0123456789abcdef"
	var b [16]byte
	for i := 15; i >= 0; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for ; v > 0; v /= 10 {
		b = append([]byte{byte('0' + v%10)}, b...)
	}
	return string(b)
}

// FuzzUprobeTarget checks that the spec parser never panics, and that what
// it accepts spells back to a spec that parses to the same thing.
func FuzzUprobeTarget(f *testing.F) {
	for _, s := range []string{"/bin/bash:readline", "c:malloc+4", "/bin/bash:0x1234", "a::b::c:x", "x:a+b", "x:+1", "x:0x+"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := ParseUprobe(spec)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "uprobe target '") {
				t.Fatalf("error %q", err)
			}
			return
		}
		if s.File == "" || (s.Symbol == "") == (s.Address == 0) {
			t.Fatalf("ParseUprobe(%q) = %+v", spec, s)
		}
		again, err := ParseUprobe(s.String())
		if err != nil || again != s {
			t.Fatalf("ParseUprobe(%q) = %+v spells %q, which parses to %+v, %v", spec, s, s.String(), again, err)
		}
	})
}

// TestParseUprobeFuzzCases holds inputs the fuzzer found.
func TestParseUprobeFuzzCases(t *testing.T) {
	// Symbols with '+' in them once came back with the offset dropped.
	for _, spec := range []string{"0:A++0", "0:A+0+0"} {
		if s, err := ParseUprobe(spec); err == nil {
			t.Errorf("ParseUprobe(%q) = %+v", spec, s)
		}
	}
}
