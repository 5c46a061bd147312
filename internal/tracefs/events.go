package tracefs

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/luabpf/luabpf/internal/source"
)

// Tracepoints lists the tracepoints of this kernel as "category/event",
// sorted: the directories events/*/* of tracefs that hold a format file.
// It mounts tracefs when needed.
func Tracepoints() ([]string, error) {
	dir, err := Mount()
	if err != nil {
		return nil, err
	}
	return listTracepoints(dir)
}

func listTracepoints(dir string) ([]string, error) {
	events := filepath.Join(dir, "events")
	categories, err := os.ReadDir(events)
	if err != nil {
		return nil, fmt.Errorf("list tracepoints: %w", err)
	}
	var out []string
	for _, c := range categories {
		if !c.IsDir() {
			continue // enable, header_page, ...
		}
		ents, err := os.ReadDir(filepath.Join(events, c.Name()))
		if err != nil {
			return nil, fmt.Errorf("list tracepoints: %w", err)
		}
		for _, e := range ents {
			if e.IsDir() {
				if _, err := os.Stat(filepath.Join(events, c.Name(), e.Name(), "format")); err == nil {
					out = append(out, c.Name()+"/"+e.Name())
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// UnknownTracepointError reports a tracepoint this kernel does not have.
// It matches os.ErrNotExist with errors.Is.
type UnknownTracepointError struct {
	Name        string   // as the script wrote it
	Suggestions []string // nearest existing names, nearest first; may be empty
}

// Error names the tracepoint and the nearest existing ones.
func (e *UnknownTracepointError) Error() string {
	msg := fmt.Sprintf("no tracepoint '%s' in this kernel", e.Name)
	switch n := len(e.Suggestions); n {
	case 0:
		return msg + " (tracefs lists them in events/*/*)"
	case 1:
		return msg + " (did you mean '" + e.Suggestions[0] + "'?)"
	default:
		return msg + " (did you mean '" + strings.Join(e.Suggestions[:n-1], "', '") + "' or '" + e.Suggestions[n-1] + "'?)"
	}
}

// Unwrap makes errors.Is(err, os.ErrNotExist) true.
func (e *UnknownTracepointError) Unwrap() error { return os.ErrNotExist }

// maxSuggestions bounds the names an UnknownTracepointError offers.
const maxSuggestions = 3

// unknownTracepoint builds the error for name, suggesting near names from
// the tracepoints under dir (none if they cannot be listed).
func unknownTracepoint(dir, name string) error {
	all, _ := listTracepoints(dir)
	return &UnknownTracepointError{Name: name, Suggestions: nearTracepoints(name, all)}
}

// nearTracepoints returns up to maxSuggestions names from all that name is
// likely a mistake for: the same event in another category first, then
// the nearest full names by edit distance, then (when the category is
// unknown) the nearest event names in any category.
func nearTracepoints(name string, all []string) []string {
	category, event, ok := strings.Cut(name, "/")
	if !ok {
		category, event = "", name
	}
	var out []string
	add := func(names ...string) {
		for _, n := range names {
			if len(out) < maxSuggestions && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	byEvent := map[string][]string{}
	knownCategory := false
	for _, tp := range all {
		c, e, _ := strings.Cut(tp, "/")
		byEvent[e] = append(byEvent[e], tp)
		knownCategory = knownCategory || c == category
	}
	add(byEvent[event]...)
	add(source.Nearest(name, all, maxSuggestions)...)
	if !knownCategory {
		for _, e := range source.Nearest(event, sortedKeys(byEvent), maxSuggestions) {
			add(byEvent[e]...)
		}
	}
	return out
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
