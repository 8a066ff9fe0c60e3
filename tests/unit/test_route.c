/*
 * test_route.c  What the server transport notes on a request and where
 * responses go (RFC 3261 18.2.1, 18.2.2, RFC 3581), which addresses are
 * ours, and the branch / loop-detection rules (RFC 3261 16.3 item 4, 16.6
 * item 8).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../src/srv/srv_int.h"
#include "tz/tz_hdr.h"
#include "tz_test.h"

static struct tz_hdr hdrs[64];

static int parse(struct tz_msg *m, const char *s)
{
	tz_msg_init(m, hdrs, 64);
	return tz_msg_parse(m, s, strlen(s), NULL);
}

/* An OPTIONS with top Via @p via, printed into @p buf and parsed. */
static int parse_via(struct tz_msg *m, char *buf, size_t n, const char *via)
{
	snprintf(buf, n,
	         "OPTIONS sip:x SIP/2.0\r\nVia: %s\r\n"
	         "From: <sip:a@b>;tag=1\r\nTo: <sip:x>\r\n"
	         "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n",
	         via);
	return parse(m, buf);
}

static void src4(struct tz_tp_dest *d, const char *ip, unsigned port,
                 enum tz_tp_proto tp)
{
	struct sockaddr_in *a = (struct sockaddr_in *)&d->addr;

	memset(d, 0, sizeof(*d));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, ip, &a->sin_addr);
	d->addrlen = sizeof(*a);
	d->tp = tp;
	d->reliable = tp != TZ_TP_UDP;
	d->conn = 7;
}

static unsigned port_of(const struct tz_tp_dest *d)
{
	return ntohs(((const struct sockaddr_in *)&d->addr)->sin_port);
}

