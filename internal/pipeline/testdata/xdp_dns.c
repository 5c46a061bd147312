/* The logic of lua/xdp_dns.lua in C, for BenchmarkXDP: count the low
 * octet of the QTYPE of UDP messages after up to two QNAME labels.
 *
 * It does what the Lua does on every frame, short ones included. The
 * Lua compares udp.length as read, in network order, with 12. A byte of
 * the payload past the end of the frame reads 0 there, so the name is
 * taken to end and QTYPE 0 is counted: each read below is guarded the
 * same way. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 256);
	__type(key, __u32);
	__type(value, __u32);
} map SEC(".maps");

/* byte reads p[i], or 0 past the end. */
static __always_inline __u8 byte(__u8 *p, int i, void *end)
{
	return (void *)(p + i + 1) > end ? 0 : p[i];
}

SEC("xdp")
int xdp_dns(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + ETH_HLEN;

	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_UDP)
		return XDP_PASS;
	struct udphdr *udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end || udp->len < 12)
		return XDP_PASS;
	__u8 *p = (__u8 *)(udp + 1) + 12;
	__u8 label = byte(p, 0, end);
	if (label > 0) {
		p += label + 1;
		label = byte(p, 0, end);
		if (label > 0)
			p += label + 1;
	}
	if (byte(p, 0, end) == 0) {
		__u32 qtype = byte(p, 2, end);
		__u32 *v = bpf_map_lookup_elem(&map, &qtype);
		if (v)
			__sync_fetch_and_add(v, 1);
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
