/*
 * test_resolve.c  RFC 3263 resolution: the override file (numeric hosts,
 * explicit ports, transport parameters, NAPTR -> SRV -> A/AAAA, RFC 2782
 * priority and weight ordering, the SRV and A/AAAA fallbacks, SIPS,
 * unsupported transports, bad lines, cancellation, callbacks only from the
 * loop), and the c-ares path against a fake DNS server on 127.0.0.1 driven
 * by the same loop (answers, NXDOMAIN, timeouts, freeing with lookups in
 * flight). No test ever queries a real DNS server: every resolver is
 * pointed at the fake one.
 *
 * The OOM mode covers these tests whole: our allocations (loop, resolver,
 * override file, one per query) happen before the loop runs, and c-ares
 * allocates with malloc, which the mode does not count.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tz_test.h"
#include "tz/tz_loop.h"
#include "tz/tz_resolve.h"
#include "tz/tz_uri.h"

/*
 * A fake DNS server (RFC 1035 4.1, RFC 2782, RFC 3403 4.1 wire formats):
 * answers from a table, NXDOMAIN for names it does not hold, or nothing.
 */

#define T_A     1
#define T_AAAA  28
#define T_SRV   33
#define T_NAPTR 35

struct frr {
	const char *name;
	uint16_t type;
	uint16_t n1, n2, n3; /* SRV: priority weight port; NAPTR: order pref */
	const char *flags, *service; /* NAPTR */
	const char *data; /* A/AAAA address, SRV target, NAPTR replacement */
};

struct fake_dns {
	int fd;
	uint16_t port;
	bool silent;
	unsigned queries;
	const struct frr *rr;
	size_t n;
};

static size_t put16(uint8_t *b, size_t o, unsigned v)
{
	b[o] = (uint8_t)(v >> 8);
	b[o + 1] = (uint8_t)v;
	return o + 2;
}

static size_t put_name(uint8_t *b, size_t o, const char *name)
{
	while (*name && strcmp(name, ".")) {
		const char *dot = strchr(name, '.');
		size_t len = dot ? (size_t)(dot - name) : strlen(name);
		b[o++] = (uint8_t)len;
		memcpy(b + o, name, len);
		o += len;
		name += len + (dot ? 1 : 0);
	}
	b[o++] = 0;
	return o;
}

static size_t put_str(uint8_t *b, size_t o, const char *s)
{
	b[o++] = (uint8_t)strlen(s);
	memcpy(b + o, s, strlen(s));
	return o + strlen(s);
}

static size_t put_rr(uint8_t *b, size_t o, const struct frr *r)
{
	size_t rdlen;

	o = put16(b, o, 0xc00c); /* the name of the question */
	o = put16(b, o, r->type);
	o = put16(b, o, 1);
	o = put16(b, o, 0);
	o = put16(b, o, 60);
	rdlen = o;
	o += 2;
	switch (r->type) {
	case T_A:
		inet_pton(AF_INET, r->data, b + o);
		o += 4;
		break;
	case T_AAAA:
		inet_pton(AF_INET6, r->data, b + o);
		o += 16;
		break;
	case T_SRV:
		o = put16(b, o, r->n1);
		o = put16(b, o, r->n2);
		o = put16(b, o, r->n3);
		o = put_name(b, o, r->data);
		break;
	case T_NAPTR:
		o = put16(b, o, r->n1);
		o = put16(b, o, r->n2);
		o = put_str(b, o, r->flags);
		o = put_str(b, o, r->service);
		o = put_str(b, o, "");
		o = put_name(b, o, r->data);
		break;
	}
	put16(b, rdlen, (unsigned)(o - rdlen - 2));
	return o;
}

static void fake_on_read(int fd, unsigned ev, void *arg)
{
	struct fake_dns *f = arg;
	uint8_t q[512], a[1500];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	char name[256];
	size_t off = 12, nl = 0, o, i;
	unsigned qtype, an = 0;
	bool known = false;
	ssize_t k;

	(void)ev;
	k = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fromlen);
	if (k < 12)
		return;
	f->queries++;
	if (f->silent)
		return;
	while (off < (size_t)k && q[off]) {
		size_t len = q[off++];
		if (off + len > (size_t)k || nl + len + 2 > sizeof(name))
			return;
		if (nl)
			name[nl++] = '.';
		memcpy(name + nl, q + off, len);
		nl += len;
		off += len;
	}
	name[nl] = '\0';
	if (off + 5 > (size_t)k)
		return;
	qtype = (unsigned)q[off + 1] << 8 | q[off + 2];
	off += 5;
	memcpy(a, q, off); /* id, then the question after the header */
	o = off;
	for (i = 0; i < f->n; i++) {
		if (strcasecmp(f->rr[i].name, name))
			continue;
		known = true;
		if (f->rr[i].type == qtype && o < sizeof(a) - 300) {
			o = put_rr(a, o, &f->rr[i]);
			an++;
		}
	}
	a[2] = (uint8_t)(0x80 | (q[2] & 0x79)); /* QR, opcode, RD */
	a[3] = known ? 0x80 : 0x83;             /* RA; NXDOMAIN */
	put16(a, 4, 1);
	put16(a, 6, an);
	put16(a, 8, 0);
	put16(a, 10, 0);
	sendto(fd, a, o, 0, (struct sockaddr *)&from, fromlen);
}

