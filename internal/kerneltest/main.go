package kerneltest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/luabpf/luabpf/internal/tracefs"
)

// EventPrefix starts the name of every tracefs probe event luabpf creates;
// see the package documentation.
const EventPrefix = "luabpf_"

// leakWait bounds how long Main waits for finalizers (cilium/ebpf closes
// unreachable objects' fds and probe events from them) before it reports
// a leak.
const leakWait = 2 * time.Second

// Main runs the tests of m and exits with their status, or with status 1,
// listing the leaks on standard error, if the run left behind what the
// process did not hold at the start: open file descriptors of BPF objects
// (maps, programs, links, BTF), perf events or packet sockets, or tracefs
// kprobe/uprobe events named with EventPrefix. Use it as the TestMain of packages with kernel tests:
//
//	func TestMain(m *testing.M) { kerneltest.Main(m) }
//
// Objects that are only unreachable are not leaks: before reporting, Main
// runs the garbage collector and waits up to two seconds for finalizers
// to close them. Without /proc (or as non-root, for tracefs) the
// corresponding check is skipped.
func Main(m *testing.M) {
	os.Exit(run(m, os.Stderr))
}

// run runs m and returns the exit status, reporting leaks to w.
func run(m interface{ Run() int }, w io.Writer) int {
	if os.Geteuid() == 0 {
		// Mount tracefs now, so the events at the start are known even
		// when a test mounts it later.
		_, _ = MountTracefs()
	}
	before := takeSnapshot()
	code := m.Run()
	leaks := waitForLeaks(before, leakWait)
	if len(leaks) == 0 {
		return code
	}
	fmt.Fprintf(w, "kerneltest: the tests leaked kernel resources (%d):\n", len(leaks))
	for _, l := range leaks {
		fmt.Fprintf(w, "\t%s\n", l)
	}
	return 1
}

// waitForLeaks collects garbage and retries until nothing leaks compared
// with before or wait has passed, and returns the leaks left.
func waitForLeaks(before *snapshot, wait time.Duration) []string {
	deadline := time.Now().Add(wait)
	for delay := time.Millisecond; ; delay *= 2 {
		runtime.GC() // queue finalizers of unreachable objects
		runtime.GC() // and free what they released
		leaks := before.leaks(takeSnapshot())
		if len(leaks) == 0 || time.Now().After(deadline) {
			return leaks
		}
		time.Sleep(min(delay, time.Until(deadline), 100*time.Millisecond))
	}
}

// A snapshot records the kernel resources this process holds.
type snapshot struct {
	fds    map[int]string // fd → description, for tracked kinds only
	events map[string]bool
	errs   []error // why a part could not be read
}

func takeSnapshot() *snapshot {
	s := &snapshot{fds: map[int]string{}, events: map[string]bool{}}
	if err := s.readFDs(); err != nil {
		s.errs = append(s.errs, err)
	}
	if err := s.readEvents(); err != nil {
		s.errs = append(s.errs, err)
	}
	return s
}

// leaks lists what after holds that s did not.
func (s *snapshot) leaks(after *snapshot) []string {
	var out []string
	if len(s.errs) == 0 {
		for _, err := range after.errs {
			out = append(out, fmt.Sprintf("cannot check for leaks: %v", err))
		}
	}
	for fd, desc := range after.fds {
		if s.fds[fd] != desc {
			out = append(out, fmt.Sprintf("fd %d: %s", fd, desc))
		}
	}
	for ev := range after.events {
		if !s.events[ev] && ownEvent(ev) {
			out = append(out, fmt.Sprintf("tracefs event still defined: %s", ev))
		}
	}
	slices.Sort(out)
	return out
}

// readFDs records the open fds of tracked kinds with a description that
// identifies the object (BPF object ids from fdinfo), so that an fd number
// reused for another object counts as new.
func (s *snapshot) readFDs() error {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return err
	}
	var packetInodes map[string]bool // read on first socket
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		if err != nil {
			continue // closed meanwhile, e.g. the directory's own fd
		}
		switch {
		case strings.HasPrefix(target, "anon_inode:bpf"), target == "anon_inode:btf":
			s.fds[fd] = target + fdinfoIDs(fd)
		case target == "anon_inode:[perf_event]":
			s.fds[fd] = target
		case strings.HasPrefix(target, "socket:["):
			if packetInodes == nil {
				packetInodes = readPacketInodes()
			}
			inode := strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")
			if packetInodes[inode] {
				s.fds[fd] = "packet " + target
			}
		}
	}
	return nil
}

// fdinfoIDs returns the "*_id" and "*_type" lines of a BPF object's fdinfo
// as " (map_id 12, map_type 2)".
func fdinfoIDs(fd int) string {
	f, err := os.Open(fmt.Sprintf("/proc/self/fdinfo/%d", fd))
	if err != nil {
		return ""
	}
	defer f.Close()
	var ids []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if ok && (strings.HasSuffix(key, "_id") || strings.HasSuffix(key, "_type")) && key != "mnt_id" {
			ids = append(ids, key+" "+strings.TrimSpace(val))
		}
	}
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, ", ") + ")"
}

// readPacketInodes returns the socket inodes of the AF_PACKET sockets in
// this process's network namespace.
func readPacketInodes() map[string]bool {
	inodes := map[string]bool{}
	f, err := os.Open("/proc/self/net/packet")
	if err != nil {
		return inodes
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header: sk RefCnt Type Proto Iface R Rmem User Inode
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 0 {
			inodes[fields[len(fields)-1]] = true
		}
	}
	return inodes
}

// readEvents records the probe events named with EventPrefix, as
// "kprobe_events: p:luabpf_x/sym". Without tracefs there are none to read.
func (s *snapshot) readEvents() error {
	dir, err := tracefs.Find()
	if err != nil || dir == "" {
		return err
	}
	for _, name := range []string{"kprobe_events", "uprobe_events"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if os.IsNotExist(err) {
			continue // kernel without this probe type
		}
		if err != nil {
			if os.IsPermission(err) {
				continue // not root: nothing to compare
			}
			return err
		}
		for line := range strings.Lines(string(data)) {
			// "p:GROUP/EVENT TARGET ...": match the name only, since a
			// probed path may contain anything.
			id, _, _ := strings.Cut(strings.TrimSpace(line), " ")
			if _, ev, ok := strings.Cut(id, ":"); ok && strings.Contains(ev, EventPrefix) {
				s.events[name+": "+id] = true
			}
		}
	}
	return nil
}

// pidInEvent finds the pid in a group named "luabpf_<pid>_<random>".
var pidInEvent = regexp.MustCompile(EventPrefix + `([0-9]+)_[0-9a-zA-Z]+/`)

// ownEvent reports whether an event that appeared during the run is this
// process's: its group names this process's pid, or no pid at all.
func ownEvent(ev string) bool {
	m := pidInEvent.FindStringSubmatch(ev)
	return m == nil || m[1] == strconv.Itoa(os.Getpid())
}
