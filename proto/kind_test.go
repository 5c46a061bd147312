package proto

import "testing"

func TestKindsAreNumberedByID(t *testing.T) {
	for i, k := range Kinds() {
		if k == nil || int(k.ID) != i {
			t.Fatalf("kind %d is %v", i, k)
		}
		got, err := KindOf(k.ID)
		if err != nil || got != k {
			t.Errorf("KindOf(%d) = %v, %v", k.ID, got, err)
		}
		if k.Name == "" || k.Section == "" || k.Return == "" {
			t.Errorf("kind %d lacks a name, section or return meaning: %+v", i, k)
		}
	}
	if _, err := KindOf(KindID(200)); err == nil {
		t.Error("KindOf(200) gave no error")
	}
}

func TestSocketFilterContextRules(t *testing.T) {
	c := SocketFilter.Ctx
	for _, tc := range []struct {
		field string
		want  Access
	}{
		{"len", Read}, {"cb", Read | Write}, {"tc_classid", 0}, {"data", 0}, {"remote_ip4", 0},
	} {
		f, ok := c.Field(tc.field)
		if !ok || f.Access != tc.want {
			t.Errorf("%s: access %v, want %v", tc.field, f.Access, tc.want)
		}
	}
}

func TestHelperNames(t *testing.T) {
	for _, h := range Helpers() {
		if n := h.Name(); len(n) < 5 || n[:4] != "bpf_" {
			t.Errorf("helper %v has name %q", h.Fn, n)
		}
		if HelperOf(h.Fn) != h {
			t.Errorf("HelperOf(%v) is not its row", h.Fn)
		}
	}
	if got := HelperOf(0x7fff); got != nil {
		t.Errorf("HelperOf(unknown) = %v", got)
	}
}

func TestMapTypes(t *testing.T) {
	for _, n := range MapTypeNames() {
		mt, ok := MapTypeOf(n)
		if !ok || mt.Name != n {
			t.Errorf("MapTypeOf(%q) = %v, %v", n, mt, ok)
		}
	}
	if _, ok := MapTypeOf("hashmap"); ok {
		t.Error("MapTypeOf accepted an unknown name")
	}
}

func TestTCAndXDPContextRules(t *testing.T) {
	for _, tc := range []struct {
		kind  *Kind
		field string
		want  Access
	}{
		{TC, "len", Read}, {TC, "mark", Read | Write}, {TC, "tc_classid", Read | Write}, {TC, "data", Read},
		{TC, "remote_ip4", 0}, {TC, "local_port", 0}, {TC, "family", 0}, {TC, "wire_len", Read}, {TC, "tstamp", Read | Write},
		{XDP, "data", Read}, {XDP, "ingress_ifindex", Read}, {XDP, "egress_ifindex", 0}, {XDP, "rx_queue_index", Read},
	} {
		f, ok := tc.kind.Ctx.Field(tc.field)
		if !ok || f.Access != tc.want {
			t.Errorf("%s %s: access %v, want %v", tc.kind, tc.field, f.Access, tc.want)
		}
	}
	for _, dir := range []string{"ingress", "egress"} {
		if sec, _, ok := TCSection(dir); !ok || sec != "tcx/"+dir {
			t.Errorf("TCSection(%q) = %q, %v", dir, sec, ok)
		}
	}
	if _, _, ok := TCSection("up"); ok {
		t.Error("TCSection accepted \"up\"")
	}
}
