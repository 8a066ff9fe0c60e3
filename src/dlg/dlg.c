/*
 * dlg.c  Dialogs (RFC 3261 12): creation at the UAS (12.1.1) and the UAC
 * (12.1.2), confirmation of an early dialog by a 2xx (13.2.2.4), matching,
 * the CSeq rule for received requests (12.2.2), target refresh, and the
 * dialog fields of requests we send with loose or strict routing
 * (12.2.1.1).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_dlg.h"
#include "tz/tz_hval.h"
#include "tz/tz_mem.h"

/* Copy span @p s of @p base into @p out (NUL-terminated). */
static int span_copy(char *out, size_t cap, const char *base, struct tz_span s)
{
	if (s.len >= cap)
		return -EOVERFLOW;
	memcpy(out, base + s.off, s.len);
	out[s.len] = 0;
	return 0;
}

/* A From / To as a name-addr without its tag: display name and <URI>;
 * other header parameters are not part of the dialog state. */
static int naddr_text(char *out, size_t cap, const char *base,
                      const struct tz_naddr *na)
{
	int n;

	if (na->dname.len)
		n = snprintf(out, cap, "%.*s <%.*s>", (int)na->dname.len,
		             base + na->dname.off, (int)na->uri.len,
		             base + na->uri.off);
	else
		n = snprintf(out, cap, "<%.*s>", (int)na->uri.len,
		             base + na->uri.off);
	return n < 0 || (size_t)n >= cap ? -EOVERFLOW : 0;
}

/* The first Contact URI of @p m into @p out; -ENOENT when none. */
static int contact_uri(char *out, size_t cap, const struct tz_msg *m)
{
	const struct tz_hdr *h = tz_msg_hdr_find(m, TZ_HDR_CONTACT, 0);
	struct tz_contact c;
	uint32_t pos;
	int err;

	if (!h)
		return -ENOENT;
	pos = h->value.off;
	err = tz_contact_next(&c, m->buf, &pos, h->value.off + h->value.len);
	if (err == -ERANGE)
		err = 0;
	if (err)
		return -EBADMSG;
	if (c.star)
		return -EBADMSG;
	return span_copy(out, cap, m->buf, c.na.uri);
}

/* RFC3261 12.1.1, 12.1.2: the route set is the Record-Route list, in
 * order at the UAS, reversed at the UAC. Written into @p route only when
 * the whole list fits. */
static int route_set(char route[TZ_DLG_ROUTES][TZ_DLG_STR], unsigned *nroute,
                     const struct tz_msg *m, bool reverse)
{
	char tmp[TZ_DLG_ROUTES][TZ_DLG_STR];
	const struct tz_hdr *h;
	unsigned n = 0, i;
	int err;

	for (i = 0; (h = tz_msg_hdr_find(m, TZ_HDR_RECORD_ROUTE, i)); i++) {
		uint32_t pos = h->value.off, end = pos + h->value.len;
		struct tz_naddr na;

		while ((err = tz_route_next(&na, m->buf, &pos, end)) == 0) {
			int len;

			if (n == TZ_DLG_ROUTES)
				return -EOVERFLOW;
			len = snprintf(tmp[n], TZ_DLG_STR, "<%.*s>%.*s",
			               (int)na.uri.len, m->buf + na.uri.off,
			               (int)na.params.len,
			               m->buf + na.params.off);
			if (len < 0 || len >= TZ_DLG_STR)
				return -EOVERFLOW;
			n++;
		}
		if (err != -ENOENT)
			return -EBADMSG;
	}
	for (i = 0; i < n; i++)
		memcpy(route[i], tmp[reverse ? n - 1 - i : i], TZ_DLG_STR);
	*nroute = n;
	return 0;
}

/* Fields common to both sides: Call-ID, the route set, the target. */
static int dlg_common(struct tz_dlg *d, const struct tz_msg *req,
                      const struct tz_msg *rr_msg, bool uac)
{
	int err = span_copy(d->call_id, sizeof(d->call_id), req->buf,
	                    req->call_id);

	if (!err)
		err = route_set(d->route, &d->nroute, rr_msg, uac);
	if (err)
		return err;
	/* RFC3261 12.1.1, 12.1.2: the remote target is the Contact of the
	 * peer's message; a peer without one leaves it empty (requests then
	 * fall back to the remote URI) */
	err = contact_uri(d->remote_target, sizeof(d->remote_target),
	                  uac ? rr_msg : req);
	return err == -ENOENT ? 0 : err;
}

