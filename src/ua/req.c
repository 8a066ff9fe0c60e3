/*
 * req.c  Requests the UA sends: where they go (RFC 3261 8.1.2 and 12.2.1.1:
 * the outbound proxy or the Request-URI outside a dialog, the route set
 * or the remote target inside one; RFC 3263 resolution), the Via of each
 * attempt, the client transaction, and the digest retry after 401 / 407
 * (RFC 3261 22.2, 22.3; RFC 7616 3.4) with a new CSeq and branch.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_build.h"
#include "tz/tz_digest.h"
#include "tz/tz_mem.h"
#include "tz/tz_rand.h"
#include "tz/tz_transport.h"
#include "ua_int.h"

struct ua_req *ua_req_new(struct tz_ua *ua, const char *method, ua_resp_h *h,
                          void *arg)
{
	struct ua_req *r = tz_malloc(sizeof(*r));

	if (!r)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->ua = ua;
	snprintf(r->method, sizeof(r->method), "%s", method);
	r->h = h;
	r->arg = arg;
	tz_buf_init(&r->sent);
	r->next = ua->reqs;
	ua->reqs = r;
	return r;
}

int ua_req_set_body(struct ua_req *r, const char *ctype, const char *body,
                    size_t len)
{
	char *p = tz_malloc(len ? len : 1);

	if (!p)
		return -ENOMEM;
	memcpy(p, body, len);
	tz_free(r->body);
	r->body = p;
	r->body_len = len;
	r->ctype = ctype;
	return 0;
}

void ua_req_free(struct ua_req *r)
{
	struct ua_req **pp;

	if (!r)
		return;
	for (pp = &r->ua->reqs; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	tz_resolve_cancel(r->q);
	if (r->t) {
		tz_tsx_detach(r->t);
		tz_mem_deref(r->t);
	}
	tz_mem_deref(r->dlg);
	tz_buf_free(&r->sent);
	tz_free(r->body);
	tz_free(r);
}

static void finish(struct ua_req *r, int err, const struct tz_msg *resp)
{
	if (!resp || resp->status >= 200)
		r->final = true;
	r->h(r, err, resp);
}

/* Print the request for this attempt into ua->out. */
static int build(struct ua_req *r)
{
	struct tz_ua *ua = r->ua;
	struct tz_req_build rb = {0};
	struct sockaddr_storage local;
	socklen_t llen;
	char hp[TZ_SA_STRLEN],
	        hdrs[sizeof(r->hdrs) + sizeof(r->st) + 2 * sizeof(r->auth) +
	             160],
	        cached[sizeof(r->auth)];
	int err;

	if (!r->keep_branch) {
		err = tz_transport_local(ua->tp, &r->dst, &local, &llen);
		if (err)
			return err;
		tz_sa_print(&local, true, hp, sizeof(hp));
		snprintf(r->via, sizeof(r->via), "SIP/2.0/%s %s",
		         tz_tp_name(r->dst.tp), hp);
		/* RFC3261 8.1.1.7: a new branch for every new transaction;
		 * the ACK for a 2xx too (17.1.1.3) */
		snprintf(r->branch, sizeof(r->branch), "z9hG4bK%016llx",
		         (unsigned long long)tz_rand64());
	}
	if (r->dlg) {
		err = tz_dlg_request(r->dlg, &rb, r->method);
		if (err)
			return err;
		if (r->fixed_cseq)
			rb.cseq = r->cseq;
		r->cseq = rb.cseq;
	} else {
		rb.method = r->method;
		rb.ruri = r->ruri;
		rb.from = r->from;
		rb.from_tag = r->from_tag;
		rb.to = r->to;
		rb.call_id = r->call_id;
		rb.cseq = r->cseq;
	}
	rb.via = r->via;
	rb.branch = r->branch;
	rb.rport = true; /* RFC3581 3 */
	rb.max_forwards = 70;
	if (r->contact)
		rb.contact = ua->contact;
	/* RFC3261 22.3: without a challenge of its own, the credentials
	 * the last challenge gave (one round trip less) */
	cached[0] = 0;
	if (!r->auth[0])
		ua_auth_cached(ua, rb.method, rb.ruri, cached, sizeof(cached));
	snprintf(hdrs, sizeof(hdrs), "%s%s%s%sUser-Agent: %s\r\n", r->hdrs,
	         r->st, r->auth, cached, UA_AGENT);
	rb.headers = hdrs;
	rb.ctype = r->body ? r->ctype : NULL;
	rb.body = r->body;
	rb.body_len = r->body_len;
	tz_buf_reset(&ua->out);
	return tz_build_request(&ua->out, &rb);
}

static void on_resp(int err, const struct tz_msg *resp, void *arg);

/* Send this attempt: a new transaction (or, for an ACK, the bytes). */
static int transmit(struct ua_req *r)
{
	struct tz_ua *ua = r->ua;
	int err = build(r);

	r->prov = false; /* a new transaction */
	if (err)
		return err;
	if (r->no_tsx) {
		/* RFC3261 17.1.1.3: the ACK for a 2xx is the TU's, sent
		 * straight to the transport and kept for 2xx copies */
		tz_buf_reset(&r->sent);
		tz_buf_put(&r->sent, ua->out.p, ua->out.len);
		if (r->sent.err)
			return r->sent.err;
		return tz_transport_send(ua->tp, ua->out.p, ua->out.len,
		                         &r->dst);
	}
	if (r->t) {
		tz_tsx_detach(r->t);
		r->t = tz_mem_deref(r->t);
	}
	return tz_tsx_client_alloc(&r->t, ua->tsx, ua->out.p, ua->out.len,
	                           &r->dst, on_resp, r);
}

