package source

import (
	"slices"
	"strings"
)

// Suggest returns the candidate closest to name by edit distance, or "" when
// none is close enough to be a likely typo.
func Suggest(name string, candidates []string) string {
	best, bestDist := "", len(name)/2+1
	if bestDist > 3 {
		bestDist = 3
	}
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist || (d == bestDist && best == "" && d <= 1) {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Nearest returns up to n candidates close enough to name to be likely
// typos of it, by the same measure as Suggest, nearest first and equally
// near ones in alphabetical order. Duplicates in candidates count once.
func Nearest(name string, candidates []string, n int) []string {
	limit := min(len(name)/2+1, 3)
	type near struct {
		name string
		dist int
	}
	var found []near
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		if d := editDistance(name, c); d < limit || d <= 1 {
			found = append(found, near{c, d})
		}
	}
	slices.SortFunc(found, func(a, b near) int {
		if a.dist != b.dist {
			return a.dist - b.dist
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]string, 0, min(n, len(found)))
	for _, f := range found[:min(n, len(found))] {
		out = append(out, f.name)
	}
	return out
}
