package main

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

// TestBadScriptsKernel runs the scripts of testdata/bad that need root
// and BPF to reach their error (see runBadScripts).
func TestBadScriptsKernel(t *testing.T) {
	kerneltest.Require(t)
	runBadScripts(t, true)
}