int tz_dlg_uac_alloc(struct tz_dlg **dp, const struct tz_msg *req,
                     const struct tz_msg *resp)
{
	struct tz_dlg *d;
	int err;

	if (resp->request || resp->status <= 100 || resp->status >= 300 ||
	    !resp->to.has_tag || !resp->to.tag.len)
		return -EINVAL;
	d = tz_mem_zalloc(sizeof(*d), NULL);
	if (!d)
		return -ENOMEM;
	d->uac = true;
	d->early = resp->status < 200;
	/* RFC3261 12.1.2: local CSeq = the request's, remote CSeq empty;
	 * local URI = From, remote URI = To, remote tag = the To tag */
	d->local_cseq = req->cseq;
	err = dlg_common(d, req, resp, true);
	if (!err)
		err = span_copy(d->local_tag, sizeof(d->local_tag), req->buf,
		                req->from.tag);
	if (!err)
		err = span_copy(d->remote_tag, sizeof(d->remote_tag), resp->buf,
		                resp->to.tag);
	if (!err)
		err = naddr_text(d->local_uri, sizeof(d->local_uri), req->buf,
		                 &req->from);
	if (!err)
		err = naddr_text(d->remote_uri, sizeof(d->remote_uri), req->buf,
		                 &req->to);
	if (err) {
		tz_mem_deref(d);
		return err;
	}
	*dp = d;
	return 0;
}

int tz_dlg_uas_alloc(struct tz_dlg **dp, const struct tz_msg *req,
                     const char *local_tag, bool early)
{
	struct tz_dlg *d;
	size_t n = strlen(local_tag);
	int err;

	if (!req->from.has_tag || !req->from.tag.len)
		return -EBADMSG;
	if (n >= TZ_DLG_ID)
		return -EOVERFLOW;
	d = tz_mem_zalloc(sizeof(*d), NULL);
	if (!d)
		return -ENOMEM;
	d->early = early;
	memcpy(d->local_tag, local_tag, n + 1);
	/* RFC3261 12.1.1: remote CSeq = the request's, local CSeq empty
	 * (we start ours at 1); remote URI = From, local URI = To */
	d->remote_cseq = req->cseq;
	d->has_remote_cseq = true;
	err = dlg_common(d, req, req, false);
	if (!err)
		err = span_copy(d->remote_tag, sizeof(d->remote_tag), req->buf,
		                req->from.tag);
	if (!err)
		err = naddr_text(d->local_uri, sizeof(d->local_uri), req->buf,
		                 &req->to);
	if (!err)
		err = naddr_text(d->remote_uri, sizeof(d->remote_uri), req->buf,
		                 &req->from);
	if (err) {
		tz_mem_deref(d);
		return err;
	}
	*dp = d;
	return 0;
}

int tz_dlg_confirm(struct tz_dlg *d, const struct tz_msg *resp)
{
	char route[TZ_DLG_ROUTES][TZ_DLG_STR], target[TZ_DLG_STR];
	unsigned n = 0;
	int err;

	if (resp) {
		/* RFC3261 13.2.2.4: the route set of a confirmed dialog is
		 * recomputed from the 2xx */
		err = route_set(route, &n, resp, d->uac);
		if (err)
			return err;
		err = contact_uri(target, sizeof(target), resp);
		if (err && err != -ENOENT)
			return err;
		memcpy(d->route, route, sizeof(route));
		d->nroute = n;
		if (!err)
			memcpy(d->remote_target, target, sizeof(target));
	}
	d->early = false;
	return 0;
}

static bool span_is(const char *base, struct tz_span s, const char *str)
{
	return tz_span_eq(base, s, str);
}

bool tz_dlg_match(const struct tz_dlg *d, const struct tz_msg *m)
{
	const struct tz_naddr *ours = m->request ? &m->to : &m->from;
	const struct tz_naddr *theirs = m->request ? &m->from : &m->to;

	if (!span_is(m->buf, m->call_id, d->call_id))
		return false;
	if (!span_is(m->buf, ours->tag, d->local_tag))
		return false;
	/* an early UAC dialog has the remote tag of its own response */
	return span_is(m->buf, theirs->tag, d->remote_tag);
}

