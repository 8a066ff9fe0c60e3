/*
 * uas.c  What any RFC 3261 server answers before there is a registrar or
 * a proxy behind it: OPTIONS to itself (11), method inspection (8.2.1:
 * 405, 501), URI scheme (8.2.2.1: 416), Require (8.2.2.3) and
 * Proxy-Require (16.3 item 5: 420), Max-Forwards (16.3 item 3: 483),
 * loops (16.3 item 4: 482), CANCEL without a transaction (9.2: 481), and
 * the errors found by the parser (400, 505, 513).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "srv_int.h"
#include "tz/tz_build.h"
#include "tz/tz_hdr.h"
#include "tz/tz_hval.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_rand.h"

/* RFC3261 7.1, 27.4: the methods this server knows */
static const char *const known[] = {
        "INVITE",   "ACK",   "BYE",       "CANCEL", "OPTIONS",
        "REGISTER", "PRACK", "SUBSCRIBE", "NOTIFY", "PUBLISH",
        "INFO",     "REFER", "MESSAGE",   "UPDATE",
};

/* What the server itself accepts today (RFC3261 20.5) */
#define ALLOW "OPTIONS, ACK, CANCEL, REGISTER"
/* RFC3261 20.37, 19.2: option tags the server supports: RFC3327 path */
static const char *const supported[] = {"path", NULL};

static bool is_known(const struct tz_msg *m)
{
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (tz_span_eq(m->buf, m->method, known[i]))
			return true;
	return false;
}

static bool is_method(const struct tz_msg *m, const char *name)
{
	return tz_span_eq(m->buf, m->method, name);
}

static void new_tag(struct worker *w, char *out, size_t n)
{
	/* RFC3261 19.3: at least 32 random bits; "tz" WORKER RANDOM SERIAL
	 * in hex, at most 2 + 8 + 8 + 8 bytes */
	char t[32], *p = t;

	*p++ = 't';
	*p++ = 'z';
	p = srv_put_hex(p, w->index, 0);
	p = srv_put_hex(p, (uint32_t)tz_rand64(), 8);
	p = srv_put_hex(p, ++w->tag_serial, 0);
	*p = '\0';
	tz_str_copy(out, n, t);
}

static void count(struct worker *w, uint16_t status)
{
	w->answered[status / 100 < 7 ? status / 100 : 0]++;
}

int uas_tsx(struct worker *w, const struct tz_msg *m,
            const struct tz_tp_dest *src, struct tz_tsx **out)
{
	struct tz_tp_dest dst;
	int err;

	tz_resp_dest(m, src, &dst);
	err = tz_tsx_server_alloc(out, w->tsx, m, &dst, 0, NULL, NULL);
	if (err)
		/* out of memory: no answer, the client retransmits */
		tz_log(TZ_LOG_WARN, "no transaction for a request: %s",
		       strerror(-err));
	return err;
}

void uas_answer(struct worker *w, struct tz_tsx *st, uint16_t status,
                const char *reason, const char *hdrs)
{
	struct tz_resp_build rb = {0};
	struct tz_resp_tag at;
	char tag[32];
	int err;

	new_tag(w, tag, sizeof(tag));
	rb.status = status;
	rb.reason = reason;
	rb.to_tag = tag;
	rb.headers = hdrs;
	rb.tag_out = &at;
	tz_buf_reset(&w->out);
	err = tz_build_response(&w->out, tz_tsx_request(st), &rb);
	if (!err)
		/* built here: no need to parse it again */
		err = tz_tsx_reply_known(st, w->out.p, w->out.len, status,
		                         at.tag, at.has);
	if (err)
		tz_log(TZ_LOG_DEBUG, "reply %u failed: %s", status,
		       strerror(-err));
	else
		count(w, status);
}

/* Answer @p m statefully: a server transaction keeps the response for
 * retransmitted requests (RFC3261 17.2). */
void uas_reply(struct worker *w, const struct tz_msg *m,
               const struct tz_tp_dest *src, uint16_t status,
               const char *reason, const char *hdrs)
{
	struct tz_tsx *st;

	if (uas_tsx(w, m, src, &st) != 0)
		return;
	uas_answer(w, st, status, reason, hdrs);
	tz_tsx_forget_request(st); /* a final answer: none needed it after */
	tz_mem_deref(st);
}

