package ctype

import "strconv"

// Error is a problem in a C declaration: what is wrong and the token it was
// found at.
type Error struct {
	Msg  string // what is wrong, lower-case
	Near string // the token where it was found; "<eof>" at the end of input
	Line int    // 1-based line of that token in the declaration text
}

// Error returns e.g. "'}' expected near 'int'" or, for declarations spanning
// several lines, "line 3: '}' expected near 'int'".
func (e *Error) Error() string {
	s := e.Msg
	if e.Near != "" {
		s += " near '" + e.Near + "'"
	}
	if e.Line > 1 {
		s = "line " + strconv.Itoa(e.Line) + ": " + s
	}
	return s
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
