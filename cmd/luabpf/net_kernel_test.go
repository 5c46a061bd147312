package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/link"
	"github.com/luabpf/luabpf/internal/kerneltest"
	"github.com/luabpf/luabpf/internal/packet"
	"golang.org/x/sys/unix"
)

// The XDP and TC examples run as a user runs them, in a network
// namespace of the test's own with a veth pair veth0-veth1: frames the
// test sends on one end arrive at the other, and a packet socket on the
// far end tells which got through.

// exampleScript is the path of a repository example.
func exampleScript(name string) string {
	p, _ := filepath.Abs(filepath.Join("..", "..", "examples", name))
	return p
}

// marker ends the payload of every frame the tests send, so the
// receiving socket tells them from the namespace's own traffic.
var marker = []byte("luabpf-net-test")

// markedUDP is a UDP frame from veth1's side to port dport, numbered n.
func markedUDP(dport uint16, n int) []byte {
	payload := append([]byte{byte(n)}, marker...)
	return packet.Ethernet(packet.EthIPv4).
		IPv4(packet.IPv4{Src: cip4a, Dst: cip4b, Proto: packet.ProtoUDP}).
		UDP(40000, dport).Payload(payload).Bytes()
}

// isMarked reports whether frame is one markedUDP made.
func isMarked(frame []byte) bool { return bytes.HasSuffix(frame, marker) }

// portOf is the UDP destination port of a markedUDP frame.
func portOf(frame []byte) uint16 {
	return binary.BigEndian.Uint16(frame[packet.EthHdrLen+packet.IPv4HdrLen+2:])
}