static int test_via_fix(void)
{
	static const struct {
		const char *via;  /* top Via of the request */
		const char *src;  /* source IP (port 5000) */
		int needs;        /* via_needs_fix */
		const char *want; /* the Via after via_fix */
	} rows[] = {
	        /* RFC3261 18.2.1: sent-by is the source: nothing */
	        {"SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1", "127.0.0.1", 0,
	         NULL},
	        /* another IP: received */
	        {"SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1", "127.0.0.1", 1,
	         "SIP/2.0/UDP "
	         "10.0.0.1:5060;branch=z9hG4bK1;received=127.0.0.1"},
	        /* a host name is never the source IP */
	        {"SIP/2.0/UDP pc.example.com;branch=z9hG4bK1", "127.0.0.1", 1,
	         "SIP/2.0/UDP "
	         "pc.example.com;branch=z9hG4bK1;received=127.0.0.1"},
	        /* RFC3581 4: rport filled in, received added even if equal */
	        {"SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bK1",
	         "127.0.0.1", 1,
	         "SIP/2.0/UDP "
	         "127.0.0.1:5060;rport=5000;branch=z9hG4bK1;received="
	         "127.0.0.1"},
	        /* a right received already there: nothing */
	        {"SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;received=127.0.0.1",
	         "127.0.0.1", 0, NULL},
	        /* a wrong one is replaced */
	        {"SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;branch=z9hG4bK1",
	         "127.0.0.1", 1,
	         "SIP/2.0/UDP 10.0.0.1;received=127.0.0.1;branch=z9hG4bK1"},
	        /* bare rport and received both present */
	        {"SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;rport;branch=z9hG4bK1",
	         "127.0.0.1", 1,
	         "SIP/2.0/UDP 10.0.0.1;received=127.0.0.1;rport=5000;branch="
	         "z9hG4bK1"},
	        /* no via-params at all (RFC 2543): after sent-by */
	        {"SIP/2.0/UDP 10.0.0.1", "127.0.0.1", 1,
	         "SIP/2.0/UDP 10.0.0.1;received=127.0.0.1"},
	        {"SIP/2.0/UDP 10.0.0.1 : 5062", "127.0.0.1", 1,
	         "SIP/2.0/UDP 10.0.0.1 : 5062;received=127.0.0.1"},
	        /* IPv6 sent-by against an IPv4 source */
	        {"SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1", "127.0.0.1", 1,
	         "SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;received=127.0.0.1"},
	};
	char msg[1024], out[1024];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tz_msg m, m2;
		struct tz_tp_dest src;
		const struct tz_hdr *h;
		size_t n = 0;

		TZ_EXPECT_INT(parse_via(&m, msg, sizeof(msg), rows[i].via), 0);
		src4(&src, rows[i].src, 5000, TZ_TP_UDP);
		TZ_EXPECT_INT(via_needs_fix(&m, &src), rows[i].needs);
		if (!rows[i].want)
			continue;
		TZ_EXPECT_INT(via_fix(&m, &src, out, sizeof(out), &n), 0);
		out[n] = 0;
		TZ_EXPECT_INT(parse(&m2, out), 0);
		h = tz_msg_hdr_find(&m2, TZ_HDR_VIA, 0);
		TZ_EXPECT(h != NULL);
		if (h)
			TZ_EXPECT_SPAN(m2.buf, h->value, rows[i].want);
		/* once fixed, nothing more to do */
		TZ_EXPECT_INT(via_needs_fix(&m2, &src), 0);
		/* too small an output buffer is refused */
		TZ_EXPECT_INT(via_fix(&m, &src, out, 20, &n), -ENOBUFS);
	}
	/* via_prefix, on the raw bytes, does exactly what via_fix does
	 * after a parse, and nothing when no fix is needed */
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tz_msg m;
		struct tz_tp_dest src;
		char pre[1024];
		size_t n = 0, k = 0;
		struct tz_via_hint hint;

		TZ_EXPECT_INT(parse_via(&m, msg, sizeof(msg), rows[i].via), 0);
		src4(&src, rows[i].src, 5000, TZ_TP_UDP);
		TZ_EXPECT_INT(via_prefix(msg, strlen(msg), &src, pre,
		                         sizeof(pre), &k, &hint),
		              rows[i].needs);
		if (!rows[i].needs) {
			/* the decode is handed to the parse */
			TZ_EXPECT(hint.buf == msg);
			if (hint.buf)
				TZ_EXPECT(hint.via.port == m.via1.port &&
				          hint.via.branch.off ==
				                  m.via1.branch.off &&
				          hint.via.host.len == m.via1.host.len);
			continue;
		}
		TZ_EXPECT(hint.buf == pre);
		TZ_EXPECT_INT(via_fix(&m, &src, out, sizeof(out), &n), 0);
		TZ_EXPECT(k == n && memcmp(pre, out, n) == 0);
	}
	return 0;
}

static bool span_is(struct tz_span a, struct tz_span b)
{
	return a.off == b.off && a.len == b.len;
}

/* Every field of two decoded via-parms. */
static bool via_equal(const struct tz_via *a, const struct tz_via *b)
{
	return span_is(a->proto, b->proto) && span_is(a->version, b->version) &&
	       span_is(a->transport, b->transport) &&
	       span_is(a->host, b->host) && span_is(a->branch, b->branch) &&
	       span_is(a->received, b->received) &&
	       span_is(a->maddr, b->maddr) && span_is(a->params, b->params) &&
	       a->port == b->port && a->rport == b->rport && a->ttl == b->ttl &&
	       a->has == b->has && a->host_type == b->host_type;
}

/* When via_prefix fixes the top Via it hands the parse that decode moved
 * onto the fixed bytes: the same, field for field, as decoding them. */
