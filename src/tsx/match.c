/*
 * match.c  Which transaction a received message belongs to: responses to
 * client transactions (RFC 3261 17.1.3), requests to server transactions
 * (17.2.3) with the RFC 2543 fallback for branches without the magic
 * cookie, and the INVITE a CANCEL targets (9.2).
 */
#include <strings.h>

#include "tsx_int.h"

static bool span_same(const char *a, struct tz_span sa, const char *b,
                      struct tz_span sb)
{
	return sa.len == sb.len && !memcmp(a + sa.off, b + sb.off, sa.len);
}

static bool span_samei(const char *a, struct tz_span sa, const char *b,
                       struct tz_span sb)
{
	return sa.len == sb.len && !strncasecmp(a + sa.off, b + sb.off, sa.len);
}

static bool is_method(const char *base, struct tz_span m, const char *name)
{
	return tz_span_eq(base, m, name);
}

/* A sent-by port with the default of its transport filled in. */
static int32_t via_port(const char *base, int32_t port, struct tz_span tp)
{
	if (port >= 0)
		return port;
	return tz_span_eqi(base, tp, "TLS") ? 5061 : 5060;
}

static bool sent_by_same(const struct tz_msg *a, const struct tz_msg *b)
{
	return span_samei(a->buf, a->via1.host, b->buf, b->via1.host) &&
	       via_port(a->buf, a->via1.port, a->via1.transport) ==
	               via_port(b->buf, b->via1.port, b->via1.transport);
}

static bool tag_same(const char *a, const struct tz_naddr *na, const char *b,
                     const struct tz_naddr *nb)
{
	return na->has_tag == nb->has_tag && span_same(a, na->tag, b, nb->tag);
}

struct tz_tsx *tsx_match_response(struct tz_tsx_layer *l,
                                  const struct tz_msg *m)
{
	struct tz_tsx *t;
	uint32_t h;

	if (!(m->via1.has & TZ_VIA_BRANCH) || !m->via1.branch.len)
		return NULL;
	h = tsx_hash_span(m->buf, m->via1.branch);
	for (t = l->bucket[h & (l->cfg.buckets - 1)]; t; t = t->hnext) {
		if (t->hash != h || (t->kind != TSX_ICT && t->kind != TSX_NICT))
			continue;
		/* RFC3261 17.1.3: the top Via branch and the CSeq method
		 * (a CANCEL has the branch of its INVITE) */
		if (span_same(m->buf, m->via1.branch, t->req->buf,
		              t->req->via1.branch) &&
		    span_same(m->buf, m->cseq_method, t->req->buf,
		              t->req->method))
			return t;
	}
	return NULL;
}

void tsx_keys_of(const struct tz_msg *r, struct tsx_keys *k)
{
	k->buf = r->buf;
	k->branch = r->via1.branch;
	k->host = r->via1.host;
	k->transport = r->via1.transport;
	k->method = r->method;
	k->port = r->via1.port;
}

/* RFC3261 17.2.3: RFC 3261 branches. */
static bool match_cookie(const struct tz_tsx *t, const struct tz_msg *m,
                         bool cancel, bool ack)
{
	struct tsx_keys rk;
	const struct tsx_keys *k = t->keys;

	if (!t->cookie)
		return false;
	if (!k) {
		tsx_keys_of(t->req, &rk);
		k = &rk;
	}
	/* the top Via branch and sent-by (host and port, the default port
	 * of the transport filled in) */
	if (!span_same(m->buf, m->via1.branch, k->buf, k->branch) ||
	    !span_samei(m->buf, m->via1.host, k->buf, k->host) ||
	    via_port(m->buf, m->via1.port, m->via1.transport) !=
	            via_port(k->buf, k->port, k->transport))
		return false;
	/* RFC3261 9.2: a CANCEL targets the INVITE of the same branch */
	if (cancel || ack)
		return t->kind == TSX_IST;
	/* RFC3261 17.2.3: the method matches, ACK matching the INVITE */
	return span_same(m->buf, m->method, k->buf, k->method);
}

/* The top Via compared as a whole (transport, sent-by, branch). */
static bool via_same(const struct tz_msg *a, const struct tz_msg *b)
{
	return span_samei(a->buf, a->via1.transport, b->buf,
	                  b->via1.transport) &&
	       sent_by_same(a, b) &&
	       span_same(a->buf, a->via1.branch, b->buf, b->via1.branch);
}

/* RFC3261 17.2.3: the RFC 2543 rules for branches without the cookie. */
static bool match_2543(const struct tz_tsx *t, const struct tz_msg *m,
                       bool cancel, bool ack)
{
	const struct tz_msg *r = t->req;

	if (t->cookie || !r || m->cseq != r->cseq ||
	    !span_same(m->buf, m->call_id, r->buf, r->call_id) ||
	    !tag_same(m->buf, &m->from, r->buf, &r->from) || !via_same(m, r) ||
	    !tz_uri_equal(m->buf, &m->ruri_u, r->buf, &r->ruri_u))
		return false;
	if (ack) {
		/* RFC3261 17.2.3: the ACK's To tag is that of the response
		 * the server transaction sent */
		if (t->kind != TSX_IST || !t->out)
			return false;
		return m->to.has_tag == t->out_has_totag &&
		       span_same(m->buf, m->to.tag, t->out, t->out_totag);
	}
	if (!tag_same(m->buf, &m->to, r->buf, &r->to))
		return false;
	if (cancel)
		return t->kind == TSX_IST;
	return span_same(m->buf, m->cseq_method, r->buf, r->cseq_method) &&
	       span_same(m->buf, m->method, r->buf, r->method);
}

struct tz_tsx *tsx_match_request(struct tz_tsx_layer *l, const struct tz_msg *m,
                                 bool cancel)
{
	bool cookie = (m->via1.has & TZ_VIA_BRANCH) &&
	              tsx_has_cookie(m->buf, m->via1.branch);
	bool ack = is_method(m->buf, m->method, "ACK");
	struct tz_tsx *t;
	uint32_t h;

	h = tsx_hash_span(m->buf, cookie ? m->via1.branch : m->call_id);
	for (t = l->bucket[h & (l->cfg.buckets - 1)]; t; t = t->hnext) {
		if (t->hash != h || (t->kind != TSX_IST && t->kind != TSX_NIST))
			continue;
		if (cookie ? match_cookie(t, m, cancel, ack)
		           : match_2543(t, m, cancel, ack))
			return t;
	}
	return NULL;
}
