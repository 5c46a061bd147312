package ctype

import (
	"errors"
	"strconv"
	"strings"
)

// parseIntLit converts a C integer literal (decimal, 0x hex, 0 octal, 0b
// binary, with u/l suffixes) to its value. Values above the int64 range
// wrap, as unsigned long long constants do.
func parseIntLit(s string) (int64, error) {
	body := strings.TrimRight(s, "uUlL")
	suffix := strings.ToLower(s[len(body):])
	switch suffix {
	case "", "u", "l", "ul", "lu", "ll", "ull", "llu":
	default:
		return 0, errors.New("invalid integer suffix")
	}
	base := 10
	switch {
	case strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X"):
		base, body = 16, body[2:]
	case strings.HasPrefix(body, "0b") || strings.HasPrefix(body, "0B"):
		base, body = 2, body[2:]
	case len(body) > 1 && body[0] == '0':
		base, body = 8, body[1:]
	}
	if body == "" {
		return 0, errors.New("malformed number")
	}
	v, err := strconv.ParseUint(body, base, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, errors.New("integer constant is too large")
		}
		return 0, errors.New("malformed number")
	}
	return int64(v), nil
}
