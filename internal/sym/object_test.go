package sym

import (
	"os"
	"testing"
)

// TestObjectResolvesLibcFunctionFromShell: /bin/sh only imports malloc;
// the lookup finds it in the C library the shell needs, and misses a
// name nothing defines.
func TestObjectResolvesLibcFunctionFromShell(t *testing.T) {
	o, err := OpenObject("/bin/sh")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := o.LoadAddress(); !ok {
		t.Error("/bin/sh has no load address")
	}
	addr, file, ok := o.Resolve("malloc")
	if !ok || addr == 0 {
		t.Fatalf("malloc: %#x in %q, %v; want an address", addr, file, ok)
	}
	if _, _, ok := o.Resolve("thisnotexists"); ok {
		t.Error("thisnotexists resolved")
	}
}

// TestObjectOfNonELF: a directory or a text file opens but has neither a
// load address nor symbols; a missing path does not open.
func TestObjectOfNonELF(t *testing.T) {
	text := t.TempDir() + "/x.txt"
	if err := os.WriteFile(text, []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{t.TempDir(), text} {
		o, err := OpenObject(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if _, ok := o.LoadAddress(); ok {
			t.Errorf("%s has a load address", p)
		}
		if _, _, ok := o.Resolve("malloc"); ok {
			t.Errorf("%s resolves malloc", p)
		}
	}
	if _, err := OpenObject(t.TempDir() + "/missing"); err == nil {
		t.Error("a missing file opened")
	}
}