static int fake_open(struct fake_dns *f, struct tz_loop *l)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int err;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (f->fd < 0)
		return -errno;
	if (bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(f->fd, (struct sockaddr *)&sin, &len) < 0) {
		err = -errno;
		close(f->fd);
		return err;
	}
	f->port = ntohs(sin.sin_port);
	err = tz_loop_fd(l, f->fd, TZ_LOOP_READ, fake_on_read, f);
	if (err)
		close(f->fd);
	return err;
}

/*
 * The fixture: a loop, the fake server, a resolver pointed at it, and the
 * results of the callbacks.
 */

struct env {
	struct tz_loop *l;
	struct tz_resolver *r;
	struct fake_dns dns;
	struct tz_timer guard;
	bool guard_fired;
	char path[64]; /* override file; "" for none */
	bool in_resolve;
	unsigned calls, want;
	int err;
	size_t n;
	struct tz_tp_dest d[TZ_RESOLVE_MAX];
	bool free_in_cb;
	unsigned heavy_first; /* weight test */
};

static void on_guard(void *arg)
{
	struct env *e = arg;

	e->guard_fired = true;
	tz_loop_stop(e->l);
}

static void on_result(int err, const struct tz_tp_dest *d, size_t n, void *arg)
{
	struct env *e = arg;

	/* never from inside tz_resolve() */
	TZ_EXPECT(!e->in_resolve);
	e->calls++;
	e->err = err;
	e->n = n;
	TZ_EXPECT(err ? !d && !n : d && n >= 1 && n <= TZ_RESOLVE_MAX);
	if (n)
		memcpy(e->d, d, n * sizeof(*d));
	if (n && d[0].addr.ss_family == AF_INET &&
	    ((const struct sockaddr_in *)&d[0].addr)->sin_addr.s_addr ==
	            htonl(0xc0000203))
		e->heavy_first++;
	if (e->free_in_cb) {
		tz_resolver_free(e->r);
		e->r = NULL;
	}
	if (e->calls == e->want)
		tz_loop_stop(e->l);
}

static int env_init(struct env *e, const char *hosts,
                    const struct tz_resolve_opts *opts)
{
	struct tz_resolve_opts o = {0};
	char servers[32];
	int err;

	memset(e, 0, sizeof(*e));
	e->dns.fd = -1;
	tz_timer_init(&e->guard);
	if (opts)
		o = *opts;
	if (hosts) {
		int fd;
		strcpy(e->path, "/tmp/tz_resolve_XXXXXX");
		fd = mkstemp(e->path);
		if (fd < 0)
			return -errno;
		if (write(fd, hosts, strlen(hosts)) != (ssize_t)strlen(hosts)) {
			close(fd);
			unlink(e->path);
			return -EIO;
		}
		close(fd);
		o.hosts_file = e->path;
	}
	err = tz_loop_alloc(&e->l, 1024);
	if (err)
		goto out_unlink;
	err = fake_open(&e->dns, e->l);
	if (err)
		goto out_loop;
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", e->dns.port);
	o.servers = servers;
	if (!o.timeout_ms)
		o.timeout_ms = 500;
	if (!o.tries)
		o.tries = 1;
	err = tz_resolver_alloc(&e->r, e->l, &o, NULL, 0);
	if (err)
		goto out_dns;
	return 0;

out_dns:
	close(e->dns.fd);
out_loop:
	tz_loop_free(e->l);
out_unlink:
	if (e->path[0])
		unlink(e->path);
	return err;
}

static void env_fini(struct env *e)
{
	tz_timer_cancel(&e->guard);
	tz_resolver_free(e->r);
	tz_loop_fd(e->l, e->dns.fd, 0, NULL, NULL);
	close(e->dns.fd);
	tz_loop_free(e->l);
	if (e->path[0])
		unlink(e->path);
}

/* Run the loop until @want callbacks came, or @ms passed (fails the test
 * when @must) */
static void run(struct env *e, unsigned ms, bool must)
{
	e->guard_fired = false;
	tz_timer_start(tz_loop_wheel(e->l), &e->guard, ms, on_guard, e);
	tz_loop_run(e->l);
	tz_timer_cancel(&e->guard);
	if (must)
		TZ_EXPECT(!e->guard_fired);
}

/* Resolve and wait for the callback. */
static int res(struct env *e, const char *host, uint16_t port, int tp,
               bool sips)
{
	int err;

	e->calls = 0;
	e->want = 1;
	e->n = 0;
	e->err = 1;
	e->in_resolve = true;
	err = tz_resolve(e->r, NULL, host, strlen(host), port, tp, sips,
	                 on_result, e);
	e->in_resolve = false;
	if (err)
		return err;
	TZ_EXPECT_INT(e->calls, 0);
	run(e, 5000, true);
	TZ_EXPECT_INT(e->calls, 1);
	return 0;
}