// sendAndCount sends drop frames to port 9 and pass frames to port 10 on
// out, and counts by port the marked frames in arrives, until pass
// have come (or a second has passed since the last one).
func sendAndCount(t *testing.T, out, in *kerneltest.PacketConn, drop, pass int) map[uint16]int {
	t.Helper()
	for i := range max(drop, pass) {
		if i < drop {
			// A frame a TC egress program drops is an ENOBUFS to the
			// packet socket that sent it.
			if err := out.Send(markedUDP(9, i)); err != nil && !errors.Is(err, unix.ENOBUFS) {
				t.Fatal(err)
			}
		}
		if i < pass {
			if err := out.Send(markedUDP(10, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	got := map[uint16]int{}
	for got[10] < pass {
		f, err := in.Receive(time.Second, isMarked)
		if err != nil {
			t.Fatal(err)
		}
		if f == nil {
			break
		}
		got[portOf(f)]++
	}
	// Anything dropped would have come with the others: wait a little
	// for a straggler.
	if f, _ := in.Receive(100*time.Millisecond, isMarked); f != nil {
		got[portOf(f)]++
	}
	return got
}

var (
	droppedLine = regexp.MustCompile(`^dropped (\d+)$`)
	tcLine      = regexp.MustCompile(`^dropped (\d+), passed (\d+)$`)
	xdpProgID   = regexp.MustCompile(`prog/xdp id (\d+)`)
)

// waitLine reads p's lines until one matches re with the values want,
// failing the test after timeout.
func waitLine(t *testing.T, p *proc, re *regexp.Regexp, timeout time.Duration, want ...string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		l := p.next(t, time.Until(deadline))
		last = l.text
		if m := re.FindStringSubmatch(l.text); m != nil && slicesEqual(m[1:], want) {
			return
		}
	}
	t.Fatalf("no line %v %v within %v; last %q", re, want, timeout, last)
}

func slicesEqual(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stop interrupts luabpf and checks it exits cleanly.
func stop(t *testing.T, p *proc) {
	t.Helper()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if code, _ := p.wait(t, 3*time.Second); code != 0 {
		t.Errorf("exit status %d after SIGINT, want 0; stderr:\n%s", code, p.stderr)
	}
}

// TestXDPDropExample runs examples/xdp-drop.lua on veth0, in each XDP
// mode, while frames to port 9 and 10 come from veth1: the ones to port
// 9 are dropped and counted exactly, the others arrive. After the script
// ends no XDP program is left on veth0 and the program is gone.
func TestXDPDropExample(t *testing.T) {
	kerneltest.Require(t)
	for _, mode := range []string{"", "generic"} {
		name := mode
		if name == "" {
			name = "auto"
		}
		t.Run(name, func(t *testing.T) {
			ns := kerneltest.NewNetns(t)
			ns.Veth(t, "veth0", "veth1")
			script := exampleScript("xdp-drop.lua")
			if mode != "" {
				// The same example with the mode passed to bpf.xdp.
				src, err := os.ReadFile(script)
				if err != nil {
					t.Fatal(err)
				}
				script = filepath.Join(t.TempDir(), "xdp-drop.lua")
				text := strings.Replace(string(src), "\treturn BPF.XDP_PASS\nend)", "\treturn BPF.XDP_PASS\nend, '"+mode+"')", 1)
				if err := os.WriteFile(script, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			in := ns.OpenPacket(t, "veth0")
			out := ns.OpenPacket(t, "veth1")
			p := startLuabpf(t, ns, script, "0.05")
			waitLine(t, p, droppedLine, 10*time.Second, "0")
			show, err := ns.Command("ip", "-d", "link", "show", "dev", "veth0")
			m := xdpProgID.FindStringSubmatch(show)
			if err != nil || m == nil {
				t.Fatalf("no XDP program on veth0 while the script runs (%v):\n%s", err, show)
			}
			id, _ := strconv.Atoi(m[1])

			got := sendAndCount(t, out, in, 5, 7)
			if got[9] != 0 || got[10] != 7 {
				t.Errorf("veth0 received %d frames to port 9 and %d to port 10, want 0 and 7", got[9], got[10])
			}
			waitLine(t, p, droppedLine, 5*time.Second, "5")
			stop(t, p)

			show, _ = ns.Command("ip", "-d", "link", "show", "dev", "veth0")
			if strings.Contains(show, "xdp") {
				t.Errorf("veth0 still has an XDP program after luabpf exited:\n%s", show)
			}
			waitProgGone(t, ebpf.ProgramID(id))
			if got := sendAndCount(t, out, in, 2, 2); got[9] != 2 || got[10] != 2 {
				t.Errorf("after exit veth0 received %v, want 2 frames to each port", got)
			}
		})
	}
}

// TestTCEgressExample runs examples/tc-egress.lua, which counts UDP
// leaving veth0 and drops what goes to port 9: veth1 receives only the
// rest, the counts are exact, and after the script ends no tcx program,
// link or qdisc is left on veth0.
func TestTCEgressExample(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	ns.Veth(t, "veth0", "veth1")
	qdiscs, _ := ns.Command("tc", "qdisc", "show", "dev", "veth0")
	out := ns.OpenPacket(t, "veth0")
	in := ns.OpenPacket(t, "veth1")
	p := startLuabpf(t, ns, exampleScript("tc-egress.lua"), "0.05")
	waitLine(t, p, tcLine, 10*time.Second, "0", "0")
	ids := tcxPrograms(t, ns, "veth0")
	if len(ids) != 1 {
		t.Fatalf("%d tcx egress programs on veth0 while the script runs, want 1", len(ids))
	}

	got := sendAndCount(t, out, in, 4, 6)
	if got[9] != 0 || got[10] != 6 {
		t.Errorf("veth1 received %d frames to port 9 and %d to port 10, want 0 and 6", got[9], got[10])
	}
	waitLine(t, p, tcLine, 5*time.Second, "4", "6")
	stop(t, p)

	if ids := tcxPrograms(t, ns, "veth0"); len(ids) != 0 {
		t.Errorf("tcx egress programs %v left on veth0 after luabpf exited", ids)
	}
	waitProgGone(t, ids[0])
	if after, _ := ns.Command("tc", "qdisc", "show", "dev", "veth0"); after != qdiscs {
		t.Errorf("qdiscs of veth0 changed:\n%s\nwere:\n%s", after, qdiscs)
	}
	if got := sendAndCount(t, out, in, 2, 2); got[9] != 2 || got[10] != 2 {
		t.Errorf("after exit veth1 received %v, want 2 frames to each port", got)
	}
}

// tcxPrograms lists the ids of the programs attached to iface's tcx
// egress.
func tcxPrograms(t *testing.T, ns *netns, iface string) []ebpf.ProgramID {
	t.Helper()
	idx := ns.Ifindex(t, iface)
	var ids []ebpf.ProgramID
	err := ns.Do(func() error {
		res, err := link.QueryPrograms(link.QueryOptions{Target: idx, Attach: ebpf.AttachTCXEgress})
		if err != nil {
			return err
		}
		for _, p := range res.Programs {
			ids = append(ids, p.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("query the tcx programs of %s: %v", iface, err)
	}
	return ids
}

// TestTCNeedsAnInterface checks the error for an interface that does
// not exist, at the script's line.
func TestTCNeedsAnInterface(t *testing.T) {
	kerneltest.Require(t)
	ns := kerneltest.NewNetns(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "tc.lua")
	src := "local bpf = require('bpf')\nbpf.tc('nope0', 'ingress', function (skb) return 0 end)\n"
	if err := os.WriteFile(script, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := startLuabpf(t, ns, script)
	code, _ := p.wait(t, 5*time.Second)
	want := fmt.Sprintf("%s:2: bpf.tc: 'nope0' is not a network interface", "tc.lua")
	if code != 1 || !strings.Contains(p.stderr.String(), want) {
		t.Errorf("exit status %d, stderr:\n%s\nwant status 1 and %q", code, p.stderr, want)
	}
}
