package runtime

import (
	"context"
	"strings"
	"testing"
)

func TestUnknownMapTypeIsAnError(t *testing.T) {
	rt := New(nil)
	defer rt.Close()
	err := rt.RunString(context.Background(), "m.lua", "local bpf = require('bpf')\nlocal m = bpf.map('hashh', 4)\n", nil)
	if err == nil || !strings.Contains(err.Error(), `m.lua:2: bad argument #1 to map (unknown map type "hashh" (known: array, cpumap, devmap, devmap_hash, hash,`) {
		t.Errorf("got %v", err)
	}
}

func TestNilUpvalueInKernelCodeNamesTheVariable(t *testing.T) {
	rt := New(nil)
	defer rt.Close()
	script := "local bpf = require('bpf')\nlocal m\nbpf(function (skb)\n\txadd(m[1], 1)\nend)\n"
	err := rt.RunString(context.Background(), "n.lua", script, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "n.lua:4: 'm' is nil") {
		t.Errorf("got %v", err)
	}
}
