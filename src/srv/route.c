/*
 * route.c  Where responses go and what the server transport notes on
 * requests: RFC 3261 18.2.1 (received), 18.2.2 (response destination),
 * RFC 3581 (rport); and whether an address or domain is our own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv_int.h"
#include "tz/tz_hdr.h"

/* RFC3581 4: the top Via asks for rport and gives no value (as the parse
 * decoded its params). */
static bool rport_bare(const struct tz_via *v)
{
	return (v->has & TZ_VIA_RPORT) && !(v->has & TZ_VIA_RPORT_VALUE);
}

/* Where the value of the top Via's bare "rport" goes: after its name. */
static uint32_t rport_name_end(const struct tz_msg *m)
{
	const struct tz_via *v = &m->via1;
	uint32_t pos = v->params.off, end = v->params.off + v->params.len;
	struct tz_param p;

	while (pos < end && tz_param_next(m->buf, &pos, end, &p) == 0)
		if (tz_span_eqi(m->buf, p.name, "rport"))
			return p.name.off + p.name.len;
	return end; /* not reached: rport_bare() said there is one */
}

int via_needs_fix(const struct tz_msg *m, const struct tz_tp_dest *src)
{
	const struct tz_via *v = &m->via1;

	/* RFC3581 4: rport: fill in the port, and add received always */
	if (rport_bare(v))
		return 1;
	/* RFC3261 18.2.1: received when sent-by is not the source IP */
	if (!tz_sa_host_is(m->buf + v->host.off, v->host.len,
	                   (const struct sockaddr *)&src->addr))
		return !(v->has & TZ_VIA_RECEIVED) ||
		       !tz_sa_host_is(m->buf + v->received.off, v->received.len,
		                      (const struct sockaddr *)&src->addr);
	return 0;
}

struct splice {
	uint32_t off, del;
	char ins[80];
	uint32_t len; /* of ins */
};

/* Where the top Via's params end: after the last one, or after sent-by
 * when there are none (RFC 2543 Vias have none). */
static uint32_t params_end(const struct tz_msg *m)
{
	const struct tz_via *v = &m->via1;
	uint32_t p = v->host.off + v->host.len, end = m->len, q;

	if (v->params.len)
		return v->params.off + v->params.len;
	/* sent-by = host [ COLON port ]; COLON = SWS ":" SWS */
	for (q = p; q < end && (m->buf[q] == ' ' || m->buf[q] == '\t'); q++)
		;
	if (v->port < 0 || q >= end || m->buf[q] != ':')
		return p;
	for (q++; q < end && (m->buf[q] == ' ' || m->buf[q] == '\t'); q++)
		;
	while (q < end && m->buf[q] >= '0' && m->buf[q] <= '9')
		q++;
	return q;
}

/* The splices of via_fix, in the order of their offsets: rport's value
 * after its name, received added after the params or its value replaced. */
static unsigned fix_splices(const struct tz_msg *m,
                            const struct tz_tp_dest *src, struct splice sp[2])
{
	const struct tz_via *v = &m->via1;
	unsigned nsp = 0, port = tz_sa_port(&src->addr);
	char ip[TZ_SA_STRLEN];

	tz_sa_print(&src->addr, false, ip, sizeof(ip));
	if (rport_bare(v)) {
		sp[nsp].off = rport_name_end(m);
		sp[nsp].del = 0;
		sp[nsp].ins[0] = '=';
		sp[nsp].ins[1 + srv_put_dec(sp[nsp].ins + 1, port)] = '\0';
		nsp++;
	}
	if (v->has & TZ_VIA_RECEIVED) {
		/* a wrong received= is replaced */
		sp[nsp].off = v->received.off;
		sp[nsp].del = v->received.len;
		memcpy(sp[nsp].ins, ip, strlen(ip) + 1);
	} else {
		sp[nsp].off = params_end(m);
		sp[nsp].del = 0;
		memcpy(sp[nsp].ins, ";received=", 10);
		memcpy(sp[nsp].ins + 10, ip, strlen(ip) + 1);
	}
	nsp++;
	if (nsp == 2 && sp[1].off < sp[0].off) {
		struct splice tmp = sp[0];

		sp[0] = sp[1];
		sp[1] = tmp;
	}
	for (unsigned i = 0; i < nsp; i++)
		sp[i].len = (uint32_t)strlen(sp[i].ins);
	return nsp;
}

static int fix_apply(const struct tz_msg *m, const struct splice *sp,
                     unsigned nsp, char *out, size_t cap, size_t *outlen)
{
	uint32_t at = 0;
	size_t n = 0;

	for (unsigned i = 0; i < nsp; i++) {
		if (n + (sp[i].off - at) + sp[i].len > cap)
			return -ENOBUFS;
		memcpy(out + n, m->buf + at, sp[i].off - at);
		n += sp[i].off - at;
		memcpy(out + n, sp[i].ins, sp[i].len);
		n += sp[i].len;
		at = sp[i].off + sp[i].del;
	}
	if (n + (m->len - at) > cap)
		return -ENOBUFS;
	memcpy(out + n, m->buf + at, m->len - at);
	*outlen = n + (m->len - at);
	return 0;
}

int via_fix(const struct tz_msg *m, const struct tz_tp_dest *src, char *out,
            size_t cap, size_t *outlen)
{
	struct splice sp[2];
	unsigned nsp = fix_splices(m, src, sp);

	return fix_apply(m, sp, nsp, out, cap, outlen);
}