/* The reason phrase "<standard phrase>: <why>" in @p buf, or NULL (the
 * standard phrase alone) without @p why. */
static const char *why_reason(uint16_t status, const char *why, char *buf,
                              size_t n)
{
	if (!why)
		return NULL;
	snprintf(buf, n, "%s: %s", tz_status_phrase(status), why);
	return buf;
}

void uas_reply_why(struct worker *w, const struct tz_msg *m,
                   const struct tz_tp_dest *src, uint16_t status,
                   const char *why, const char *hdrs)
{
	char reason[160];

	uas_reply(w, m, src, status,
	          why_reason(status, why, reason, sizeof(reason)), hdrs);
}

/* RFC3261 8.2.7: answer without a server transaction: the To tag is
 * the same for a retransmission, which gets the response again. */
void uas_reply_stateless(struct worker *w, const struct tz_msg *m,
                         const struct tz_tp_dest *src, uint16_t status,
                         const char *why, const char *hdrs)
{
	struct tz_resp_build rb = {0};
	struct tz_tp_dest dst;
	char tag[32], reason[160];

	stateless_tag(m, w->srv->tag_key, tag, sizeof(tag));
	rb.status = status;
	rb.reason = why_reason(status, why, reason, sizeof(reason));
	rb.to_tag = tag;
	rb.headers = hdrs;
	tz_resp_dest(m, src, &dst);
	tz_buf_reset(&w->out);
	if (tz_build_response(&w->out, m, &rb) == 0 &&
	    worker_send(w, w->out.p, w->out.len, &dst) == 0)
		count(w, status);
}

void uas_reply_bad(struct worker *w, const struct tz_msg *m, uint16_t status,
                   const char *what, const struct tz_tp_dest *src)
{

	/* RFC3261 8.2, 18.2.2: a reply needs a request whose Via we could
	 * read and the fields a response copies; else the message is
	 * dropped (RFC3261 16.3 item 1 allows no answer either) */
	if (!m->request || !status || !m->via1.host.len ||
	    !tz_msg_hdr_find(m, TZ_HDR_FROM, 0) ||
	    !tz_msg_hdr_find(m, TZ_HDR_TO, 0) ||
	    !tz_msg_hdr_find(m, TZ_HDR_CALL_ID, 0) ||
	    !tz_msg_hdr_find(m, TZ_HDR_CSEQ, 0) || is_method(m, "ACK"))
		return;
	uas_reply_stateless(w, m, src, status, what, NULL);
}

/* The first option tag of header @p id we do not support, listed into
 * @p out as an Unsupported header field; false when all are supported. */
bool uas_unsupported(const struct tz_msg *m, enum tz_hdr_id id, char *out,
                     size_t n)
{
	const struct tz_hdr *h;
	size_t used = 0;

	out[0] = 0;
	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, id, nth)); nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_span tok;

		while (tz_toklist_next(&tok, m->buf, &pos, end) == 0) {
			bool ok = false;

			for (size_t i = 0; supported[i]; i++)
				ok |= tz_span_eqi(m->buf, tok, supported[i]);
			if (ok || used + tok.len + 32 > n)
				continue;
			used += (size_t)snprintf(
			        out + used, n - used, "%s%.*s",
			        used ? ", " : "Unsupported: ", (int)tok.len,
			        m->buf + tok.off);
		}
	}
	if (!used)
		return false;
	snprintf(out + used, n - used, "\r\n");
	return true;
}

static void cancel(struct worker *w, struct tz_msg *m,
                   const struct tz_tp_dest *src)
{
	const struct tz_config *c = &w->conf->c;
	struct tz_tsx *inv = tz_tsx_find_cancel(w->tsx, m);
	struct rinfo ri;

	/* RFC3261 16.11: a stateless proxy forwards a CANCEL as it
	 * forwarded the INVITE (the same branch, so the same target) */
	if (!inv && c->proxy_mode == TZ_PROXY_STATELESS) {
		if (route_info(c, m, src->tp, &ri) == 0)
			proxy_request(w, m, src, &ri);
		return;
	}
	/* RFC3261 9.2, 16.10: no matching transaction: 481 */
	if (!inv) {
		uas_reply(w, m, src, 481, NULL, NULL);
		return;
	}
	/* RFC3261 16.10: 200 to the CANCEL here, and CANCEL every pending
	 * branch of that INVITE */
	if (pctx_is(tz_tsx_arg(inv))) {
		uas_reply(w, m, src, 200, NULL, NULL);
		pctx_cancel(tz_tsx_arg(inv));
		return;
	}
	/* RFC3261 9.2: 200 to the CANCEL; an INVITE not yet answered gets
	 * 487 (ours are answered at once, so this is rare) */
	tz_mem_ref(inv);
	uas_reply(w, m, src, 200, NULL, NULL);
	if (tz_tsx_state(inv) == TZ_TSX_PROCEEDING) {
		struct tz_resp_build rb = {0};
		char tag[32];

		new_tag(w, tag, sizeof(tag));
		rb.status = 487;
		rb.to_tag = tag;
		tz_buf_reset(&w->out);
		if (tz_build_response(&w->out, tz_tsx_request(inv), &rb) == 0 &&
		    tz_tsx_reply(inv, w->out.p, w->out.len) == 0)
			count(w, 487);
	}
	tz_mem_deref(inv);
}

