/*
 * proxy.c  A request for someone else (RFC 3261 16): validation (16.3),
 * proxy authentication (22.3) with the asserted identity (RFC 3325), the
 * target set (16.5): the location service for our domains with the
 * user's call features (forwarding, do-not-disturb, anonymous call
 * barring, RFC 5079), telephone numbers to a gateway, any other domain
 * only for trusted senders (never an open relay); then the mode: a
 * response context (stateful, dialog), stateless forwarding (16.11), or a
 * redirect (8.3).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv_int.h"
#include "tz/tz_hval.h"
#include "tz/tz_log.h"
#include "tz/tz_store.h"

#define MAX_TARGETS 10

bool proxy_is_peer(const struct tz_config *c, const struct tz_tp_dest *src)
{
	for (unsigned i = 0; i < c->npeer; i++) {
		const struct tz_peer *p = &c->peer[i];
		const uint8_t *a, *b;
		unsigned bits = p->bits, n;

		if (p->addr.ss_family != src->addr.ss_family)
			continue;
		if (p->addr.ss_family == AF_INET) {
			a = (const uint8_t *)&(
			            (const struct sockaddr_in *)&p->addr)
			            ->sin_addr;
			b = (const uint8_t *)&(
			            (const struct sockaddr_in *)&src->addr)
			            ->sin_addr;
		} else {
			a = ((const struct sockaddr_in6 *)&p->addr)
			            ->sin6_addr.s6_addr;
			b = ((const struct sockaddr_in6 *)&src->addr)
			            ->sin6_addr.s6_addr;
		}
		n = bits / 8;
		if (memcmp(a, b, n))
			continue;
		if (bits % 8 &&
		    ((a[n] ^ b[n]) & (uint8_t)(0xff << (8 - bits % 8))))
			continue;
		return true;
	}
	return false;
}

/* RFC5079 3: an anonymous caller: the anonymous URI in From, or a
 * Privacy of id or user (RFC 3323) that we did not see through. */
static bool is_anonymous(const struct tz_msg *m, bool authed)
{
	const struct tz_uri *u = &m->from.u;
	const struct tz_hdr *h;

	if (tz_span_eqi(m->buf, u->host, "anonymous.invalid") ||
	    tz_span_eqi(m->buf, u->user, "anonymous"))
		return true;
	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, TZ_HDR_PRIVACY, nth));
	     nth++)
		if (!authed && (tz_privacy_has(m->buf, h->value, "id") ||
		                tz_privacy_has(m->buf, h->value, "user")))
			return true;
	return false;
}

/* RFC3261 12.1, RFC6665 4.1, RFC3515: requests that may create a dialog
 * (and so are record-routed) */
