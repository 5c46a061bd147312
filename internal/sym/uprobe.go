package sym

import (
	"fmt"
	"strconv"
	"strings"
)

// UprobeSpec is a uprobe target as a script writes it, parsed but not yet
// looked up: FILE:SYMBOL, FILE:SYMBOL+OFFSET or FILE:ADDRESS.
type UprobeSpec struct {
	// File is the binary as written: a path ("/bin/bash", "./a.out"), a
	// library name ("c", "libc", "libc.so.6") or a program on PATH
	// ("bash").
	File string
	// Symbol is the function, "" when Address is given. C++ functions may
	// be written qualified ("kyotocabinet::StashDB::accept") or mangled.
	Symbol string
	// Offset is added to the function's address ("readline+4").
	Offset uint64
	// Address is a virtual address in the file, as nm and objdump print
	// it ("/bin/bash:0xc6c20"); 0 when Symbol is given.
	Address uint64
}

// String spells the spec back as a script would write it.
func (s UprobeSpec) String() string {
	target := s.Symbol
	if target == "" {
		target = fmt.Sprintf("0x%x", s.Address)
	}
	if s.Offset > 0 {
		target += fmt.Sprintf("+%d", s.Offset)
	}
	return s.File + ":" + target
}

// UprobeSpecError reports a uprobe target that is not written as
// FILE:SYMBOL, FILE:SYMBOL+OFFSET or FILE:ADDRESS.
type UprobeSpecError struct {
	Spec, Problem string
}

// Error says what is wrong and how to write a target.
func (e *UprobeSpecError) Error() string {
	return fmt.Sprintf("uprobe target '%s' %s; write 'file:function', e.g. '/bin/bash:readline', 'c:malloc' or 'bash:readline+4'", e.Spec, e.Problem)
}

// ParseUprobe parses a uprobe target. The file ends at the first ':', as
// in the original (so C++ names keep their '::'); what follows is a
// function name or an address, with an optional "+OFFSET" (a function
// name cannot contain '+'). Numbers are decimal or 0x hexadecimal.
func ParseUprobe(spec string) (UprobeSpec, error) {
	bad := func(problem string) (UprobeSpec, error) {
		return UprobeSpec{}, &UprobeSpecError{Spec: spec, Problem: problem}
	}
	file, target, ok := strings.Cut(spec, ":")
	switch {
	case !ok:
		return bad("has no ':' between file and function")
	case file == "":
		return bad("names no file before ':'")
	case target == "":
		return bad("names no function after ':'")
	case strings.ContainsAny(spec, " \t\n\r\x00"):
		return bad("contains a space")
	}
	s := UprobeSpec{File: file}
	if sym, off, ok := strings.Cut(target, "+"); ok {
		n, err := parseNumber(off)
		if err != nil || sym == "" {
			return bad("has a bad offset '+" + off + "'")
		}
		target, s.Offset = sym, n
	}
	if isNumber(target) {
		addr, err := parseNumber(target)
		if err != nil {
			return bad("has a bad address '" + target + "'")
		}
		if addr == 0 {
			return bad("gives address 0")
		}
		s.Address = addr
		return s, nil
	}
	s.Symbol = target
	return s, nil
}

// isNumber reports whether s starts like a number: a decimal digit.
func isNumber(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// parseNumber parses a decimal or 0x-prefixed hexadecimal uint64.
func parseNumber(s string) (uint64, error) {
	if h, ok := strings.CutPrefix(s, "0x"); ok {
		return strconv.ParseUint(h, 16, 64)
	}
	if h, ok := strings.CutPrefix(s, "0X"); ok {
		return strconv.ParseUint(h, 16, 64)
	}
	return strconv.ParseUint(s, 10, 64)
}
