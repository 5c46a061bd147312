package sym

import (
	"testing"

	"github.com/luabpf/luabpf/internal/kerneltest"
)

func TestMain(m *testing.M) { kerneltest.Main(m) }