/* The server itself is the target (RFC3261 8.2 as a UAS). */
static void to_self(struct worker *w, const struct tz_msg *m,
                    const struct tz_tp_dest *src)
{
	char hdrs[512];

	/* RFC3261 8.2.1: an unknown method: 501; known but not accepted
	 * here: 405 with Allow */
	if (!is_known(m)) {
		uas_reply(w, m, src, 501, NULL, NULL);
		return;
	}
	if (!is_method(m, "OPTIONS")) {
		uas_reply(w, m, src, 405, NULL, "Allow: " ALLOW "\r\n");
		return;
	}
	/* RFC3261 8.2.2.3: Require with an option tag we lack: 420 */
	if (uas_unsupported(m, TZ_HDR_REQUIRE, hdrs, sizeof(hdrs))) {
		uas_reply(w, m, src, 420, NULL, hdrs);
		return;
	}
	/* RFC3261 11.2: the capabilities: Allow, Accept, Accept-Encoding,
	 * Accept-Language, Supported. RFC3261 8.2.7: the same request always
	 * gets the same answer, so no transaction is kept: keep-alive
	 * OPTIONS from many devices cost no memory for 64*T1 each */
	uas_reply_stateless(w, m, src, 200, NULL,
	                    "Allow: " ALLOW "\r\n"
	                    "Accept: application/sdp\r\n"
	                    "Accept-Encoding: identity\r\n"
	                    "Accept-Language: en\r\n"
	                    "Supported: path\r\n");
}

void uas_request(struct worker *w, struct tz_msg *m,
                 const struct tz_tp_dest *src)
{
	const struct tz_config *c = &w->conf->c;
	const struct tz_uri *u = &m->ruri_u;
	struct rinfo ri;
	int err;

	/* RFC3261 17.2.3: an ACK that matches no transaction acknowledges
	 * a 2xx: it goes on along its route (16.11) */
	if (is_method(m, "ACK")) {
		proxy_ack(w, m, src);
		return;
	}
	if (is_method(m, "CANCEL")) {
		cancel(w, m, src);
		return;
	}
	/* RFC3261 21.5.4: shutting down */
	if (w->draining) {
		uas_reply(w, m, src, 503, NULL, "Retry-After: 5\r\n");
		return;
	}
	/* RFC3261 8.2.2.1, 16.3 item 2: a scheme we cannot serve: 416 */
	if (u->scheme != TZ_URI_SIP && u->scheme != TZ_URI_SIPS &&
	    u->scheme != TZ_URI_TEL) {
		uas_reply(w, m, src, 416, NULL, NULL);
		return;
	}
	/* RFC3261 16.4: Route entries naming us are ours to remove; a
	 * Request-URI that is our Record-Route came from a strict router */
	err = route_info(c, m, src->tp, &ri);
	if (err) {
		uas_reply_why(w, m, src, 400,
		              err == -E2BIG ? "too many Route entries"
		                            : "malformed Route",
		              NULL);
		return;
	}
	if (u->scheme != TZ_URI_TEL && !u->has_userinfo && !rinfo_next(&ri) &&
	    !ri.strict &&
	    srv_is_local(c, m->buf + u->host.off, u->host.len, u->port,
	                 src->tp)) {
		if (is_method(m, "REGISTER"))
			registrar_request(w, m, src);
		else
			to_self(w, m, src);
		return;
	}
	proxy_request(w, m, src, &ri);
}
