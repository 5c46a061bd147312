package source

import (
	"errors"
	"strings"
	"testing"
)

func TestCompileErrorFormat(t *testing.T) {
	f := NewFile("sock.lua", "local x = 1\n  if pkt.ip.proot == 1 then\n")
	e := Errorf(f, 2, "unknown field 'proot' in pkt.ip (did you mean 'proto'?)")
	if got, want := e.Error(), "sock.lua:2: unknown field 'proot' in pkt.ip (did you mean 'proto'?)"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	want := "sock.lua:2: unknown field 'proot' in pkt.ip (did you mean 'proto'?)\n    if pkt.ip.proot == 1 then"
	if got := e.Detail(); got != want {
		t.Errorf("Detail() = %q, want %q", got, want)
	}
}

func TestErrorListCapsAndUnwraps(t *testing.T) {
	f := NewFile("a.lua", "x\n")
	var l ErrorList
	if l.Err() != nil {
		t.Fatal("empty list must be a nil error")
	}
	for i := 0; i < MaxErrors+3; i++ {
		l.Add(Errorf(f, 1, "e%d", i))
	}
	if l.Len() != MaxErrors+3 || len(l.Errs) != MaxErrors {
		t.Fatalf("Len = %d, kept %d", l.Len(), len(l.Errs))
	}
	var ce *CompileError
	if !errors.As(l.Err(), &ce) || ce.Msg != "e0" {
		t.Fatalf("errors.As did not find the first error: %v", ce)
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"proto", "ttl", "src", "dst", "hlen"}
	for _, tc := range []struct{ name, want string }{
		{"proot", "proto"},
		{"tll", "ttl"},
		{"completely", ""},
		{"hlen", "hlen"},
	} {
		if got := Suggest(tc.name, cands); got != tc.want {
			t.Errorf("Suggest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNearest(t *testing.T) {
	cands := []string{"readline", "readlink", "realine", "read", "write", "readline"}
	for _, tc := range []struct {
		name string
		n    int
		want string
	}{
		{"readlin", 3, "readline readlink realine"},
		{"readlin", 1, "readline"},
		{"readline", 3, "readline readlink realine"},
		{"completely", 3, ""},
		{"rite", 3, "write"},
	} {
		if got := strings.Join(Nearest(tc.name, cands, tc.n), " "); got != tc.want {
			t.Errorf("Nearest(%q, %d) = %q, want %q", tc.name, tc.n, got, tc.want)
		}
	}
}