static bool dialog_creating(const struct tz_msg *m)
{
	static const char *const names[] = {"INVITE", "SUBSCRIBE", "REFER",
	                                    "NOTIFY"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (tz_span_eq(m->buf, m->method, names[i]))
			return true;
	return false;
}

/* RFC3966, RFC3261 19.1.1 user=phone: the number, or false. */
static bool phone_number(const struct tz_msg *m, char *out, size_t n)
{
	const struct tz_uri *u = &m->ruri_u;
	struct tz_span p;
	size_t k = 0;

	if (u->scheme != TZ_URI_TEL &&
	    !(u->scheme != TZ_URI_OTHER && u->has_userinfo &&
	      uri_param(m->buf, u, "user", &p) &&
	      tz_span_eqi(m->buf, p, "phone")))
		return false;
	/* RFC3966 5.1.1: visual separators are not part of the number */
	for (uint32_t i = 0; i < u->user.len && k + 1 < n; i++) {
		char ch = m->buf[u->user.off + i];

		if (ch == ';')
			break;
		if (ch != '-' && ch != '.' && ch != '(' && ch != ')')
			out[k++] = ch;
	}
	out[k] = 0;
	return k > 0;
}

/* The gateway URI for @p num: "sip:NUM@gateway-hostport;user=phone". */
static bool gateway_uri(const struct tz_config *c, const char *num, char *out,
                        size_t n)
{
	const struct tz_gateway *best = NULL;

	/* the longest matching prefix */
	for (unsigned i = 0; i < c->ngateway; i++) {
		const struct tz_gateway *g = &c->gateway[i];

		if (!strncmp(num, g->prefix, strlen(g->prefix)) &&
		    (!best || strlen(g->prefix) > strlen(best->prefix)))
			best = g;
	}
	if (!best) {
		return false;
	} else {
		const char *hp = strchr(best->uri, ':') + 1,
		           *at = strchr(hp, '@');
		int k;

		if (at)
			hp = at + 1;
		k = snprintf(out, n, "%.*s:%s@%s;user=phone",
		             (int)(strchr(best->uri, ':') - best->uri),
		             best->uri, num, hp);
		return k > 0 && (size_t)k < n;
	}
}

/* An AOR at one of our addresses (not a domain name) is taken in the
 * first domain: "sip:bob@192.0.2.1" is bob@example.com. */
static bool aor_local(const struct tz_config *c, const char *base,
                      const struct tz_uri *u, char *aor)
{
	char *at = strrchr(aor, '@');
	size_t k = at ? (size_t)(at - aor) + 1 : 0;

	if (!at || srv_is_domain(c, base + u->host.off, u->host.len))
		return at != NULL;
	if (k + strlen(c->domain[0]) > TZ_AOR_MAX)
		return false;
	strcpy(at + 1, c->domain[0]);
	return true;
}

/* The bindings of @p aor as targets. */
static unsigned located(struct worker *w, const char *aor,
                        struct tz_location *loc, struct ptarget *t,
                        unsigned max)
{
	size_t n = tz_registry_lookup(w->srv->reg, aor, loc, max);

	for (size_t i = 0; i < n && i < max; i++)
		t[i] = (struct ptarget){
		        loc[i].uri, strlen(loc[i].uri), loc[i].path,
		        loc[i].flow.addrlen ? &loc[i].flow : NULL, loc[i].q};
	return n < max ? (unsigned)n : max;
}

unsigned proxy_targets(struct worker *w, const char *uri,
                       struct tz_location *loc, struct ptarget *t, unsigned max)
{
	const struct tz_config *c = &w->conf->c;
	char aor[TZ_AOR_MAX + 1];
	struct tz_uri u;

	/* a forwarding target of ours goes through the location service;
	 * anything else is sent on as it is */
	if (tz_uri_parse(&u, uri, 0, (uint32_t)strlen(uri)) == 0 &&
	    u.has_userinfo &&
	    (u.scheme == TZ_URI_SIP || u.scheme == TZ_URI_SIPS) &&
	    srv_is_local(c, uri + u.host.off, u.host.len, u.port, TZ_TP_UDP) &&
	    tz_aor_from_uri(aor, uri, &u) == 0 && aor_local(c, uri, &u, aor))
		return located(w, aor, loc, t, max);
	t[0] = (struct ptarget){uri, strlen(uri), NULL, NULL, 1000};
	return 1;
}

/* RFC3261 8.3, 21.3.3: redirect: 302 with the locations. */
static void redirect(struct worker *w, struct tz_msg *m,
                     const struct tz_tp_dest *src, const struct ptarget *t,
                     unsigned n)
{
	char hdrs[4096];
	size_t used = 0;

	for (unsigned i = 0; i < n && used + 600 < sizeof(hdrs); i++)
		used += (size_t)snprintf(hdrs + used, sizeof(hdrs) - used,
		                         "Contact: <%.*s>;q=%u.%03u\r\n",
		                         (int)t[i].urilen, t[i].uri,
		                         t[i].q / 1000, t[i].q % 1000);
	w->ps.redirected++;
	uas_reply(w, m, src, 302, NULL, hdrs);
}

/* The call features of a local callee, for a new INVITE (RFC 5079,
 * forwarding); false when the request has been answered. */
static bool features(struct worker *w, struct tz_msg *m,
                     const struct tz_tp_dest *src,
                     const struct tz_user_features *ft, bool authed,
                     struct popts *o, const char **always)
{
	const struct tz_config *c = &w->conf->c;

	/* RFC5079 3: anonymous call barring */
	if (ft->reject_anonymous && is_anonymous(m, authed)) {
		uas_reply(w, m, src, 433, NULL, NULL);
		return false;
	}
	if (ft->fwd_always[0]) {
		*always = ft->fwd_always;
		return true;
	}
	if (ft->dnd && !ft->fwd_busy[0]) {
		uas_reply(w, m, src, 486, "Busy Here: do not disturb", NULL);
		return false;
	}
	if (ft->dnd)
		*always = ft->fwd_busy;
	o->fwd_busy = ft->fwd_busy[0] ? ft->fwd_busy : NULL;
	o->fwd_no_answer = ft->fwd_no_answer[0] ? ft->fwd_no_answer : NULL;
	o->no_answer_ms =
	        (ft->fwd_after ? ft->fwd_after : c->forward_after) * 1000u;
	return true;
}

void proxy_request(struct worker *w, struct tz_msg *m,
                   const struct tz_tp_dest *src, const struct rinfo *ri)
{
	const struct tz_config *c = &w->conf->c;
	const struct route_el *next = rinfo_next(ri);
	bool invite = tz_span_eq(m->buf, m->method, "INVITE");
	bool initial = !m->to.has_tag, authed = false;
	bool peer = proxy_is_peer(c, src);
	bool local_from = (m->from.u.scheme == TZ_URI_SIP ||
	                   m->from.u.scheme == TZ_URI_SIPS) &&
	                  srv_is_domain(c, m->buf + m->from.u.host.off,
	                                m->from.u.host.len);
	struct tz_location loc[MAX_TARGETS];
	struct ptarget t[MAX_TARGETS];
	struct popts o = {0};
	struct tz_user_features ft;
	char hdrs[512], user[128], realm[TZ_AOR_MAX + 1], pai[400];
	char aor[TZ_AOR_MAX + 1], num[64], gw[300];
	const char *always = NULL;
	unsigned nt = 0;
	bool trusted;

	/* RFC3261 16.3 item 3: Max-Forwards 0: 483 */
	if (m->max_forwards == 0) {
		uas_reply(w, m, src, 483, NULL, NULL);
		return;
	}
	/* RFC3261 16.3 item 4: loop: 482 */
	if (via_loop(c, m)) {
		uas_reply(w, m, src, 482, NULL, NULL);
		return;
	}
	/* RFC3261 16.3 item 5: Proxy-Require with a tag we lack: 420 */
	if (uas_unsupported(m, TZ_HDR_PROXY_REQUIRE, hdrs, sizeof(hdrs))) {
		uas_reply(w, m, src, 420, NULL, hdrs);
		return;
	}
	/* RFC3261 22.3: our own users prove who they are (flow 14: 407);
	 * ACK and CANCEL never come here */
	if (c->auth && local_from && !peer &&
	    !tz_span_eq(m->buf, m->method, "CANCEL")) {
		snprintf(realm, sizeof(realm), "%.*s", (int)m->from.u.host.len,
		         m->buf + m->from.u.host.off);
		for (char *p = realm; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		if (!srv_authenticate(w, m, src, realm, true, user,
		                      sizeof(user))) {
			w->ps.challenged++;
			return;
		}
		/* RFC3325 5: we assert only the identity we verified. Inside
		 * a dialog From is the dialog's local URI (RFC3261 12.2.1.1),
		 * which is another user's AOR when the call reached this one
		 * by forwarding: only a new request must name its sender. */
		if (initial && (strlen(user) != m->from.u.user.len ||
		                strncasecmp(user, m->buf + m->from.u.user.off,
		                            m->from.u.user.len))) {
			uas_reply(w, m, src, 403,
			          "Forbidden: From does not match the "
			          "credentials",
			          NULL);
			return;
		}
		authed = true;
		snprintf(pai, sizeof(pai), "<sip:%.127s@%.255s>", user, realm);
		o.pai = pai;
		o.realm = realm;
	}
	trusted = peer || authed || (!c->auth && local_from);
	if (!initial && c->proxy_mode == TZ_PROXY_DIALOG)
		dlg_request(w, m, src);
	/* RFC3325 5: an identity from an untrusted source is not passed on */
	o.strip_pai = !peer;
	o.rr = c->record_route && initial && dialog_creating(m);

	if (next || ((ri->popped || ri->strict) && !initial)) {
		/* RFC3261 16.4, 16.12: the route set (or, inside a dialog we
		 * record-routed, the remote target) decides; a stranger's
		 * new request may not use us to reach a third party */
		if (!trusted && initial) {
			uas_reply(w, m, src, 403, "Forbidden: relaying denied",
			          NULL);
			return;
		}
		t[nt++] = (struct ptarget){.q = 1000};
	} else if (phone_number(m, num, sizeof(num))) {
		/* telephone numbers: the gateway of the longest prefix,
		 * for our users and peers only (toll fraud) */
		if (!trusted) {
			uas_reply(w, m, src, 403,
			          "Forbidden: calls to numbers are for local "
			          "users",
			          NULL);
			return;
		}
		if (!gateway_uri(c, num, gw, sizeof(gw))) {
			uas_reply(w, m, src, 404,
			          "Not Found: no route for the number", NULL);
			return;
		}
		t[nt++] = (struct ptarget){gw, strlen(gw), NULL, NULL, 1000};
	} else if (m->ruri_u.has_userinfo &&
	           srv_is_local(c, m->buf + m->ruri_u.host.off,
	                        m->ruri_u.host.len, m->ruri_u.port, src->tp)) {
		/* RFC3261 16.5: one of ours: the location service */
		if (tz_aor_from_uri(aor, m->buf, &m->ruri_u) != 0 ||
		    !aor_local(c, m->buf, &m->ruri_u, aor) ||
		    tz_registry_user_features(w->srv->reg, aor, &ft) != 0) {
			uas_reply(w, m, src, 404, NULL, NULL);
			return;
		}
		if (invite && initial &&
		    !features(w, m, src, &ft, authed, &o, &always))
			return;
		nt = always ? proxy_targets(w, always, loc, t, MAX_TARGETS)
		            : located(w, aor, loc, t, MAX_TARGETS);
		/* nobody registered: 404 as CALLFLOWS.md flow 25 and common
		 * practice say (RFC3261 16.5 suggests 480) */
		if (nt == 0) {
			uas_reply(w, m, src, 404, "Not Found: not registered",
			          NULL);
			return;
		}
		o.callee = aor;
	} else {
		/* RFC3263: another domain, for trusted senders only */
		if (!trusted) {
			uas_reply(w, m, src, 403, "Forbidden: relaying denied",
			          NULL);
			return;
		}
		t[nt++] = (struct ptarget){.q = 1000};
	}
	o.account = c->proxy_mode == TZ_PROXY_DIALOG && invite && initial;
	switch (c->proxy_mode) {
	case TZ_PROXY_REDIRECT:
		if (initial && t[0].uri) {
			redirect(w, m, src, t, nt);
			return;
		}
		/* in-dialog requests pass statelessly */
		__attribute__((fallthrough));
	case TZ_PROXY_STATELESS: {
		struct fwd f = {0};

		f.ruri = t[0].uri;
		f.rurilen = t[0].urilen;
		f.path = t[0].path;
		f.src = src;
		f.rr = o.rr && c->proxy_mode == TZ_PROXY_STATELESS;
		f.pai = o.pai;
		f.strip_pai = o.strip_pai;
		f.realm = o.realm;
		sl_request(w, m, src, ri, &f,
		           t[0].path && t[0].path[0] ? NULL : t[0].flow);
		return;
	}
	default:
		pctx_start(w, m, src, &o, t, nt);
	}
}

void proxy_ack(struct worker *w, struct tz_msg *m, const struct tz_tp_dest *src)
{
	const struct tz_config *c = &w->conf->c;
	struct rinfo ri;
	struct fwd f = {0};
	struct tz_location l;

	/* RFC3261 17.1.1.3, 16.11: the ACK of a 2xx is forwarded
	 * statelessly along its route; one for us ends here */
	if (route_info(c, m, src->tp, &ri) != 0 || m->max_forwards == 0)
		return;
	f.src = src;
	if (!rinfo_next(&ri) && !ri.strict &&
	    srv_is_local(c, m->buf + m->ruri_u.host.off, m->ruri_u.host.len,
	                 m->ruri_u.port, src->tp)) {
		char aor[TZ_AOR_MAX + 1];

		if (!m->ruri_u.has_userinfo ||
		    tz_aor_from_uri(aor, m->buf, &m->ruri_u) != 0 ||
		    tz_registry_lookup(w->srv->reg, aor, &l, 1) == 0)
			return;
		f.ruri = l.uri;
		f.rurilen = strlen(l.uri);
		f.path = l.path;
		sl_request(w, m, src, &ri, &f,
		           l.path[0] || !l.flow.addrlen ? NULL : &l.flow);
		return;
	}
	sl_request(w, m, src, &ri, &f, NULL);
}