/* The destinations of the last result: "UDP 192.0.2.1:5060, ...". */
static const char *dests(const struct env *e)
{
	static char buf[2048];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < e->n; i++) {
		const struct tz_tp_dest *d = &e->d[i];
		char ip[INET6_ADDRSTRLEN];
		unsigned port;
		if (d->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const void *)&d->addr;
			inet_ntop(AF_INET, &s->sin_addr, ip, sizeof(ip));
			port = ntohs(s->sin_port);
		} else {
			const struct sockaddr_in6 *s = (const void *)&d->addr;
			inet_ntop(AF_INET6, &s->sin6_addr, ip, sizeof(ip));
			port = ntohs(s->sin6_port);
		}
		TZ_EXPECT_INT(d->reliable, d->tp != TZ_TP_UDP);
		TZ_EXPECT_INT(d->conn, 0);
		o += (size_t)snprintf(
		        buf + o, sizeof(buf) - o,
		        d->addr.ss_family == AF_INET ? "%s%s %s:%u"
		                                     : "%s%s [%s]:%u",
		        i ? ", " : "", tz_tp_name(d->tp), ip, port);
	}
	return buf;
}

#define EXPECT_DESTS(e, str)                                                   \
	do {                                                                   \
		const char *s_d = dests(e);                                    \
		TZ_EXPECT_INT((e)->err, 0);                                    \
		TZ_EXPECT_MEM(s_d, strlen(s_d), str);                          \
	} while (0)

#define TLS_TOO (1u << TZ_TP_UDP | 1u << TZ_TP_TCP | 1u << TZ_TP_TLS)

static const char hosts_main[] =
        "# NAPTR -> SRV -> A/AAAA\n"
        "naptr example.test 30 10 s SIP+D2U _sip._udp.example.test\n"
        "naptr example.test 20 10 s SIP+D2T _sip._tcp.example.test.\n"
        "NAPTR Example.Test. 10 10 S SIPS+D2T _sips._tcp.example.test\n"
        "naptr example.test 5 10 a SIP+D2U skipped.example.test # no s\n"
        "naptr example.test 40 10 s SIP+D2S _sip._sctp.example.test\n"
        "srv _sip._udp.example.test 10 0 5060 udp1.example.test\n"
        "\tsrv  _sip._tcp.example.test 10 0 5070 TCP1.example.test.\n"
        "srv _sips._tcp.example.test 10 0 5061 tls1.example.test\n"
        "a udp1.example.test 192.0.2.1\n"
        "aaaa udp1.example.test 2001:db8::1\n"
        "a tcp1.example.test 192.0.2.2\n"
        "a tls1.example.test 192.0.2.3\n"
        "a example.test 192.0.2.100\n"
        "aaaa example.test 2001:db8::100\n"
        "\n"
        "# no NAPTR: SRV for each transport\n"
        "a nonaptr.test 192.0.2.50\n"
        "srv _sip._udp.nonaptr.test 0 0 5062 u.nonaptr.test\n"
        "srv _sip._tcp.nonaptr.test 0 0 5063 t.nonaptr.test\n"
        "a u.nonaptr.test 192.0.2.51\n"
        "a t.nonaptr.test 192.0.2.52\n"
        "# no NAPTR, no SRV (its SRV names go to DNS: NXDOMAIN)\n"
        "a plain.test 192.0.2.60\n"
        "aaaa plain.test 2001:db8::60\n"
        "# SRV priorities\n"
        "srv _sip._udp.prio.test 20 0 5060 b.prio.test\n"
        "srv _sip._udp.prio.test 10 0 5060 a.prio.test\n"
        "a a.prio.test 192.0.2.71\n"
        "a a.prio.test 192.0.2.72\n"
        "aaaa a.prio.test 2001:db8::71\n"
        "a b.prio.test 192.0.2.73\n"
        "# a service that is not available\n"
        "srv _sip._udp.dot.test 0 0 5060 .\n"
        "a dot.test 192.0.2.80\n"
        "# only TCP\n"
        "naptr tcponly.test 10 10 s SIP+D2T _sip._tcp.tcponly.test\n";

/* Numeric hosts: no DNS at all; transport parameter or UDP (TLS for
 * SIPS); the port or the default one. */
