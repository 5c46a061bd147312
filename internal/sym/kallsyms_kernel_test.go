package sym

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// TestKsymKernel looks up the address /proc/kallsyms gives for a kernel
// function, read here independently of ParseKallsyms.
func TestKsymKernel(t *testing.T) {
	kerneltest.Require(t)
	f, err := os.Open("/proc/kallsyms")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var addr uint64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 3 && fields[2] == "schedule" && fields[1] == "T" {
			addr, _ = strconv.ParseUint(fields[0], 16, 64)
		}
	}
	if addr == 0 {
		t.Fatal("no schedule in /proc/kallsyms")
	}
	if got := Ksym(addr); got != "schedule+0x0" {
		t.Errorf("Ksym(%#x) = %s, want schedule+0x0", addr, got)
	}
	if got := Ksym(addr + 4); got != "schedule+0x4" {
		t.Errorf("Ksym(%#x) = %s, want schedule+0x4", addr+4, got)
	}
	k, err := Kernel()
	if err != nil || k.Len() < 1000 {
		t.Errorf("Kernel() has %d symbols, %v", k.Len(), err)
	}
}
