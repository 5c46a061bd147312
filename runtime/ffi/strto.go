package ffi

import "math"

// errno values the C functions set.
const (
	errEINVAL = 22
	errERANGE = 34
)

// strto implements strtol, strtoll, strtoul and strtoull: args are the
// string, endptr (ignored unless a char *[1] to write into) and base. Like
// C it skips leading space, takes a sign, a 0x prefix for base 16 or 0, a
// 0 prefix for octal in base 0, stops at the first character that is not
// a digit, and on overflow returns the extreme value with ERANGE.
func strto(args []cArg, signed bool) (uint64, int) {
	s, base := args[0].str, int(args[2].i)
	if base < 0 || base == 1 || base > 36 {
		return 0, errEINVAL
	}
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] >= '\t' && s[i] <= '\r') {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	if (base == 0 || base == 16) && i+1 < len(s) && s[i] == '0' && (s[i+1]|0x20) == 'x' && i+2 < len(s) && digit(s[i+2]) < 16 {
		base = 16
		i += 2
	} else if base == 0 && i < len(s) && s[i] == '0' {
		base = 8
	} else if base == 0 {
		base = 10
	}
	var v uint64
	overflow := false
	start := i
	for ; i < len(s); i++ {
		d := digit(s[i])
		if d >= base {
			break
		}
		if v > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		}
		v = v*uint64(base) + uint64(d)
	}
	if i == start {
		return 0, 0
	}
	if !signed {
		if overflow {
			return math.MaxUint64, errERANGE
		}
		if neg {
			v = -v
		}
		return v, 0
	}
	switch {
	case !neg && (overflow || v > math.MaxInt64):
		return math.MaxInt64, errERANGE
	case neg && (overflow || v > 1<<63):
		return 1 << 63, errERANGE
	case neg:
		return -v, 0
	}
	return v, 0
}

// digit is the value of an alphanumeric digit, or 99.
func digit(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}