static int test_via_hint_fixed(void)
{
	static const char *const vias[] = {
	        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1",
	        "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1;rport",
	        "SIP/2.0/UDP 127.0.0.1:5060;rport;branch=z9hG4bK1",
	        "SIP/2.0/UDP "
	        "10.0.0.1;rport;maddr=10.1.1.1;ttl=9;branch=z9hG4bKx",
	        "SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;branch=z9hG4bK1",
	        "SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;rport;branch=z9hG4bK1",
	        "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;rport;received=10.9.9.99",
	        "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1;rport , SIP/2.0/TCP h",
	        "SIP/2.0/TCP pc.example.com;branch=z9hG4bK1 ;rport",
	        "SIP/2.0/UDP [::1]:5060;branch=z9hG4bK1;x=1;rport;y",
	        "SIP/2.0/UDP 10.0.0.1",
	};
	char msg[1024], pre[1024];

	for (size_t i = 0; i < sizeof(vias) / sizeof(vias[0]); i++) {
		struct tz_msg m, fixed;
		struct tz_tp_dest src;
		struct tz_via_hint hint;
		struct tz_via dec;
		struct tz_hdr h2[16];
		const struct tz_hdr *h;
		size_t k = 0;
		uint32_t p;

		TZ_EXPECT_INT(parse_via(&m, msg, sizeof(msg), vias[i]), 0);
		src4(&src, "127.0.0.1", 5000, TZ_TP_UDP);
		TZ_EXPECT_INT(via_prefix(msg, strlen(msg), &src, pre,
		                         sizeof(pre) - 1, &k, &hint),
		              1);
		TZ_EXPECT(hint.buf == pre);
		if (hint.buf != pre)
			continue;
		pre[k] = 0;
		tz_msg_init(&fixed, h2, 16);
		TZ_EXPECT_INT(tz_msg_parse(&fixed, pre, k, NULL), 0);
		h = tz_msg_hdr_find(&fixed, TZ_HDR_VIA, 0);
		TZ_EXPECT(h != NULL);
		if (!h)
			continue;
		TZ_EXPECT(span_is(hint.val, h->value));
		p = h->value.off;
		TZ_EXPECT_INT(tz_via_decode(&dec, pre, &p,
		                            h->value.off + h->value.len),
		              0);
		TZ_EXPECT_INT(hint.end, p);
		TZ_EXPECT(via_equal(&hint.via, &dec));
		TZ_EXPECT(via_equal(&hint.via, &fixed.via1));
	}
	return 0;
}

/* via_prefix finds the first Via by a line scan: after other fields, in
 * the compact form; it leaves responses, folded lines and messages
 * without a Via to the parser (0). */
static int test_via_prefix(void)
{
	static const struct {
		const char *msg;
		int fixed;
		const char *want; /* a substring of the fixed message */
	} rows[] = {
	        {"OPTIONS sip:x SIP/2.0\r\nFrom: <sip:a@b>;tag=1\r\n"
	         "v : SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bK1 \r\n"
	         "To: <sip:x>\r\n\r\n",
	         1,
	         "\r\nv : SIP/2.0/UDP "
	         "10.0.0.1:5060;rport=5000;branch=z9hG4bK1;received=127.0.0.1 "
	         "\r\n"},
	        {"OPTIONS sip:x SIP/2.0\r\nVIA:SIP/2.0/TCP h;branch=z9hG4bK2, "
	         "SIP/2.0/UDP 10.0.0.2\r\n\r\n",
	         1,
	         "VIA:SIP/2.0/TCP h;branch=z9hG4bK2;received=127.0.0.1, "
	         "SIP/2.0/UDP 10.0.0.2\r\n"},
	        {"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;rport\r\n\r\n", 0, NULL},
	        {"OPTIONS sip:x SIP/2.0\r\nFrom: <sip:a@b>\r\n ;tag=1\r\n"
	         "Via: SIP/2.0/UDP h;rport\r\n\r\n",
	         0, NULL},
	        {"OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h;rport,\r\n "
	         "SIP/2.0/UDP g\r\n\r\n",
	         0, NULL},
	        {"OPTIONS sip:x SIP/2.0\r\nTo: <sip:x>\r\n\r\nVia: "
	         "SIP/2.0/UDP h;rport\r\n",
	         0, NULL},
	        {"OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP ;rport\r\n\r\n", 0,
	         NULL},
	        {"OPTIONS sip:x SIP/2.0\r\nVias: SIP/2.0/UDP h;rport\r\n", 0,
	         NULL},
	};
	struct tz_tp_dest src;
	struct tz_via_hint hint;
	char out[1024];

	src4(&src, "127.0.0.1", 5000, TZ_TP_UDP);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t n = 0;

		TZ_EXPECT_INT(via_prefix(rows[i].msg, strlen(rows[i].msg), &src,
		                         out, sizeof(out), &n, &hint),
		              rows[i].fixed);
		if (!rows[i].want)
			continue;
		out[n] = 0;
		TZ_EXPECT(strstr(out, rows[i].want) != NULL);
	}
	return 0;
}

