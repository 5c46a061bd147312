package sym

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// The layouts of /etc/ld.so.cache that glibc's ldconfig writes: the
// old format ("ld.so-1.7.0", 12-byte entries, strings after the entries),
// the new one ("glibc-ld.so.cache1.1", 24-byte entries, string offsets
// from the start of its header) that glibc 2.32 and later write alone,
// and the old format followed by the new one, at the next 8-byte
// boundary, that older ldconfigs write.
const (
	ldOldMagic     = "ld.so-1.7.0"
	ldOldHeader    = 16 // magic padded to 12, nlibs
	ldOldEntry     = 12 // flags, key, value
	ldNewMagic     = "glibc-ld.so.cache1.1"
	ldNewHeader    = 48 // magic and version, nlibs, len_strings, byte order, pad, extension offset, unused[3]
	ldNewEntry     = 24 // flags, key, value, osversion, hwcap
	ldLittleEndian = 2  // byte order values of the new header; 0 means the host's
	ldBigEndian    = 3
)

// ldEntry is one library of the cache: its file name ("libc.so.6"), where
// it is, and ldconfig's flags (the ABI: 0x0303 is an x86-64 libc6
// library, 0x0a03 an arm64 one).
type ldEntry struct {
	name, path string
	flags      int32
}

// parseLdCache parses the contents of /etc/ld.so.cache, keeping the
// entries in the file's order (ldconfig's preference order).
func parseLdCache(data []byte) ([]ldEntry, error) {
	if bytes.HasPrefix(data, []byte(ldNewMagic)) {
		return parseLdNew(data)
	}
	if !bytes.HasPrefix(data, []byte(ldOldMagic)) || len(data) < ldOldHeader {
		return nil, errors.New("not an ld.so.cache file")
	}
	n := uint64(binary.NativeEndian.Uint32(data[12:]))
	end := ldOldHeader + n*ldOldEntry
	if end > uint64(len(data)) {
		return nil, fmt.Errorf("ld.so.cache: %d entries do not fit in %d bytes", n, len(data))
	}
	if newStart := (end + 7) &^ 7; newStart < uint64(len(data)) && bytes.HasPrefix(data[newStart:], []byte(ldNewMagic)) {
		return parseLdNew(data[newStart:])
	}
	strs := data[end:]
	out := make([]ldEntry, 0, n)
	for i := range n {
		e := data[ldOldHeader+i*ldOldEntry:]
		key, kok := cString(strs, binary.NativeEndian.Uint32(e[4:]))
		val, vok := cString(strs, binary.NativeEndian.Uint32(e[8:]))
		if kok && vok {
			out = append(out, ldEntry{name: key, path: val, flags: int32(binary.NativeEndian.Uint32(e))})
		}
	}
	return out, nil
}

// parseLdNew parses the new format, data starting at its header.
func parseLdNew(data []byte) ([]ldEntry, error) {
	if len(data) < ldNewHeader {
		return nil, errors.New("ld.so.cache: short header")
	}
	var order binary.ByteOrder = binary.NativeEndian
	switch data[28] {
	case ldLittleEndian:
		order = binary.LittleEndian
	case ldBigEndian:
		order = binary.BigEndian
	case 0:
	default:
		return nil, fmt.Errorf("ld.so.cache: unknown byte order %d", data[28])
	}
	n := uint64(order.Uint32(data[20:]))
	if ldNewHeader+n*ldNewEntry > uint64(len(data)) {
		return nil, fmt.Errorf("ld.so.cache: %d entries do not fit in %d bytes", n, len(data))
	}
	out := make([]ldEntry, 0, n)
	for i := range n {
		e := data[ldNewHeader+i*ldNewEntry:]
		key, kok := cString(data, order.Uint32(e[4:]))
		val, vok := cString(data, order.Uint32(e[8:]))
		if kok && vok {
			out = append(out, ldEntry{name: key, path: val, flags: int32(order.Uint32(e))})
		}
	}
	return out, nil
}

// cString returns the NUL-terminated string at off in b.
func cString(b []byte, off uint32) (string, bool) {
	if uint64(off) >= uint64(len(b)) {
		return "", false
	}
	s := b[off:]
	n := bytes.IndexByte(s, 0)
	if n <= 0 {
		return "", false
	}
	return string(s[:n]), true
}