static int test_resolve_numeric(void)
{
	struct tz_resolve_opts o = {.supported = TLS_TOO};
	struct env e;
	int err;

	err = env_init(&e, NULL, &o);
	if (err)
		return err;
	if ((err = res(&e, "192.0.2.7", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.7:5060");
	if ((err = res(&e, "[2001:db8::7]", 5070, TZ_TP_TCP, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP [2001:db8::7]:5070");
	if ((err = res(&e, "2001:db8::8", 0, -1, true)))
		goto out;
	EXPECT_DESTS(&e, "TLS [2001:db8::8]:5061");
	if ((err = res(&e, "192.0.2.9", 0, TZ_TP_TCP, true)))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.9:5061");
	if ((err = res(&e, "192.0.2.9", 0, TZ_TP_TLS, false)))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.9:5061");
	/* SIPS over UDP, and transports the caller lacks */
	if ((err = res(&e, "192.0.2.9", 0, TZ_TP_UDP, true)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	if ((err = res(&e, "192.0.2.9", 0, TZ_TP_SCTP, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	TZ_EXPECT_INT(e.dns.queries, 0);
	/* bad arguments: refused at once, no callback */
	e.calls = 0;
	TZ_EXPECT_INT(tz_resolve(e.r, NULL, "", 0, 0, -1, false, on_result, &e),
	              -EINVAL);
	TZ_EXPECT_INT(
	        tz_resolve(e.r, NULL, "a\0b", 3, 0, -1, false, on_result, &e),
	        -EINVAL);
	TZ_EXPECT_INT(
	        tz_resolve(e.r, NULL, "x.test", 6, 0, 9, false, on_result, &e),
	        -EINVAL);
	TZ_EXPECT_INT(
	        tz_resolve(e.r, NULL, "x.test", 6, 0, -1, false, NULL, &e),
	        -EINVAL);
	TZ_EXPECT_INT(tz_resolve(e.r, NULL, "[x.test]", 8, 0, -1, false,
	                         on_result, &e),
	              -EINVAL);
	TZ_EXPECT_INT(e.calls, 0);
out:
	env_fini(&e);
	return err;
}

/* RFC 3263 4.1, 4.2: NAPTR ordered by order (unusable records skipped),
 * SRV of each replacement, A/AAAA of each target; a port means A/AAAA
 * only; a transport parameter means SRV for it. */
static int test_resolve_naptr_chain(void)
{
	struct env e;
	int err;

	err = env_init(&e, hosts_main, NULL);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.2:5070, UDP [2001:db8::1]:5060, "
	                 "UDP 192.0.2.1:5060");
	/* a trailing dot and any case name the same domain */
	if ((err = res(&e, "EXAMPLE.test.", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.2:5070, UDP [2001:db8::1]:5060, "
	                 "UDP 192.0.2.1:5060");
	/* explicit port: the name's own A/AAAA, UDP, no NAPTR or SRV */
	if ((err = res(&e, "example.test", 5080, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP [2001:db8::100]:5080, UDP 192.0.2.100:5080");
	if ((err = res(&e, "example.test", 5080, TZ_TP_TCP, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP [2001:db8::100]:5080, TCP 192.0.2.100:5080");
	/* transport parameter, no port: SRV of that transport */
	if ((err = res(&e, "example.test", 0, TZ_TP_TCP, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.2:5070");
	/* TLS is not supported by this resolver */
	if ((err = res(&e, "example.test", 0, TZ_TP_TLS, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	TZ_EXPECT_INT(e.dns.queries, 0);
out:
	env_fini(&e);
	return err;
}

/* SIPS: only SIPS NAPTR services, _sips SRV, TLS, port 5061; a SIP URI
 * keeps the SIPS records when TLS is supported. */
static int test_resolve_sips(void)
{
	struct tz_resolve_opts o = {.supported = TLS_TOO};
	struct env e;
	int err;

	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 0, -1, true)))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.3:5061");
	if ((err = res(&e, "example.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.3:5061, TCP 192.0.2.2:5070, "
	                 "UDP [2001:db8::1]:5060, UDP 192.0.2.1:5060");
	if ((err = res(&e, "example.test", 0, TZ_TP_TLS, false)))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.3:5061");
	if ((err = res(&e, "example.test", 0, TZ_TP_TCP, true)))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.3:5061");
	if ((err = res(&e, "example.test", 5999, -1, true)))
		goto out;
	EXPECT_DESTS(&e, "TLS [2001:db8::100]:5999, TLS 192.0.2.100:5999");
	/* no NAPTR, no SRV: TLS at 5061 */
	if ((err = res(&e, "plain.test", 0, -1, true)))
		goto out;
	EXPECT_DESTS(&e, "TLS [2001:db8::60]:5061, TLS 192.0.2.60:5061");
	TZ_EXPECT_INT(e.dns.queries, 1); /* _sips._tcp.plain.test */
	env_fini(&e);

	/* SIPS without TLS */
	err = env_init(&e, hosts_main, NULL);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 0, -1, true)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	if ((err = res(&e, "example.test", 5061, -1, true)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
out:
	env_fini(&e);
	return err;
}

/* RFC 3263 4.1: no NAPTR: SRV for each supported transport; no SRV: A/AAAA
 * at the default port over UDP. */
static int test_resolve_fallbacks(void)
{
	struct env e;
	int err;

	err = env_init(&e, hosts_main, NULL);
	if (err)
		return err;
	if ((err = res(&e, "nonaptr.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.51:5062, TCP 192.0.2.52:5063");
	TZ_EXPECT_INT(e.dns.queries, 0);
	/* the SRV names are not in the file: DNS says NXDOMAIN */
	if ((err = res(&e, "plain.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP [2001:db8::60]:5060, UDP 192.0.2.60:5060");
	TZ_EXPECT_INT(e.dns.queries, 2);
	if ((err = res(&e, "plain.test", 0, TZ_TP_TCP, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP [2001:db8::60]:5060, TCP 192.0.2.60:5060");
	TZ_EXPECT_INT(e.dns.queries, 3);
	/* RFC 2782: a "." target means no service: fall back to A */
	if ((err = res(&e, "dot.test", 0, TZ_TP_UDP, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.80:5060");
	/* a name the file knows, with no address records */
	if ((err = res(&e, "_sip._udp.prio.test", 5060, -1, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -ENOENT);
	TZ_EXPECT_INT(e.dns.queries, 3);
out:
	env_fini(&e);
	return err;
}

/* Address family options. */
static int test_resolve_family(void)
{
	struct tz_resolve_opts o = {.ipv4_first = true};
	struct env e;
	int err;

	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 5080, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.100:5080, UDP [2001:db8::100]:5080");
	env_fini(&e);
	o.family = AF_INET6;
	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 5080, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP [2001:db8::100]:5080");
	env_fini(&e);
	o.family = AF_INET;
	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.2:5070, UDP 192.0.2.1:5060");
	/* numeric hosts are taken as given */
	if ((err = res(&e, "::1", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP [::1]:5060");
out:
	env_fini(&e);
	return err;
}

/* RFC 2782: lower priority first; a target's addresses stay together;
 * at most TZ_RESOLVE_MAX destinations. */
static int test_resolve_srv_priority(void)
{
	char hosts[4096];
	struct env e;
	size_t o = 0;
	int err;

	err = env_init(&e, hosts_main, NULL);
	if (err)
		return err;
	for (int i = 0; i < 10; i++) {
		if ((err = res(&e, "prio.test", 0, TZ_TP_UDP, false)))
			goto out;
		EXPECT_DESTS(&e,
		             "UDP [2001:db8::71]:5060, UDP 192.0.2.71:5060, "
		             "UDP 192.0.2.72:5060, UDP 192.0.2.73:5060");
	}
	env_fini(&e);

	/* 12 targets of 2 addresses each: the first 16 addresses, in
	 * priority order */
	for (int i = 0; i < 12; i++)
		o += (size_t)snprintf(
		        hosts + o, sizeof(hosts) - o,
		        "srv _sip._tcp.many.test %d 1 %d t%d.test\n"
		        "a t%d.test 192.0.2.%d\n"
		        "a t%d.test 198.51.100.%d\n",
		        100 - i, 6000 + i, i, i, i, i, i);
	err = env_init(&e, hosts, NULL);
	if (err)
		return err;
	if ((err = res(&e, "many.test", 0, TZ_TP_TCP, false)))
		goto out;
	TZ_EXPECT_INT(e.n, TZ_RESOLVE_MAX);
	EXPECT_DESTS(&e, "TCP 192.0.2.11:6011, TCP 198.51.100.11:6011, "
	                 "TCP 192.0.2.10:6010, TCP 198.51.100.10:6010, "
	                 "TCP 192.0.2.9:6009, TCP 198.51.100.9:6009, "
	                 "TCP 192.0.2.8:6008, TCP 198.51.100.8:6008, "
	                 "TCP 192.0.2.7:6007, TCP 198.51.100.7:6007, "
	                 "TCP 192.0.2.6:6006, TCP 198.51.100.6:6006, "
	                 "TCP 192.0.2.5:6005, TCP 198.51.100.5:6005, "
	                 "TCP 192.0.2.4:6004, TCP 198.51.100.4:6004");
	TZ_EXPECT_INT(e.dns.queries, 0);
out:
	env_fini(&e);
	return err;
}

/* Start @n resolutions of @host at once and wait for them all; count
 * those whose first destination is 192.0.2.3. */
static int res_many(struct env *e, const char *host, unsigned n)
{
	int err;

	e->calls = 0;
	e->want = n;
	e->heavy_first = 0;
	for (unsigned i = 0; i < n; i++) {
		e->in_resolve = true;
		err = tz_resolve(e->r, NULL, host, strlen(host), 0, TZ_TP_UDP,
		                 false, on_result, e);
		e->in_resolve = false;
		if (err)
			return err;
	}
	run(e, 5000, true);
	TZ_EXPECT_INT(e->calls, n);
	return 0;
}

/* RFC 2782: within a priority, the first pick is proportional to the
 * weights (1 and 3: 75% +- 7% for the heavier over 1000 draws); weight 0
 * goes after the others; all-zero weights still vary. */
static int test_resolve_srv_weight(void)
{
	static const char hosts[] =
	        "srv _sip._udp.w.test 10 1 5060 light.test\n"
	        "srv _sip._udp.w.test 10 3 5060 heavy.test\n"
	        "srv _sip._udp.z.test 10 0 5060 light.test\n"
	        "srv _sip._udp.z.test 10 5 5060 heavy.test\n"
	        "srv _sip._udp.zz.test 10 0 5060 light.test\n"
	        "srv _sip._udp.zz.test 10 0 5060 heavy.test\n"
	        "a light.test 192.0.2.1\n"
	        "a heavy.test 192.0.2.3\n";
	struct tz_resolve_opts o = {.family = AF_INET};
	struct env e;
	int err;

	err = env_init(&e, hosts, &o);
	if (err)
		return err;
	if ((err = res_many(&e, "w.test", 1000)))
		goto out;
	TZ_EXPECT(e.heavy_first >= 680 && e.heavy_first <= 820);
	if ((err = res_many(&e, "z.test", 100)))
		goto out;
	TZ_EXPECT_INT(e.heavy_first, 100);
	if ((err = res_many(&e, "zz.test", 100)))
		goto out;
	TZ_EXPECT(e.heavy_first > 0 && e.heavy_first < 100);
	TZ_EXPECT_INT(e.n, 2);
out:
	env_fini(&e);
	return err;
}

/* Transports the caller lacks are filtered; only those: -EPROTONOSUPPORT. */
static int test_resolve_unsupported(void)
{
	struct tz_resolve_opts o = {.supported = 1u << TZ_TP_UDP};
	struct env e;
	int err;

	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP [2001:db8::1]:5060, UDP 192.0.2.1:5060");
	if ((err = res(&e, "example.test", 0, TZ_TP_TCP, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	/* NAPTR offers TCP only; no UDP SRV, no address records */
	if ((err = res(&e, "tcponly.test", 0, -1, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	env_fini(&e);

	/* a TCP-only caller: SRV for TCP only; the A/AAAA fallback on TCP */
	o.supported = 1u << TZ_TP_TCP;
	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = res(&e, "nonaptr.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.52:5063");
	if ((err = res(&e, "plain.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP [2001:db8::60]:5060, TCP 192.0.2.60:5060");
	if ((err = res(&e, "192.0.2.1", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.1:5060");
out:
	env_fini(&e);
	return err;
}

/* A bad override line fails tz_resolver_alloc() and names FILE:LINE. */
static int test_resolve_bad_hosts(void)
{
	static const char *const bad[] = {
	        "a x.test 192.0.2.1\n\n# fine so far\nmx x.test 10 y.test\n",
	        "a x.test 192.0.2.1\naaaa x.test 192.0.2.1\n",
	        "a x.test 192.0.2.1\n\t\nsrv _sip._udp.x.test 1 2 70000 y\n",
	        "a x.test 192.0.2.1\nsrv _sip._udp.x.test 1 2\n",
	        "a x.test 192.0.2.1\n\n\n\nnaptr x.test 1 -2 s SIP+D2U y\n",
	        "a x.test 192.0.2.1\na . 192.0.2.1\n",
	};
	static const unsigned line[] = {4, 2, 3, 2, 5, 2};
	struct tz_resolve_opts o = {0};
	struct tz_loop *l;
	struct tz_resolver *r;
	char path[] = "/tmp/tz_resolve_XXXXXX", msg[256], want[64];
	int err, fd;

	err = tz_loop_alloc(&l, 64);
	if (err)
		return err;
	o.hosts_file = path;
	o.servers = "127.0.0.1:9"; /* never asked */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = mkstemp(path);
		TZ_EXPECT(fd >= 0);
		if (fd < 0)
			break;
		TZ_EXPECT(write(fd, bad[i], strlen(bad[i])) > 0);
		close(fd);
		msg[0] = 'x';
		err = tz_resolver_alloc(&r, l, &o, msg, sizeof(msg));
		unlink(path);
		if (err == -ENOMEM)
			goto out;
		TZ_EXPECT_INT(err, -EINVAL);
		snprintf(want, sizeof(want), "%s:%u: ", path, line[i]);
		TZ_EXPECT(!strncmp(msg, want, strlen(want)));
		if (strncmp(msg, want, strlen(want)) && !tz_test_quiet)
			fprintf(stderr, "got \"%s\"\n", msg);
		strcpy(path, "/tmp/tz_resolve_XXXXXX");
	}
	/* a missing file, a bad server list */
	o.hosts_file = "/nonexistent/tz_hosts";
	err = tz_resolver_alloc(&r, l, &o, msg, sizeof(msg));
	if (err == -ENOMEM)
		goto out;
	TZ_EXPECT_INT(err, -ENOENT);
	TZ_EXPECT(!strncmp(msg, "/nonexistent/tz_hosts: ", 23));
	o.hosts_file = NULL;
	o.servers = "not an address";
	err = tz_resolver_alloc(&r, l, &o, NULL, 0);
	if (err == -ENOMEM)
		goto out;
	TZ_EXPECT_INT(err, -EINVAL);
	err = 0;
out:
	tz_loop_free(l);
	return err;
}

/* A cancelled query never calls back, whether it waits for its start,
 * for c-ares, or for delivery; cancelling NULL is a no-op. */
static int test_resolve_cancel(void)
{
	struct tz_resolve_q *q1, *q2;
	struct env e;
	int err;

	err = env_init(&e, hosts_main, NULL);
	if (err)
		return err;
	e.want = 1;
	err = tz_resolve(e.r, &q1, "example.test", 12, 0, -1, false, on_result,
	                 &e);
	if (err)
		goto out;
	err = tz_resolve(e.r, &q2, "192.0.2.1", 9, 0, -1, false, on_result, &e);
	if (err)
		goto out;
	tz_resolve_cancel(q1);
	tz_resolve_cancel(NULL);
	run(&e, 5000, true);
	TZ_EXPECT_INT(e.calls, 1);
	EXPECT_DESTS(&e, "UDP 192.0.2.1:5060");

	/* c-ares lookups in flight (the server is silent) */
	e.dns.silent = true;
	e.calls = 0;
	err = tz_resolve(e.r, &q1, "silent.test", 11, 0, -1, false, on_result,
	                 &e);
	if (err)
		goto out;
	run(&e, 50, false); /* the NAPTR query went out */
	TZ_EXPECT(e.guard_fired);
	TZ_EXPECT_INT(e.dns.queries, 1);
	tz_resolve_cancel(q1);
	run(&e, 700, false); /* past its c-ares timeout */
	TZ_EXPECT_INT(e.calls, 0);
	TZ_EXPECT_INT(e.dns.queries, 1);
out:
	env_fini(&e);
	return err;
}

/* A callback may free the resolver; the results of the others are then
 * dropped. */
static int test_resolve_free_in_callback(void)
{
	struct env e;
	int err;

	err = env_init(&e, hosts_main, NULL);
	if (err)
		return err;
	e.free_in_cb = true;
	e.want = 1;
	for (int i = 0; i < 3 && !err; i++)
		err = tz_resolve(e.r, NULL, "example.test", 12, 0, -1, false,
		                 on_result, &e);
	if (!err) {
		run(&e, 5000, true);
		run(&e, 20, false);
		TZ_EXPECT_INT(e.calls, 1);
		TZ_EXPECT(e.r == NULL);
	}
	env_fini(&e);
	return err;
}

/* tz_resolve_uri(): maddr replaces the host; transport; sips; port. */
static int uri_res(struct env *e, const char *s)
{
	struct tz_uri u;
	int err;

	TZ_EXPECT_INT(tz_uri_parse(&u, s, 0, (uint32_t)strlen(s)), 0);
	e->calls = 0;
	e->want = 1;
	e->in_resolve = true;
	err = tz_resolve_uri(e->r, NULL, s, &u, on_result, e);
	e->in_resolve = false;
	if (err)
		return err;
	run(e, 5000, true);
	TZ_EXPECT_INT(e->calls, 1);
	return 0;
}

static int test_resolve_uri(void)
{
	struct tz_resolve_opts o = {.supported = TLS_TOO};
	struct tz_uri u;
	struct env e;
	int err;

	err = env_init(&e, hosts_main, &o);
	if (err)
		return err;
	if ((err = uri_res(&e, "sip:alice@example.test")))
		goto out;
	EXPECT_DESTS(&e, "TLS 192.0.2.3:5061, TCP 192.0.2.2:5070, "
	                 "UDP [2001:db8::1]:5060, UDP 192.0.2.1:5060");
	if ((err = uri_res(&e, "sip:alice@example.test;transport=TCP")))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.2:5070");
	if ((err = uri_res(&e, "sip:alice@example.test:5090;lr;"
	                       "maddr=192.0.2.99;transport=%74cp")))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.99:5090");
	if ((err = uri_res(&e, "sips:bob@nowhere.test;maddr=[2001:db8::5]")))
		goto out;
	EXPECT_DESTS(&e, "TLS [2001:db8::5]:5061");
	if ((err = uri_res(&e, "sip:carol@nonaptr.test;maddr=plain.test")))
		goto out;
	EXPECT_DESTS(&e, "UDP [2001:db8::60]:5060, UDP 192.0.2.60:5060");
	if ((err = uri_res(&e, "sips:[2001:db8::6]:5099")))
		goto out;
	EXPECT_DESTS(&e, "TLS [2001:db8::6]:5099");
	if ((err = uri_res(&e, "sip:x@192.0.2.1;transport=foo")))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	if ((err = uri_res(&e, "sip:x@192.0.2.1;transport=sctp")))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
	TZ_EXPECT_INT(tz_uri_parse(&u, "tel:+1234", 0, 9), 0);
	TZ_EXPECT_INT(tz_resolve_uri(e.r, NULL, "tel:+1234", &u, on_result, &e),
	              -EINVAL);
	TZ_EXPECT_INT(tz_uri_parse(&u, "sip:x@y.test;maddr=%zz", 0, 22),
	              -EBADMSG);
out:
	env_fini(&e);
	return err;
}

/*
 * The c-ares path, against the fake server.
 */

#define NAPTR(n, o, p, f, s, r)                                                \
	{                                                                      \
		n, T_NAPTR, o, p, 0, f, s, r                                   \
	}
#define SRV(n, pr, w, port, t)                                                 \
	{                                                                      \
		n, T_SRV, pr, w, port, NULL, NULL, t                           \
	}
#define ADDR(n, t, ip)                                                         \
	{                                                                      \
		n, t, 0, 0, 0, NULL, NULL, ip                                  \
	}

static const struct frr dns_table[] = {
        NAPTR("example.test", 20, 50, "s", "SIP+D2U", "_sip._udp.example.test"),
        NAPTR("example.test", 10, 50, "S", "SIP+D2T", "_sip._tcp.example.test"),
        NAPTR("example.test", 5, 50, "s", "SIPS+D2T",
              "_sips._tcp.example.test"),
        ADDR("example.test", T_A, "192.0.2.100"),
        SRV("_sip._tcp.example.test", 10, 0, 5070, "sip1.example.test"),
        SRV("_sip._udp.example.test", 20, 0, 5060, "sip2.example.test"),
        SRV("_sip._udp.example.test", 10, 0, 5062, "sip1.example.test"),
        ADDR("sip1.example.test", T_A, "192.0.2.11"),
        ADDR("sip1.example.test", T_AAAA, "2001:db8::11"),
        ADDR("sip2.example.test", T_A, "192.0.2.12"),
        ADDR("sip2.example.test", T_A, "192.0.2.13"),
        ADDR("aonly.test", T_A, "192.0.2.20"),
        NAPTR("dot.test", 10, 50, "s", "SIP+D2U", "."),
        ADDR("dot.test", T_AAAA, "2001:db8::21"),
};

static int dns_env(struct env *e, uint32_t timeout_ms)
{
	struct tz_resolve_opts o = {.timeout_ms = timeout_ms};
	int err = env_init(e, NULL, &o);

	if (!err) {
		e->dns.rr = dns_table;
		e->dns.n = sizeof(dns_table) / sizeof(dns_table[0]);
	}
	return err;
}

static int test_resolve_dns(void)
{
	struct env e;
	int err;

	err = dns_env(&e, 1000);
	if (err)
		return err;
	if ((err = res(&e, "example.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP [2001:db8::11]:5070, TCP 192.0.2.11:5070, "
	                 "UDP [2001:db8::11]:5062, UDP 192.0.2.11:5062, "
	                 "UDP 192.0.2.12:5060, UDP 192.0.2.13:5060");
	/* NAPTR; 2 SRV; AAAA + A of sip1 twice and of sip2 */
	TZ_EXPECT_INT(e.dns.queries, 9);
	if ((err = res(&e, "example.test", 5070, TZ_TP_TCP, false)))
		goto out;
	EXPECT_DESTS(&e, "TCP 192.0.2.100:5070");
	/* no NAPTR, no SRV (NODATA and NXDOMAIN): A at 5060 */
	if ((err = res(&e, "aonly.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.20:5060");
	/* a NAPTR whose replacement is the root: none usable */
	if ((err = res(&e, "dot.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP [2001:db8::21]:5060");
	/* NXDOMAIN all the way */
	e.dns.queries = 0;
	if ((err = res(&e, "nx.test", 0, -1, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -ENOENT);
	TZ_EXPECT_INT(e.dns.queries, 5); /* NAPTR, 2 SRV, AAAA, A */
	if ((err = res(&e, "nx.test", 5060, -1, true)))
		goto out;
	TZ_EXPECT_INT(e.err, -EPROTONOSUPPORT);
out:
	env_fini(&e);
	return err;
}

/* A silent server: -ETIMEDOUT after the configured timeout. */
static int test_resolve_dns_timeout(void)
{
	struct env e;
	uint64_t t0;
	int err;

	err = dns_env(&e, 100);
	if (err)
		return err;
	e.dns.silent = true;
	t0 = tz_loop_now();
	if ((err = res(&e, "example.test", 5060, -1, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -ETIMEDOUT);
	TZ_EXPECT(tz_loop_now() - t0 >= 100);
	TZ_EXPECT(tz_loop_now() - t0 < 2000);
	TZ_EXPECT_INT(e.dns.queries, 2);
	/* the whole chain: NAPTR, SRV, A/AAAA each time out */
	if ((err = res(&e, "example.test", 0, -1, false)))
		goto out;
	TZ_EXPECT_INT(e.err, -ETIMEDOUT);
	TZ_EXPECT_INT(e.dns.queries, 2 + 5);
	/* the server comes back */
	e.dns.silent = false;
	if ((err = res(&e, "aonly.test", 5080, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.20:5080");
out:
	env_fini(&e);
	return err;
}

/* Freeing the resolver with c-ares lookups in flight: no callback, its
 * sockets leave the loop (a new resolver on the loop works). */
static int test_resolve_dns_free_pending(void)
{
	struct tz_resolve_opts o = {.timeout_ms = 1000, .tries = 1};
	struct env e;
	char servers[32];
	int err;

	err = dns_env(&e, 1000);
	if (err)
		return err;
	e.dns.silent = true;
	e.want = 1;
	err = tz_resolve(e.r, NULL, "example.test", 12, 5060, -1, false,
	                 on_result, &e);
	if (err)
		goto out;
	run(&e, 50, false);
	TZ_EXPECT_INT(e.dns.queries, 2);
	tz_resolver_free(e.r);
	e.r = NULL;
	run(&e, 50, false);
	TZ_EXPECT_INT(e.calls, 0);
	snprintf(servers, sizeof(servers), "127.0.0.1:%u", e.dns.port);
	o.servers = servers;
	err = tz_resolver_alloc(&e.r, e.l, &o, NULL, 0);
	if (err)
		goto out;
	e.dns.silent = false;
	e.dns.queries = 0;
	if ((err = res(&e, "aonly.test", 0, -1, false)))
		goto out;
	EXPECT_DESTS(&e, "UDP 192.0.2.20:5060");
out:
	env_fini(&e);
	return err;
}

static const struct tz_test tests[] = {
        TZ_TEST(test_resolve_numeric),
        TZ_TEST(test_resolve_naptr_chain),
        TZ_TEST(test_resolve_sips),
        TZ_TEST(test_resolve_fallbacks),
        TZ_TEST(test_resolve_family),
        TZ_TEST(test_resolve_srv_priority),
        TZ_TEST(test_resolve_srv_weight),
        TZ_TEST(test_resolve_unsupported),
        TZ_TEST(test_resolve_bad_hosts),
        TZ_TEST(test_resolve_cancel),
        TZ_TEST(test_resolve_free_in_callback),
        TZ_TEST(test_resolve_uri),
        TZ_TEST(test_resolve_dns),
        TZ_TEST(test_resolve_dns_timeout),
        TZ_TEST(test_resolve_dns_free_pending),
};

int main(int argc, char **argv)
{
	return tz_test_main(tests, sizeof(tests) / sizeof(tests[0]), argc,
	                    argv);
}
