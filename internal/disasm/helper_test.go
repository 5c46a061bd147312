package disasm

import (
	"strconv"
	"strings"
	"testing"

	"github.com/cilium/ebpf/asm"
)

// TestHelperKernelNames checks the Go-name-to-kernel-name conversion
// against names and numbers copied from the kernel's
// include/uapi/linux/bpf.h (__BPF_FUNC_MAPPER). The sample covers words
// with digits (u32, l3, tcp6, seg6, ipv4, jiffies64), one-letter words
// (d_path) and the oldest and newest helpers cilium/ebpf knows.
func TestHelperKernelNames(t *testing.T) {
	tests := []struct {
		fn   asm.BuiltinFunc
		want string
	}{
		{asm.FnUnspec, "bpf_unspec#0"},
		{asm.FnMapLookupElem, "bpf_map_lookup_elem#1"},
		{asm.FnMapUpdateElem, "bpf_map_update_elem#2"},
		{asm.FnMapDeleteElem, "bpf_map_delete_elem#3"},
		{asm.FnProbeRead, "bpf_probe_read#4"},
		{asm.FnKtimeGetNs, "bpf_ktime_get_ns#5"},
		{asm.FnTracePrintk, "bpf_trace_printk#6"},
		{asm.FnGetPrandomU32, "bpf_get_prandom_u32#7"},
		{asm.FnL3CsumReplace, "bpf_l3_csum_replace#10"},
		{asm.FnL4CsumReplace, "bpf_l4_csum_replace#11"},
		{asm.FnTailCall, "bpf_tail_call#12"},
		{asm.FnGetCurrentPidTgid, "bpf_get_current_pid_tgid#14"},
		{asm.FnGetCurrentUidGid, "bpf_get_current_uid_gid#15"},
		{asm.FnGetCurrentComm, "bpf_get_current_comm#16"},
		{asm.FnPerfEventOutput, "bpf_perf_event_output#25"},
		{asm.FnSkbLoadBytes, "bpf_skb_load_bytes#26"},
		{asm.FnGetStackid, "bpf_get_stackid#27"},
		{asm.FnXdpAdjustHead, "bpf_xdp_adjust_head#44"},
		{asm.FnGetsockopt, "bpf_getsockopt#57"},
		{asm.FnSockOpsCbFlagsSet, "bpf_sock_ops_cb_flags_set#59"},
		{asm.FnLwtSeg6StoreBytes, "bpf_lwt_seg6_store_bytes#74"},
		{asm.FnSkbEcnSetCe, "bpf_skb_ecn_set_ce#97"},
		{asm.FnProbeReadKernel, "bpf_probe_read_kernel#113"},
		{asm.FnProbeReadUserStr, "bpf_probe_read_user_str#114"},
		{asm.FnJiffies64, "bpf_jiffies64#118"},
		{asm.FnGetNsCurrentPidTgid, "bpf_get_ns_current_pid_tgid#120"},
		{asm.FnRingbufOutput, "bpf_ringbuf_output#130"},
		{asm.FnRingbufReserve, "bpf_ringbuf_reserve#131"},
		{asm.FnSkcToTcp6Sock, "bpf_skc_to_tcp6_sock#136"},
		{asm.FnDPath, "bpf_d_path#147"},
		{asm.FnPerCpuPtr, "bpf_per_cpu_ptr#153"},
		{asm.FnForEachMapElem, "bpf_for_each_map_elem#164"},
		{asm.FnLoop, "bpf_loop#181"},
		{asm.FnTcpRawGenSyncookieIpv4, "bpf_tcp_raw_gen_syncookie_ipv4#204"},
		{asm.FnUserRingbufDrain, "bpf_user_ringbuf_drain#209"},
		{asm.FnCgrpStorageDelete, "bpf_cgrp_storage_delete#211"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := helper(int64(tc.fn)); got != tc.want {
				t.Errorf("helper(%s) = %q, want %q", tc.fn, got, tc.want)
			}
		})
	}
}

// TestHelperEveryName checks that every helper cilium/ebpf names gets a
// well-formed kernel name: "bpf_", lower-case words joined by single
// underscores, no word starting with a digit, and its own number.
func TestHelperEveryName(t *testing.T) {
	for fn := asm.FnUnspec; fn <= asm.FnCgrpStorageDelete; fn++ {
		got := helper(int64(fn))
		name, num, ok := strings.Cut(got, "#")
		if !ok || num != strconv.Itoa(int(fn)) || !wellFormed(name) {
			t.Errorf("helper(%s) = %q", fn, got)
		}
	}
}

// wellFormed reports whether name looks like a kernel helper name.
func wellFormed(name string) bool {
	words := strings.Split(name, "_")
	if len(words) < 2 || words[0] != "bpf" {
		return false
	}
	for _, w := range words[1:] {
		if w == "" || w[0] < 'a' || w[0] > 'z' || strings.Trim(w, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			return false
		}
	}
	return true
}