/* The parse takes the top Via that via_prefix decoded, for that buffer
 * and that field only; the other via-parms are decoded as always. */
static int test_via_hint(void)
{
	static const char msg[] =
	        "OPTIONS sip:x SIP/2.0\r\n"
	        "Via: SIP/2.0/UDP 127.0.0.1:5000;branch=z9hG4bKa, SIP/2.0/TCP "
	        "h2;branch=z9hG4bKb\r\n"
	        "From: <sip:a@b>;tag=1\r\nTo: <sip:x>\r\n"
	        "Call-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
	struct tz_msg_limits lim = tz_msg_limits_default;
	struct tz_via_hint hint;
	struct tz_tp_dest src;
	struct tz_msg m, plain;
	struct tz_hdr h2[16];
	char copy[sizeof(msg)], out[512];
	size_t n;

	src4(&src, "127.0.0.1", 5000, TZ_TP_UDP);
	TZ_EXPECT_INT(
	        via_prefix(msg, strlen(msg), &src, out, sizeof(out), &n, &hint),
	        0);
	TZ_EXPECT(hint.buf == msg);
	if (!hint.buf)
		return 0;
	tz_msg_init(&plain, h2, 16);
	TZ_EXPECT_INT(tz_msg_parse(&plain, msg, strlen(msg), NULL), 0);
	lim.via1 = &hint;
	tz_msg_init(&m, hdrs, 64);
	TZ_EXPECT_INT(tz_msg_parse(&m, msg, strlen(msg), &lim), 0);
	/* the same message as without the hint */
	TZ_EXPECT_INT(m.nvia, 2);
	TZ_EXPECT_INT(plain.nvia, 2);
	TZ_EXPECT_INT(m.via1.port, plain.via1.port);
	TZ_EXPECT_INT(m.via1.has, plain.via1.has);
	TZ_EXPECT_SPAN(m.buf, m.via1.branch, "z9hG4bKa");
	TZ_EXPECT_SPAN(m.buf, m.via1.host, "127.0.0.1");
	TZ_EXPECT(m.via1.params.off == plain.via1.params.off &&
	          m.via1.params.len == plain.via1.params.len);
	/* the hint is what the parse uses: a marked one shows through */
	hint.via.port = 4242;
	TZ_EXPECT_INT(tz_msg_parse(&m, msg, strlen(msg), &lim), 0);
	TZ_EXPECT_INT(m.via1.port, 4242);
	TZ_EXPECT_INT(m.nvia, 2);
	/* ... for those bytes only: another buffer, another field value */
	memcpy(copy, msg, sizeof(msg));
	TZ_EXPECT_INT(tz_msg_parse(&m, copy, strlen(copy), &lim), 0);
	TZ_EXPECT_INT(m.via1.port, 5000);
	hint.val.len--;
	TZ_EXPECT_INT(tz_msg_parse(&m, msg, strlen(msg), &lim), 0);
	TZ_EXPECT_INT(m.via1.port, 5000);
	return 0;
}

