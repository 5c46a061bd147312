package sym

import (
	"strconv"
	"strings"
)

// cxxPrefix spells a qualified C++ name the way the Itanium C++ ABI
// mangles its nested-name part: "kyotocabinet::StashDB::accept" gives
// comps "12kyotocabinet7StashDB6accept" and nested true (mangled names
// of such functions start "_ZN" and the part ends in 'E'); "foo" or
// "::foo" gives "3foo" and nested false (mangled "_Z3foo..."). comps is ""
// for names it cannot spell this way (templates, operators).
func cxxPrefix(qualified string) (nested bool, comps string) {
	parts := strings.Split(strings.TrimPrefix(qualified, "::"), "::")
	var b strings.Builder
	for _, p := range parts {
		if p == "" || !isIdentifier(p) {
			return false, ""
		}
		b.WriteString(strconv.Itoa(len(p)) + p)
	}
	return len(parts) > 1, b.String()
}

// cxxMatches reports whether the mangled symbol sym is a function that
// qualified names, whatever its parameters.
func cxxMatches(sym, qualified string) bool {
	nested, comps := cxxPrefix(qualified)
	if comps == "" {
		return false
	}
	if !nested {
		return strings.HasPrefix(sym, "_Z"+comps) && len(sym) > len("_Z"+comps)
	}
	rest, ok := strings.CutPrefix(sym, "_ZN")
	if !ok {
		return false
	}
	rest = strings.TrimLeft(rest, "rVKRO") // cv- and ref-qualifiers of member functions
	return strings.HasPrefix(rest, comps+"E")
}

func isIdentifier(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) || (i == 0 && s[i] >= '0' && s[i] <= '9') {
			return false
		}
	}
	return s != ""
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