/* The same request again as a new transaction (CSeq + 1, new branch),
 * e.g. after a 422 (RFC 4028 7.4); errors come through the handler. */
int ua_req_retry(struct ua_req *r)
{
	int err;

	if (!r->dlg)
		r->cseq++;
	/* credentials with a used nonce-count would be refused as a
	 * replay: start without, the challenge comes again */
	r->auth[0] = 0;
	r->nauth = 0;
	r->final = false;
	err = transmit(r);
	if (err)
		r->final = true;
	return err;
}

int ua_req_resend_ack(struct ua_req *r)
{
	if (!r->sent.len)
		return 0;
	return tz_transport_send(r->ua->tp, r->sent.p, r->sent.len, &r->dst);
}

/* RFC3261 22.2, 22.3: answer a challenge once per nonce; a second 401 /
 * 407 after credentials means they were refused, unless the nonce was
 * only stale (RFC 7616 3.3). */
static bool retry_auth(struct ua_req *r, const struct tz_msg *resp)
{
	struct tz_ua *ua = r->ua;
	struct tz_msg *m = (struct tz_msg *)resp;
	const struct tz_msg *sent;
	char uri[TZ_DLG_STR];
	int err;

	if ((resp->status != 401 && resp->status != 407) || !ua->has_password ||
	    r->no_tsx || !strcmp(r->method, "CANCEL"))
		return false;
	if (r->nauth >= 2 || (r->nauth >= 1 && !ua_auth_stale(resp))) {
		/* RFC3261 22.2: credentials refused are not sent again (a
		 * stale nonce, RFC 7616 3.3, is no refusal: one more try);
		 * the cache drops them too, or each later request would be
		 * one more failure against us and lead to throttling */
		ua->cred[resp->status == 407].valid = false;
		return false;
	}
	/* the digest-uri is the Request-URI as sent (RFC 3261 22.4) */
	sent = r->t ? tz_tsx_request(r->t) : NULL;
	if (!sent || sent->ruri.len >= sizeof(uri))
		return false;
	memcpy(uri, sent->buf + sent->ruri.off, sent->ruri.len);
	uri[sent->ruri.len] = 0;
	err = ua_auth_header(ua, m, r->method, uri, r->auth, sizeof(r->auth));
	if (err)
		return false;
	r->nauth++;
	/* RFC3261 8.1.3.5: the retry is a new request: CSeq + 1 (a
	 * dialog's tz_dlg_request() adds it), a new branch */
	if (!r->dlg)
		r->cseq++;
	err = transmit(r);
	if (err)
		finish(r, err, NULL);
	return true;
}

/* RFC3263 4.3: after a transport error, a timeout or a 503, the next
 * target the resolution gave, as a new transaction (new branch, same
 * CSeq: the same request elsewhere); after a provisional only for a
 * 503 (@p any_prov), never for a CANCEL (it goes where its INVITE
 * went) or an ACK. */
static bool failover(struct ua_req *r, bool any_prov)
{
	if (r->ialt >= r->nalt || (r->prov && !any_prov) || r->final ||
	    r->no_tsx || r->keep_branch)
		return false;
	r->dst = r->alt[r->ialt++];
	if (transmit(r))
		return failover(r, any_prov);
	return true;
}

static void on_resp(int err, const struct tz_msg *resp, void *arg)
{
	struct ua_req *r = arg;

	if (err) {
		if (failover(r, false))
			return;
		finish(r, err, NULL);
		return;
	}
	if (resp->status < 200)
		r->prov = true;
	else if (resp->status == 503 && failover(r, true))
		return;
	if (!r->final && retry_auth(r, resp))
		return;
	finish(r, 0, resp);
}

static void resolved(int err, const struct tz_tp_dest *targets, size_t n,
                     void *arg)
{
	struct ua_req *r = arg;

	r->q = NULL;
	if (err || !n) {
		finish(r, err ? err : -EHOSTUNREACH, NULL);
		return;
	}
	/* RFC3263 4.3: the first target; the next ones for failover() */
	r->dst = targets[0];
	r->dst.reliable = r->dst.tp != TZ_TP_UDP;
	r->have_dst = true;
	r->ialt = 0;
	r->nalt = 0;
	for (size_t i = 1; i < n && r->nalt < UA_ALTERNATES; i++) {
		r->alt[r->nalt] = targets[i];
		r->alt[r->nalt++].reliable = targets[i].tp != TZ_TP_UDP;
	}
	err = transmit(r);
	if (err && !failover(r, false))
		finish(r, err, NULL);
}

int ua_req_send(struct ua_req *r)
{
	struct tz_ua *ua = r->ua;
	int err;

	if (r->have_dst)
		return transmit(r);
	/* RFC3261 12.2.1.1 inside a dialog: the first route, else the
	 * remote target; outside, 8.1.2: the outbound proxy if there is one,
	 * else the Request-URI */
	if (r->dlg)
		err = tz_dlg_next_hop(r->dlg, r->hop, sizeof(r->hop));
	else
		err = snprintf(r->hop, sizeof(r->hop), "%s",
		               ua->proxy_uri[0] ? ua->proxy_uri : r->ruri) >=
		                      (int)sizeof(r->hop)
		              ? -EOVERFLOW
		              : 0;
	if (err)
		return err;
	if (tz_uri_parse(&r->hop_u, r->hop, 0, (uint32_t)strlen(r->hop)) ||
	    (r->hop_u.scheme != TZ_URI_SIP && r->hop_u.scheme != TZ_URI_SIPS))
		return -EINVAL;
	return tz_resolve_uri(ua->res, &r->q, r->hop, &r->hop_u, resolved, r);
}