static int test_resp_dest(void)
{
	static const struct {
		const char *via;
		enum tz_tp_proto tp;
		const char *ip;
		unsigned port;
	} rows[] = {
	        /* RFC3261 18.2.2: received IP, sent-by port */
	        {"SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK1", TZ_TP_UDP,
	         "192.0.2.1", 5062},
	        /* no port: 5060 */
	        {"SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK1", TZ_TP_UDP, "192.0.2.1",
	         5060},
	        /* RFC3581 4: rport: the source port */
	        {"SIP/2.0/UDP 10.0.0.1:5062;rport;branch=z9hG4bK1", TZ_TP_UDP,
	         "192.0.2.1", 4000},
	        /* maddr: that address, the sent-by port */
	        {"SIP/2.0/UDP 10.0.0.1:5062;maddr=198.51.100.7;branch=z9hG4bK1",
	         TZ_TP_UDP, "198.51.100.7", 5062},
	        /* reliable: the connection, else source IP + sent-by port */
	        {"SIP/2.0/TCP 10.0.0.1:5062;branch=z9hG4bK1", TZ_TP_TCP,
	         "192.0.2.1", 5062},
	        {"SIP/2.0/TCP 10.0.0.1;rport;branch=z9hG4bK1", TZ_TP_TCP,
	         "192.0.2.1", 5060},
	};
	char msg[1024], ip[64];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct tz_msg m;
		struct tz_tp_dest src, out;

		TZ_EXPECT_INT(parse_via(&m, msg, sizeof(msg), rows[i].via), 0);
		src4(&src, "192.0.2.1", 4000, rows[i].tp);
		tz_resp_dest(&m, &src, &out);
		inet_ntop(AF_INET, &((struct sockaddr_in *)&out.addr)->sin_addr,
		          ip, sizeof(ip));
		TZ_EXPECT(strcmp(ip, rows[i].ip) == 0);
		TZ_EXPECT_INT(port_of(&out), rows[i].port);
		/* the socket or connection it came in on is kept */
		TZ_EXPECT_INT(out.conn, 7);
		TZ_EXPECT_INT(out.tp, rows[i].tp);
	}
	return 0;
}

