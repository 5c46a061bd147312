package tracefs

import "testing"

func TestUnescapeOctal(t *testing.T) {
	for in, want := range map[string]string{
		"/sys/kernel/tracing": "/sys/kernel/tracing",
		`/mnt/a\040b`:         "/mnt/a b",
		`/x\134y\011`:         "/x\\y\t",
		`/bad\9`:              `/bad\9`,
		`/end\04`:             `/end\04`,
	} {
		if got := unescapeOctal(in); got != want {
			t.Errorf("unescapeOctal(%q) = %q, want %q", in, got, want)
		}
	}
}
