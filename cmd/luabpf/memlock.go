package main

import "golang.org/x/sys/unix"

// raiseMemlock lifts RLIMIT_MEMLOCK, to which kernels before 5.11 charge
// BPF maps and programs (later ones charge the memory cgroup and ignore
// it). It costs one prlimit call. cilium/ebpf's rlimit package does the
// same after a probe of which accounting the kernel uses, a BPF map made
// with the limit at zero, which it runs in its init, in every process
// that links it: 0.4 ms of each run's start-up, before main.
//
// Without CAP_SYS_RESOURCE the soft limit goes up to the hard one; a
// kernel that still finds it too low refuses the map or program, and
// the runtime says so.
func raiseMemlock() {
	inf := unix.Rlimit{Cur: unix.RLIM_INFINITY, Max: unix.RLIM_INFINITY}
	if unix.Setrlimit(unix.RLIMIT_MEMLOCK, &inf) == nil {
		return
	}
	var lim unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_MEMLOCK, &lim) == nil && lim.Cur < lim.Max {
		lim.Cur = lim.Max
		_ = unix.Setrlimit(unix.RLIMIT_MEMLOCK, &lim)
	}
}