static void config(struct tz_config *c)
{
	char err[256];

	tz_config_default(c);
	TZ_EXPECT_INT(tz_config_set(c, "listen", "udp:127.0.0.1:5070", 1, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(tz_config_set(c, "listen", "udp:[::1]:5071", 0, err,
	                            sizeof(err)),
	              0);
	TZ_EXPECT_INT(
	        tz_config_set(c, "domain", "example.org", 0, err, sizeof(err)),
	        0);
}

static int test_local(void)
{
	static struct tz_config c;
	static const struct {
		const char *host;
		int port;
		bool local;
	} rows[] = {
	        {"127.0.0.1", 5070, true},
	        {"127.0.0.1", -1, false}, /* 5060: not ours */
	        {"127.0.0.1", 5071, false},
	        {"127.0.0.2", 5070, false},
	        {"[::1]", 5071, true},
	        {"::1", 5071, true},
	        {"[::1]", 5070, false},
	        {"localhost", -1, true}, /* a served domain, any port */
	        {"LocalHost", 5070, true},
	        {"example.org", -1, true},
	        {"example.org", 5080, false},
	        {"example.com", -1, false},
	        {"10.0.0.1", 5070, false},
	};

	config(&c);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		TZ_EXPECT_INT(srv_is_local(&c, rows[i].host,
		                           strlen(rows[i].host), rows[i].port,
		                           TZ_TP_UDP),
		              rows[i].local);
	TZ_EXPECT(srv_is_domain(&c, "EXAMPLE.org", 11));
	TZ_EXPECT(!srv_is_domain(&c, "example.or", 10));
	return 0;
}

static int test_branch(void)
{
	char b[80];

	for (unsigned w = 0; w < 300; w += 37) {
		int n = make_branch(b, sizeof(b), w, 0xdeadbeef);

		TZ_EXPECT(n > 20 && (size_t)n < sizeof(b));
		/* RFC3261 8.1.1.7: the magic cookie first */
		TZ_EXPECT(strncmp(b, "z9hG4bK", 7) == 0);
		TZ_EXPECT_INT(branch_worker(b, strlen(b)), (int)w);
		TZ_EXPECT(strstr(b, ".deadbeef.") != NULL);
	}
	/* the exact shape: worker in hex, the loop hash in 8 hex digits,
	 * 16 random hex digits; truncated like snprintf */
	TZ_EXPECT_INT(make_branch(b, sizeof(b), 0x1a, 0x12),
	              9 + 2 + 1 + 8 + 1 + 16);
	TZ_EXPECT(strncmp(b, "z9hG4bKtz1a.00000012.", 21) == 0);
	TZ_EXPECT(strspn(b + 21, "0123456789abcdef") == 16 && !b[37]);
	TZ_EXPECT_INT(make_branch(b, 8, 0, 0), 9 + 1 + 1 + 8 + 1 + 16);
	TZ_EXPECT(strcmp(b, "z9hG4bK") == 0);
	TZ_EXPECT_INT(branch_worker("z9hG4bK-1-0", 11), -1);
	TZ_EXPECT_INT(branch_worker("z9hG4bKtz", 9), -1);
	TZ_EXPECT_INT(branch_worker("z9hG4bKtzq.1", 12), -1);
	TZ_EXPECT_INT(branch_worker("z9hG4bKtz3", 10), -1); /* no '.' */
	return 0;
}

#define OURS                                                                   \
	"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=@\r\n"                         \
	"Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKabc\r\n"

/* The INVITE of test_loop as it comes back: @p vias (with '@' where our
 * branch goes), then @p extra header fields. */
static void looped(char *out, size_t n, const char *ruri, const char *vias,
                   const char *branch, const char *extra)
{
	char v[512];
	const char *at = strchr(vias, '@');

	snprintf(v, sizeof(v), "%.*s%s%s", (int)(at - vias), vias, branch,
	         at + 1);
	snprintf(
	        out, n,
	        "INVITE %s SIP/2.0\r\n%s%s"
	        "From: <sip:a@b>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
	        "Call-ID: loop1\r\nCSeq: 5 INVITE\r\nContent-Length: 0\r\n\r\n",
	        ruri, v, extra);
}

static int test_loop(void)
{
	static struct tz_config c;
	static const char orig[] =
	        "INVITE sip:bob@example.com SIP/2.0\r\n"
	        "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKabc\r\n"
	        "From: <sip:a@b>;tag=1\r\nTo: <sip:bob@example.com>\r\n"
	        "Call-ID: loop1\r\nCSeq: 5 INVITE\r\nContent-Length: 0\r\n\r\n";
	char branch[80], msg[1024];
	struct tz_msg m;
	const struct tz_hdr *h;
	struct tz_span elem;
	uint32_t pos;

	config(&c);
	/* what we would have put in the Via when forwarding orig */
	TZ_EXPECT_INT(parse(&m, orig), 0);
	h = tz_msg_hdr_find(&m, TZ_HDR_VIA, 0);
	pos = h->value.off;
	TZ_EXPECT_INT(tz_hdr_list_split(m.buf, &pos,
	                                h->value.off + h->value.len, &elem),
	              0);
	make_branch(branch, sizeof(branch), 1, loop_hash(&m, elem));
	/* nothing of ours in it: no loop */
	TZ_EXPECT(!via_loop(&c, &m));

	/* it comes back unchanged through another hop: a loop (482) */
	looped(msg, sizeof(msg), "sip:bob@example.com",
	       "Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKhop\r\n"
	       "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=@\r\n"
	       "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKabc\r\n",
	       branch, "");
	TZ_EXPECT_INT(parse(&m, msg), 0);
	TZ_EXPECT(via_loop(&c, &m));

	/* the same with both Vias in one field */
	looped(msg, sizeof(msg), "sip:bob@example.com",
	       "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=@ , "
	       "SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKabc\r\n",
	       branch, "");
	TZ_EXPECT_INT(parse(&m, msg), 0);
	TZ_EXPECT(via_loop(&c, &m));

	/* retargeted downstream: a spiral, not a loop */
	looped(msg, sizeof(msg), "sip:bob@192.0.2.50", OURS, branch, "");
	TZ_EXPECT_INT(parse(&m, msg), 0);
	TZ_EXPECT(!via_loop(&c, &m));

	/* the same branch under an address that is not ours: no loop */
	looped(msg, sizeof(msg), "sip:bob@example.com",
	       "Via: SIP/2.0/UDP 127.0.0.9:5070;branch=@\r\n"
	       "Via: SIP/2.0/UDP 192.0.2.9:5060;branch=z9hG4bKabc\r\n",
	       branch, "");
	TZ_EXPECT_INT(parse(&m, msg), 0);
	TZ_EXPECT(!via_loop(&c, &m));

	/* a Proxy-Require added on the way changes the hash */
	looped(msg, sizeof(msg), "sip:bob@example.com", OURS, branch,
	       "Proxy-Require: foo\r\n");
	TZ_EXPECT_INT(parse(&m, msg), 0);
	TZ_EXPECT(!via_loop(&c, &m));

	/* unchanged: still a loop (the control for the two above) */
	looped(msg, sizeof(msg), "sip:bob@example.com", OURS, branch, "");
	TZ_EXPECT_INT(parse(&m, msg), 0);
	TZ_EXPECT(via_loop(&c, &m));
	return 0;
}

/* tz_sa_print: IPv4 by hand, IPv6 bracketed with a port, truncation as
 * snprintf's */
static int test_sa_print(void)
{
	static const struct {
		const char *ip;
		uint16_t port;
		bool with_port;
		size_t n;
		const char *want;
	} t[] = {
	        {"127.0.0.1", 5060, true, 64, "127.0.0.1:5060"},
	        {"0.0.0.0", 0, true, 64, "0.0.0.0:0"},
	        {"255.255.255.255", 65535, true, 64, "255.255.255.255:65535"},
	        {"10.20.30.40", 9, false, 64, "10.20.30.40"},
	        {"::1", 5060, true, 64, "[::1]:5060"},
	        {"::1", 5060, false, 64, "::1"},
	        {"2001:db8::1:0", 1, true, 64, "[2001:db8::1:0]:1"},
	        {"192.0.2.1", 5060, true, 6, "192.0"},
	        {"192.0.2.1", 5060, true, 1, ""},
	};
	char out[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct sockaddr_storage a;
		socklen_t alen;

		TZ_EXPECT_INT(tz_sa_from_host(t[i].ip, strlen(t[i].ip),
		                              t[i].port, &a, &alen),
		              0);
		memset(out, 'x', sizeof(out));
		tz_sa_print(&a, t[i].with_port, out, t[i].n);
		TZ_EXPECT(strcmp(out, t[i].want) == 0);
	}
	return 0;
}

/* tz_sa_from_host reads an IPv4 address as inet_pton(AF_INET) does, and
 * tz_sa_host_is compares a host text with an address */
static int test_sa_from_host(void)
{
	static const char *const hosts[] = {
	        "0.0.0.0",
	        "127.0.0.1",
	        "255.255.255.255",
	        "192.0.2.10",
	        "[192.0.2.10]",
	        "256.0.0.1",
	        "1.2.3",
	        "1.2.3.4.5",
	        "01.2.3.4",
	        "1.2.3.04",
	        "1.2.3.0",
	        "1..3.4",
	        ".1.2.3",
	        "1.2.3.",
	        "1.2.3.4 ",
	        "1.2.3.-4",
	        "1.2.3.1000",
	        "a.b.c.d",
	        "example.com",
	        "::1",
	        "[2001:db8::1]",
	        "::ffff:1.2.3.4",
	        "",
	        "1.2.3.4:5",
	};
	struct sockaddr_in sin;

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		const char *h = hosts[i];
		size_t n = strlen(h);
		char tmp[64];
		struct sockaddr_storage a;
		socklen_t alen = 0;
		int e = tz_sa_from_host(h, n, 5060, &a, &alen);
		struct in_addr want;
		bool v4;

		if (n >= 2 && h[0] == '[') {
			memcpy(tmp, h + 1, n - 2);
			tmp[n - 2] = 0;
		} else {
			strcpy(tmp, h);
		}
		v4 = inet_pton(AF_INET, tmp, &want) == 1;
		if (v4) {
			TZ_EXPECT_INT(e, 0);
			TZ_EXPECT_INT(a.ss_family, AF_INET);
			TZ_EXPECT_INT(alen, sizeof(struct sockaddr_in));
			TZ_EXPECT(((struct sockaddr_in *)&a)->sin_addr.s_addr ==
			          want.s_addr);
			TZ_EXPECT_INT(tz_sa_port(&a), 5060);
		} else if (e == 0) {
			TZ_EXPECT_INT(a.ss_family, AF_INET6);
		}
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0xc000020a); /* 192.0.2.10 */
	TZ_EXPECT(tz_sa_host_is("192.0.2.10", 10, (struct sockaddr *)&sin));
	TZ_EXPECT(!tz_sa_host_is("192.0.2.1", 9, (struct sockaddr *)&sin));
	TZ_EXPECT(!tz_sa_host_is("192.0.2.010", 11, (struct sockaddr *)&sin));
	TZ_EXPECT(!tz_sa_host_is("::1", 3, (struct sockaddr *)&sin));
	/* the IPv4 fast path and the sockaddr path agree on the rest */
	TZ_EXPECT(tz_sa_host_is("[192.0.2.10]", 12, (struct sockaddr *)&sin));
	TZ_EXPECT(!tz_sa_host_is("192.0.2.10.", 11, (struct sockaddr *)&sin));
	TZ_EXPECT(!tz_sa_host_is("", 0, (struct sockaddr *)&sin));
	{
		struct sockaddr_in other = sin;
		struct sockaddr_in6 six;

		other.sin_port = htons(5070); /* ports aside */
		TZ_EXPECT(tz_sa_same_ip((struct sockaddr *)&sin,
		                        (struct sockaddr *)&other));
		other.sin_addr.s_addr = htonl(0xc000020b);
		TZ_EXPECT(!tz_sa_same_ip((struct sockaddr *)&sin,
		                         (struct sockaddr *)&other));
		memset(&six, 0, sizeof(six));
		six.sin6_family = AF_INET6;
		six.sin6_addr.s6_addr[15] = 1; /* ::1 */
		TZ_EXPECT(!tz_sa_same_ip((struct sockaddr *)&sin,
		                         (struct sockaddr *)&six));
		TZ_EXPECT(tz_sa_host_is("::1", 3, (struct sockaddr *)&six));
		TZ_EXPECT(tz_sa_host_is("[::1]", 5, (struct sockaddr *)&six));
		TZ_EXPECT(!tz_sa_host_is("127.0.0.1", 9,
		                         (struct sockaddr *)&six));
	}
	return 0;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_sa_from_host),   TZ_TEST(test_via_hint),
        TZ_TEST(test_via_hint_fixed), TZ_TEST(test_sa_print),
        TZ_TEST(test_via_prefix),     TZ_TEST(test_via_fix),
        TZ_TEST(test_resp_dest),      TZ_TEST(test_local),
        TZ_TEST(test_branch),         TZ_TEST(test_loop),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
