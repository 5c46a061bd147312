package sym

import (
	"errors"
	"strings"
	"testing"
)

const kallsymsText = `ffffffff81000000 T srso_alias_untrain_ret
ffffffff81000000 T _stext
ffffffff81000000 t _text
ffffffff81379cc0 T __x64_sys_getpid
ffffffff81379cc0 t __pfx_thing
ffffffff81379d00 T __x64_sys_gettid
0000000000001000 A fixed_percpu_data
ffffffffc0201000 t ftrace_trampoline	[__builtin__ftrace]
`

func TestKsymLookup(t *testing.T) {
	k, err := ParseKallsyms(strings.NewReader(kallsymsText))
	if err != nil {
		t.Fatal(err)
	}
	if k.Len() != 7 {
		t.Errorf("%d symbols, want 7 (the absolute one left out)", k.Len())
	}
	for addr, want := range map[uint64]string{
		0xffffffff81000000: "srso_alias_untrain_ret+0x0", // global, then fewer leading underscores
		0xffffffff81000010: "srso_alias_untrain_ret+0x10",
		0xffffffff81379cc0: "__x64_sys_getpid+0x0",
		0xffffffff81379cff: "__x64_sys_getpid+0x3f",
		0xffffffff81379d00: "__x64_sys_gettid+0x0",
		0xffffffffc0201004: "ftrace_trampoline+0x4",
		0xffffffff80000000: Unknown,
		0x1000:             Unknown,
	} {
		if got := k.Lookup(addr); got != want {
			t.Errorf("Lookup(%#x) = %s, want %s", addr, got, want)
		}
	}
	if a, ok := k.Addr("__x64_sys_gettid"); !ok || a != 0xffffffff81379d00 {
		t.Errorf("Addr = %#x, %v", a, ok)
	}
}

func TestKsymHidden(t *testing.T) {
	hidden := "0000000000000000 T _stext\n0000000000000000 T schedule\n"
	if _, err := ParseKallsyms(strings.NewReader(hidden)); !errors.Is(err, ErrAddressesHidden) {
		t.Errorf("all-zero addresses: %v, want ErrAddressesHidden", err)
	}
	if k, err := ParseKallsyms(strings.NewReader("")); err != nil || k.Lookup(1) != Unknown {
		t.Errorf("empty table: %v", err)
	}
}
