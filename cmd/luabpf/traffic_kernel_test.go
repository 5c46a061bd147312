package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// Frame sizes on lo, whose "Ethernet" header is 14 bytes; a filter on a
// packet socket sees skb->len as the whole frame.
const (
	ethHeader  = 14
	ipv4Header = 20
	udpHeader  = 8
	icmpHeader = 8
)

// Protocol numbers as pkt.ip.proto reads them.
const (
	protoICMP = 1
	protoTCP  = 6
	protoUDP  = 17
)

// localhost is 127.0.0.1.
var localhost = net.IPv4(127, 0, 0, 1)

// sendUDPToClosedPort sends n datagrams of payload bytes from an
// unconnected socket to a port nobody listens on. On lo each datagram is
// seen twice (outgoing, then incoming), and so is the ICMP port
// unreachable the kernel answers with, which quotes the whole datagram.
func sendUDPToClosedPort(t *testing.T, ns *netns, n, payload int, want map[byte]tally) {
	t.Helper()
	var conn net.PacketConn
	if err := ns.Do(func() (err error) {
		conn, err = net.ListenPacket("udp4", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dst := &net.UDPAddr{IP: localhost, Port: 9} // discard: closed in a fresh namespace
	for range n {
		if _, err := conn.WriteTo(make([]byte, payload), dst); err != nil {
			t.Fatal(err)
		}
		// Stay well under the kernel's global ICMP error rate limit
		// (net.ipv4.icmp_msgs_per_sec, icmp_msgs_burst).
		time.Sleep(20 * time.Millisecond)
	}
	datagram := ipv4Header + udpHeader + payload
	add(want, protoUDP, 2*n, ethHeader+datagram)
	add(want, protoICMP, 2*n, ethHeader+ipv4Header+icmpHeader+datagram)
}

// sendICMPEcho pings 127.0.0.1 n times with payload bytes and waits for
// each reply. Request and reply are each seen twice.
func sendICMPEcho(t *testing.T, ns *netns, n, payload int, want map[byte]tally) {
	t.Helper()
	var conn net.PacketConn
	if err := ns.Do(func() (err error) {
		conn, err = net.ListenPacket("ip4:icmp", "127.0.0.1")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const id = 0x4c75
	for seq := range n {
		msg := make([]byte, icmpHeader+payload)
		msg[0] = 8 // echo request
		binary.BigEndian.PutUint16(msg[4:], id)
		binary.BigEndian.PutUint16(msg[6:], uint16(seq))
		binary.BigEndian.PutUint16(msg[2:], checksum(msg))
		if _, err := conn.WriteTo(msg, &net.IPAddr{IP: localhost}); err != nil {
			t.Fatal(err)
		}
		waitEchoReply(t, conn, id, seq)
	}
	add(want, protoICMP, 4*n, ethHeader+ipv4Header+icmpHeader+payload)
}

// waitEchoReply reads conn until the echo reply id/seq arrives; the raw
// socket also receives the requests.
func waitEchoReply(t *testing.T, conn net.PacketConn, id, seq int) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 1500)
	for {
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			t.Fatalf("no echo reply %d: %v", seq, err)
		}
		if n >= icmpHeader && buf[0] == 0 && int(binary.BigEndian.Uint16(buf[4:])) == id &&
			int(binary.BigEndian.Uint16(buf[6:])) == seq {
			return
		}
	}
}

// checksum is the Internet checksum of b.
func checksum(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

func add(want map[byte]tally, proto byte, packets, frameLen int) {
	c := want[proto]
	c.packets += uint64(packets)
	c.bytes += uint64(packets * frameLen)
	want[proto] = c
}

// tcpExchange makes n TCP connections to a local server, each sending a
// few bytes and closing. How many segments that takes is up to TCP, so it
// returns no tally; a connection takes at least its handshake's three.
func tcpExchange(t *testing.T, ns *netns, n int) {
	t.Helper()
	var ln net.Listener
	if err := ns.Do(func() (err error) {
		ln, err = net.Listen("tcp4", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	for range n {
		var c net.Conn
		if err := ns.Do(func() (err error) {
			c, err = net.Dial("tcp4", ln.Addr().String())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
	// Let the connections finish their teardown.
	time.Sleep(100 * time.Millisecond)
}

// dnsQuery is a DNS query for name (dot-separated labels) with qtype,
// padded with zero bytes to size when size is larger.
func dnsQuery(name string, qtype uint16, size int) []byte {
	var b bytes.Buffer
	b.Write([]byte{0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}) // id, RD, one question
	if name != "" {
		for _, label := range bytes.Split([]byte(name), []byte(".")) {
			b.WriteByte(byte(len(label)))
			b.Write(label)
		}
	}
	b.WriteByte(0)
	binary.Write(&b, binary.BigEndian, qtype)
	binary.Write(&b, binary.BigEndian, uint16(1)) // class IN
	for b.Len() < size {
		b.WriteByte(0)
	}
	return b.Bytes()
}

// sendDNS sends each query n times as a datagram to 127.0.0.1:53, where a
// socket of the test receives them without answering.
func sendDNS(t *testing.T, ns *netns, n int, queries ...[]byte) {
	t.Helper()
	var server, client net.PacketConn
	if err := ns.Do(func() (err error) {
		if server, err = net.ListenPacket("udp4", "127.0.0.1:53"); err != nil {
			return err
		}
		client, err = net.ListenPacket("udp4", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	defer client.Close()
	buf := make([]byte, 1500)
	for _, q := range queries {
		for range n {
			if _, err := client.WriteTo(q, server.LocalAddr()); err != nil {
				t.Fatal(err)
			}
			// Receiving it means it crossed lo in both directions.
			server.SetReadDeadline(time.Now().Add(2 * time.Second))
			if _, _, err := server.ReadFrom(buf); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// An httpServer answers every request on 127.0.0.1 in ns.
type httpServer struct {
	url    string
	client *http.Client
}

func startHTTPServer(t *testing.T, ns *netns) *httpServer {
	t.Helper()
	var ln net.Listener
	if err := ns.Do(func() (err error) {
		ln, err = net.Listen("tcp4", "127.0.0.1:0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		fmt.Fprintln(w, "ok")
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	dial := func(ctx context.Context, network, addr string) (c net.Conn, err error) {
		err = ns.Do(func() error {
			c, err = (&net.Dialer{}).DialContext(ctx, network, addr)
			return err
		})
		return c, err
	}
	tr := &http.Transport{DialContext: dial}
	t.Cleanup(tr.CloseIdleConnections)
	return &httpServer{url: "http://" + ln.Addr().String() + "/", client: &http.Client{Transport: tr}}
}

// request sends one request and reads the answer.
func (s *httpServer) request(t *testing.T, method string) {
	t.Helper()
	var body io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		body = bytes.NewReader([]byte("x=1"))
	}
	req, err := http.NewRequest(method, s.url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %s", method, s.url, resp.Status)
	}
}
