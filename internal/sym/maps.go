package sym

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// mapping is one line of /proc/PID/maps.
type mapping struct {
	start, end, off uint64
	dev             string // "fe:01"
	inode           uint64
	path            string // "" for anonymous memory; "[vdso]", "[stack]", ... for special ones
}

// readMaps reads the mappings of process pid.
func readMaps(pid int) ([]mapping, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/maps", pid))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseMaps(f)
}

// parseMaps parses lines such as
// "55d4c8a00000-55d4c8a2e000 r--p 00000000 fe:01 1234   /usr/bin/bash".
func parseMaps(r io.Reader) ([]mapping, error) {
	var out []mapping
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		if m, ok := parseMapsLine(sc.Text()); ok {
			out = append(out, m)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read memory maps: %w", err)
	}
	return out, nil
}

func parseMapsLine(line string) (mapping, bool) {
	var m mapping
	rest := line
	var fields [5]string
	for i := range fields {
		rest = strings.TrimLeft(rest, " ")
		n := strings.IndexByte(rest, ' ')
		if n < 0 {
			if i < 4 {
				return m, false
			}
			n = len(rest)
		}
		fields[i], rest = rest[:n], rest[n:]
	}
	lo, hi, ok := strings.Cut(fields[0], "-")
	var err1, err2, err3, err4 error
	m.start, err1 = strconv.ParseUint(lo, 16, 64)
	m.end, err2 = strconv.ParseUint(hi, 16, 64)
	m.off, err3 = strconv.ParseUint(fields[2], 16, 64)
	m.inode, err4 = strconv.ParseUint(fields[4], 10, 64)
	if !ok || err1 != nil || err2 != nil || err3 != nil || err4 != nil || m.end < m.start {
		return m, false
	}
	m.dev = fields[3]
	m.path = strings.TrimSpace(rest)
	return m, true
}

// find returns the mapping holding addr.
func find(ms []mapping, addr uint64) (mapping, bool) {
	for _, m := range ms {
		if m.start <= addr && addr < m.end {
			return m, true
		}
	}
	return mapping{}, false
}