/* Where offset @p p of the old bytes is in the spliced ones. A start
 * moves with the splices before it. An end of a value moves with the
 * splice that replaced that value too; the end of what contains the
 * params (the params, the field, the via-parm) also with text inserted
 * right there (received goes after the last param). */
enum mark { START, VALUE_END, OUTER_END };

static uint32_t moved(const struct splice *sp, unsigned nsp, uint32_t p,
                      enum mark k)
{
	uint32_t q = p;

	for (unsigned i = 0; i < nsp; i++) {
		bool at = sp[i].off + sp[i].del == p;

		if (sp[i].off + sp[i].del < p ||
		    (at && ((k == VALUE_END && sp[i].del) || k == OUTER_END)))
			q = q + sp[i].len - sp[i].del;
	}
	return q;
}

static void move_span(const struct splice *sp, unsigned nsp, struct tz_span *s)
{
	uint32_t a, e;

	if (!s->len)
		return;
	a = moved(sp, nsp, s->off, START);
	e = moved(sp, nsp, s->off + s->len, VALUE_END);
	*s = (struct tz_span){a, e - a};
}

/* The top Via of the spliced bytes, as tz_via_decode would read it there,
 * from its decode in the old bytes: spans moved, rport's value and
 * received noted (checked against a decode in test_route.c). */
static void fix_hint(const struct tz_msg *m, const struct tz_tp_dest *src,
                     const struct splice *sp, unsigned nsp, const char *out,
                     struct tz_span val, uint32_t pos, struct tz_via_hint *hint)
{
	struct tz_via v = m->via1;
	uint32_t pend = params_end(m);

	move_span(sp, nsp, &v.branch);
	move_span(sp, nsp, &v.received);
	move_span(sp, nsp, &v.maddr);
	if (!v.params.len)
		v.params.off = pend; /* received is the first */
	v.params.len = moved(sp, nsp, pend, OUTER_END) - v.params.off;
	for (unsigned i = 0, shift = 0; i < nsp; i++) {
		if (sp[i].ins[0] == '=') {
			v.rport = (int32_t)tz_sa_port(&src->addr);
			v.has |= TZ_VIA_RPORT_VALUE;
		} else if (sp[i].del == 0) {
			/* ";received=" added after the params (after rport's
			 * value when that went in at the same place) */
			v.received.off = sp[i].off + shift + 10;
			v.received.len = sp[i].len - 10;
			v.has |= TZ_VIA_RECEIVED;
		}
		shift += sp[i].len - sp[i].del;
	}
	hint->buf = out;
	hint->val = (struct tz_span){
	        val.off,
	        moved(sp, nsp, val.off + val.len, OUTER_END) - val.off};
	hint->end = moved(sp, nsp, pos, OUTER_END);
	hint->via = v;
}

int via_prefix(const char *buf, size_t len, const struct tz_tp_dest *src,
               char *out, size_t cap, size_t *outlen, struct tz_via_hint *hint)
{
	struct tz_msg m;
	struct tz_span val;
	struct splice sp[2];
	unsigned nsp;
	uint32_t pos;

	hint->buf = NULL;
	/* RFC3261 18.2.1, RFC3581 4: the same fix as via_fix, made before
	 * the one full parse instead of after it (a request parsed twice
	 * was the proxy's largest single cost) */
	if ((len >= 8 && !memcmp(buf, "SIP/2.0 ", 8)) ||
	    !tz_msg_top_via(buf, len, &val))
		return 0; /* a response, or unusual: the full parse decides */
	memset(&m, 0, sizeof(m));
	m.buf = buf;
	m.len = (uint32_t)len;
	pos = val.off;
	if (tz_via_decode(&m.via1, buf, &pos, val.off + val.len))
		return 0;
	if (!via_needs_fix(&m, src)) {
		/* the parse takes this decode instead of making it again */
		*hint = (struct tz_via_hint){buf, val, pos, m.via1};
		return 0;
	}
	nsp = fix_splices(&m, src, sp);
	if (fix_apply(&m, sp, nsp, out, cap, outlen))
		return 0;
	/* and the parse of the fixed bytes takes that decode, moved */
	fix_hint(&m, src, sp, nsp, out, val, pos, hint);
	return 1;
}

bool srv_is_domain(const struct tz_config *c, const char *host, size_t hlen)
{
	for (unsigned i = 0; i < c->ndomain; i++)
		if (strlen(c->domain[i]) == hlen &&
		    strncasecmp(c->domain[i], host, hlen) == 0)
			return true;
	return false;
}

bool srv_is_local(const struct tz_config *c, const char *host, size_t hlen,
                  int port, enum tz_tp_proto tp)
{
	bool domain = srv_is_domain(c, host, hlen);
	struct sockaddr_storage a;
	socklen_t alen;
	bool numeric = tz_sa_from_host(host, hlen, 0, &a, &alen) == 0;

	if (!domain && !numeric)
		return false;
	/* a served domain without a port is ours whatever the port (RFC
	 * 3263 would lead there); with one, it must be a port we listen on */
	if (domain && port < 0)
		return true;
	if (port < 0)
		port = tp == TZ_TP_TLS ? 5061 : 5060;
	for (unsigned i = 0; i < c->nlisten; i++) {
		const struct tz_listen *l = &c->listen[i];

		if (tz_sa_port(&l->addr) != port)
			continue;
		if (domain)
			return true;
		if (l->addr.ss_family == a.ss_family &&
		    (tz_sa_is_any(&l->addr) ||
		     tz_sa_same_ip((const struct sockaddr *)&a,
		                   (const struct sockaddr *)&l->addr)))
			return true;
	}
	return false;
}
