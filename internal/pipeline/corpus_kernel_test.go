package pipeline

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// TestCorpusPassesVerifier loads every corpus program the compiler
// accepts into the kernel: a program that compiles should load.
func TestCorpusPassesVerifier(t *testing.T) {
	kerneltest.Require(t)
	for _, c := range loadCorpus(t) {
		if c.errMsg != "" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			res, _, err := c.compile(t)
			if err != nil {
				t.Fatal(err)
			}
			loadCase(t, c, res)
		})
	}
}

func TestMain(m *testing.M) { kerneltest.Main(m) }
