package proto

import "sort"

// Headers returns the headers the dissector chain can reach, sorted by
// name.
func Headers() []*Header {
	out := make([]*Header, 0, len(headers))
	for _, h := range headers {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// NextNames returns the names of the headers that can follow h, sorted.
func (h *Header) NextNames() []string {
	out := make([]string, 0, len(h.Next))
	for n := range h.Next {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