int tz_dlg_recv_cseq(struct tz_dlg *d, const struct tz_msg *req)
{
	if (tz_span_eq(req->buf, req->method, "ACK") ||
	    tz_span_eq(req->buf, req->method, "CANCEL"))
		return 0;
	/* RFC3261 12.2.2: a CSeq lower than the remote CSeq is out of
	 * order: 500 (an equal one is a retransmission the transaction
	 * layer absorbed, or a request sharing its INVITE's number) */
	if (d->has_remote_cseq && req->cseq < d->remote_cseq)
		return -EPROTO;
	d->remote_cseq = req->cseq;
	d->has_remote_cseq = true;
	return 0;
}

int tz_dlg_refresh(struct tz_dlg *d, const struct tz_msg *m)
{
	char target[TZ_DLG_STR];
	int err = contact_uri(target, sizeof(target), m);

	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	/* RFC3261 12.2.1.2, 12.2.2: a target refresh replaces the remote
	 * target (never the route set) */
	memcpy(d->remote_target, target, sizeof(target));
	return 0;
}

/* RFC3261 19.1.1: ";lr" inside the <...> of a route entry. */
static bool route_loose(const char *r)
{
	const char *end = strchr(r, '>');
	const char *p = r;

	while ((p = strstr(p, ";lr")) && (!end || p < end)) {
		char c = p[3];

		if (c == ';' || c == '>' || c == '=' || c == 0)
			return true;
		p += 3;
	}
	return false;
}

/* The URI inside the <...> of route entry @p r into @p out. */
static int route_uri(const char *r, char *out, size_t cap)
{
	const char *s = strchr(r, '<'), *e = s ? strchr(s, '>') : NULL;

	if (!s || !e || (size_t)(e - s - 1) >= cap)
		return -EOVERFLOW;
	memcpy(out, s + 1, (size_t)(e - s - 1));
	out[e - s - 1] = 0;
	return 0;
}

/* The remote target, or the remote URI for a peer that sent no Contact. */
static int target_of(const struct tz_dlg *d, char *out, size_t cap)
{
	if (d->remote_target[0]) {
		if (strlen(d->remote_target) >= cap)
			return -EOVERFLOW;
		strcpy(out, d->remote_target);
		return 0;
	}
	return route_uri(d->remote_uri, out, cap);
}

int tz_dlg_next_hop(const struct tz_dlg *d, char *out, size_t cap)
{
	/* RFC3261 12.2.1.1, 8.1.2: the first route entry, else the remote
	 * target */
	if (d->nroute)
		return route_uri(d->route[0], out, cap);
	return target_of(d, out, cap);
}

int tz_dlg_request(struct tz_dlg *d, struct tz_req_build *rb,
                   const char *method)
{
	bool same = !strcmp(method, "ACK") || !strcmp(method, "CANCEL");
	unsigned i, n = 0;
	int err;

	if (!same && d->local_cseq >= 0x7fffffffu)
		return -EOVERFLOW;
	err = target_of(d, d->ruri_, sizeof(d->ruri_));
	if (err)
		return err;
	if (d->nroute && !route_loose(d->route[0])) {
		/* RFC3261 12.2.1.1: a strict router: its URI is the
		 * Request-URI, the rest of the set then the remote target
		 * go in Route */
		int len = snprintf(d->target_route_, sizeof(d->target_route_),
		                   "<%s>", d->ruri_);

		if (len < 0 || (size_t)len >= sizeof(d->target_route_))
			return -EOVERFLOW;
		err = route_uri(d->route[0], d->ruri_, sizeof(d->ruri_));
		if (err)
			return err;
		for (i = 1; i < d->nroute; i++)
			d->routev_[n++] = d->route[i];
		d->routev_[n++] = d->target_route_;
	} else {
		/* RFC3261 12.2.1.1: loose routing: the remote target is the
		 * Request-URI, the route set the Route header */
		for (i = 0; i < d->nroute; i++)
			d->routev_[n++] = d->route[i];
	}
	/* RFC3261 12.2.1.1: CSeq incremented by one for each request but
	 * ACK and CANCEL, which carry their INVITE's (13.2.2.4, 9.1) */
	if (!same)
		d->local_cseq++;
	rb->method = method;
	rb->ruri = d->ruri_;
	rb->route = n ? d->routev_ : NULL;
	rb->nroute = n;
	rb->from = d->local_uri;
	rb->from_tag = d->local_tag;
	rb->to = d->remote_uri;
	rb->to_tag = d->remote_tag[0] ? d->remote_tag : NULL;
	rb->call_id = d->call_id;
	rb->cseq = d->local_cseq;
	return 0;
}
