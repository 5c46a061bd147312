package source

import (
	"fmt"
	"strings"
)

// MaxErrors is how many errors an ErrorList keeps; later ones are counted
// but dropped, so a badly broken file does not flood the terminal.
const MaxErrors = 10

// CompileError is a mistake in the user's Lua code: where it is, what is
// wrong, and the source line it is on.
type CompileError struct {
	Pos  Pos
	Msg  string
	Line string // the source line at Pos, "" if unknown
	// Extra is printed after the source line by Detail (e.g. the
	// verifier's whole log when asked for).
	Extra string
}

// Error returns "file.lua:LINE: message".
func (e *CompileError) Error() string {
	if !e.Pos.IsKnown() && e.Pos.File == "" {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Detail returns Error followed by the source line, indented, as the CLI
// prints it.
func (e *CompileError) Detail() string {
	s := e.Error() + Excerpt(e.Line)
	if e.Extra != "" {
		s += "\n" + strings.TrimRight(e.Extra, "\n")
	}
	return s
}

// Errorf returns a CompileError at line n of f.
func Errorf(f *File, n int, format string, args ...any) *CompileError {
	e := &CompileError{Msg: fmt.Sprintf(format, args...)}
	if f != nil {
		e.Pos = f.Pos(n)
		e.Line = f.Line(n)
	}
	return e
}

// ErrorList is a list of compile errors in the order they were found.
type ErrorList struct {
	Errs    []*CompileError
	Dropped int // errors beyond MaxErrors
}

// Add appends e, or counts it as dropped once the list is full.
func (l *ErrorList) Add(e *CompileError) {
	if len(l.Errs) >= MaxErrors {
		l.Dropped++
		return
	}
	l.Errs = append(l.Errs, e)
}

// Len returns how many errors were added, dropped ones included.
func (l *ErrorList) Len() int { return len(l.Errs) + l.Dropped }

// Err returns nil for an empty list, the single error for a list of one,
// and the list itself otherwise.
func (l *ErrorList) Err() error {
	switch {
	case l.Len() == 0:
		return nil
	case l.Len() == 1:
		return l.Errs[0]
	}
	return l
}

// Error joins the errors one per line.
func (l *ErrorList) Error() string { return l.join((*CompileError).Error) }

// Detail joins the errors with their source lines.
func (l *ErrorList) Detail() string { return l.join((*CompileError).Detail) }

func (l *ErrorList) join(format func(*CompileError) string) string {
	var b strings.Builder
	for i, e := range l.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(format(e))
	}
	if l.Dropped > 0 {
		fmt.Fprintf(&b, "\n(and %d more errors)", l.Dropped)
	}
	return b.String()
}

// Unwrap returns the errors, so errors.As finds a *CompileError in a list.
func (l *ErrorList) Unwrap() []error {
	out := make([]error, len(l.Errs))
	for i, e := range l.Errs {
		out[i] = e
	}
	return out
}

// Detailer is an error with a longer form for people: the message
// followed by the source line it points at.
type Detailer interface {
	error
	Detail() string
}

// Detail returns the excerpt form of err when it has one (a CompileError,
// an ErrorList or another Detailer), and err.Error() otherwise.
func Detail(err error) string {
	if d, ok := err.(Detailer); ok {
		return d.Detail()
	}
	return err.Error()
}

// Excerpt returns line, trimmed and indented, as the line after a
// message; "" for a blank line.
func Excerpt(line string) string {
	if strings.TrimSpace(line) == "" {
		return ""
	}
	return "\n    " + strings.TrimSpace(line)
}
