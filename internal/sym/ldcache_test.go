package sym

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"
)

// buildLdCache writes a cache in the new format, optionally behind an old
// one, with entries given as name, path pairs.
func buildLdCache(withOld bool, pairs ...string) []byte {
	n := len(pairs) / 2
	var strs bytes.Buffer
	offs := make([]uint32, len(pairs))
	base := uint32(ldNewHeader + n*ldNewEntry)
	for i, s := range pairs {
		offs[i] = base + uint32(strs.Len())
		strs.WriteString(s + "\x00")
	}
	le := binary.LittleEndian
	hdr := make([]byte, ldNewHeader)
	copy(hdr, ldNewMagic)
	le.PutUint32(hdr[20:], uint32(n))
	le.PutUint32(hdr[24:], uint32(strs.Len()))
	hdr[28] = ldLittleEndian
	var b bytes.Buffer
	b.Write(hdr)
	for i := 0; i < n; i++ {
		e := make([]byte, ldNewEntry)
		le.PutUint32(e, 0x0303)
		le.PutUint32(e[4:], offs[2*i])
		le.PutUint32(e[8:], offs[2*i+1])
		b.Write(e)
	}
	b.Write(strs.Bytes())
	if !withOld {
		return b.Bytes()
	}
	// An old-format part with one entry whose strings come after it,
	// then the new part at the next 8-byte boundary.
	old := make([]byte, ldOldHeader+ldOldEntry)
	copy(old, ldOldMagic)
	le.PutUint32(old[12:], 1)
	le.PutUint32(old[ldOldHeader:], 1)
	le.PutUint32(old[ldOldHeader+4:], 0)
	le.PutUint32(old[ldOldHeader+8:], 0)
	for len(old)%8 != 0 {
		old = append(old, 0)
	}
	return append(old, b.Bytes()...)
}

func describeLd(es []ldEntry) string {
	var parts []string
	for _, e := range es {
		parts = append(parts, e.name+"="+e.path)
	}
	return strings.Join(parts, " ")
}

func TestParseLdCache(t *testing.T) {
	want := "libc.so.6=/lib/x86_64-linux-gnu/libc.so.6 libm.so.6=/lib/x86_64-linux-gnu/libm.so.6"
	pairs := []string{"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", "libm.so.6", "/lib/x86_64-linux-gnu/libm.so.6"}
	for _, withOld := range []bool{false, true} {
		es, err := parseLdCache(buildLdCache(withOld, pairs...))
		if err != nil || describeLd(es) != want {
			t.Errorf("with old part %v: %s, %v", withOld, describeLd(es), err)
		}
		if len(es) > 0 && es[0].flags != 0x0303 {
			t.Errorf("flags %#x", es[0].flags)
		}
	}
	for _, bad := range [][]byte{nil, []byte("hello"), []byte(ldNewMagic), []byte(ldOldMagic + "\x00\xff\xff\xff\xff")} {
		if _, err := parseLdCache(bad); err == nil {
			t.Errorf("parseLdCache(%q) accepted", bad)
		}
	}
	// A count beyond the file is an error, not a huge allocation.
	huge := buildLdCache(false, pairs...)
	binary.LittleEndian.PutUint32(huge[20:], 1<<30)
	if _, err := parseLdCache(huge); err == nil {
		t.Errorf("a cache claiming 2^30 entries was accepted")
	}
}

// TestParseLdCacheSystem parses this machine's cache: libc is in it.
func TestParseLdCacheSystem(t *testing.T) {
	data, err := os.ReadFile("/etc/ld.so.cache")
	if err != nil {
		t.Skipf("no ld.so.cache: %v", err)
	}
	es, err := parseLdCache(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.name == "libc.so.6" && strings.HasSuffix(e.path, "/libc.so.6") {
			return
		}
	}
	t.Errorf("no libc.so.6 among %d entries", len(es))
}

func FuzzLdSoCache(f *testing.F) {
	f.Add(buildLdCache(false, "libc.so.6", "/lib/libc.so.6"))
	f.Add(buildLdCache(true, "libc.so.6", "/lib/libc.so.6", "libz.so.1", "/usr/lib/libz.so.1"))
	if data, err := os.ReadFile("/etc/ld.so.cache"); err == nil && len(data) < 1<<16 {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := parseLdCache(data)
		if err != nil {
			return
		}
		if len(es)*ldOldEntry > len(data) {
			t.Fatalf("%d entries from %d bytes", len(es), len(data))
		}
		for _, e := range es {
			if e.name == "" || e.path == "" || strings.ContainsRune(e.name+e.path, 0) {
				t.Fatalf("entry %+v", e)
			}
		}
	})
}
