/*
 * fwd.c  What a proxy changes in a request it forwards (RFC 3261 16.4,
 * 16.6), recorded as an edit list over the received bytes: the Route
 * entries naming us popped (and a strict router's Request-URI undone),
 * the new Request-URI, Max-Forwards, our Via, Record-Route, the Path of
 * the binding as Route, P-Asserted-Identity (RFC 3325), and the
 * credentials we consumed (20.28). Also the next hop such a request goes
 * to (16.6 items 6, 7) and the Record-Route URIs of this server.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv_int.h"
#include "tz/tz_edit.h"
#include "tz/tz_hval.h"
#include "tz/tz_uri.h"

bool uri_param(const char *base, const struct tz_uri *u, const char *name,
               struct tz_span *val)
{
	/* RFC3261 19.1.1: uri-parameters are ";"-separated, names
	 * case-insensitive; the span has no leading ';' */
	uint32_t p = u->params.off, end = u->params.off + u->params.len;
	size_t n = strlen(name);

	while (p < end) {
		const char *semi = memchr(base + p, ';', end - p);
		uint32_t e = semi ? (uint32_t)(semi - base) : end, k = p;

		while (k < e && base[k] != '=')
			k++;
		if (k - p == n && !strncasecmp(base + p, name, n)) {
			if (val) {
				val->off = k < e ? k + 1 : e;
				val->len = k < e ? e - k - 1 : 0;
			}
			return true;
		}
		p = e + 1;
	}
	return false;
}

int route_info(const struct tz_config *c, const struct tz_msg *m,
               enum tz_tp_proto tp, struct rinfo *ri)
{
	const struct tz_hdr *h;

	memset(ri, 0, sizeof(*ri));
	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, TZ_HDR_ROUTE, nth));
	     nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;

		while (pos < end) {
			struct route_el *e;
			uint32_t start;

			while (pos < end &&
			       (m->buf[pos] == ' ' || m->buf[pos] == '\t' ||
			        m->buf[pos] == ','))
				pos++;
			if (pos >= end)
				break;
			if (ri->nel == RINFO_MAX)
				return -E2BIG;
			e = &ri->el[ri->nel];
			start = pos;
			if (tz_route_next(&e->na, m->buf, &pos, end) != 0)
				return -EBADMSG;
			e->h = h;
			e->span.off = start;
			e->span.len = pos - start;
			while (e->span.len &&
			       (m->buf[start + e->span.len - 1] == ' ' ||
			        m->buf[start + e->span.len - 1] == '\t'))
				e->span.len--;
			ri->nel++;
		}
	}
	/* RFC3261 16.4: a Request-URI we put in a Record-Route (ours, with
	 * lr) means the previous hop is a strict router: the real target
	 * is the last Route entry */
	if (ri->nel && !m->ruri_u.has_userinfo &&
	    uri_param(m->buf, &m->ruri_u, "lr", NULL) &&
	    srv_is_local(c, m->buf + m->ruri_u.host.off, m->ruri_u.host.len,
	                 m->ruri_u.port, tp))
		ri->strict = true;
	/* RFC3261 16.4: the top Route entries naming us are removed (two
	 * when we record-routed on two transports) */
	while (ri->popped < ri->nel - ri->strict) {
		const struct tz_uri *u = &ri->el[ri->popped].na.u;

		if (u->has_userinfo || !srv_is_local(c, m->buf + u->host.off,
		                                     u->host.len, u->port, tp))
			break;
		ri->popped++;
	}
	return 0;
}

const struct route_el *rinfo_next(const struct rinfo *ri)
{
	return ri->popped < ri->nel - ri->strict ? &ri->el[ri->popped] : NULL;
}

/* RFC3261 19.1.1: the lr parameter marks a loose router */
static bool is_loose(const char *base, const struct tz_uri *u)
{
	return uri_param(base, u, "lr", NULL);
}

static int rr_uri_print(struct worker *w, enum tz_tp_proto tp, int family,
                        char *out, size_t n)
{
	const struct tz_config *c = &w->conf->c;

	for (unsigned i = 0; i < c->nlisten; i++) {
		const struct tz_listen *l = &c->listen[i];
		char hp[TZ_CONFIG_NAME_MAX + 8];

		if (l->tp != tp || l->addr.ss_family != family)
			continue;
		/* a wildcard listen address names no host: the first
		 * domain stands for it (it must resolve to us) */
		if (tz_sa_is_any(&l->addr))
			snprintf(hp, sizeof(hp), "%.255s:%u", c->domain[0],
			         tz_sa_port(&l->addr));
		else
			tz_sa_print(&l->addr, true, hp, sizeof(hp));
		return snprintf(out, n, "<sip:%s%s;lr>", hp,
		                tp == TZ_TP_TCP ? ";transport=tcp" : "");
	}
	return -EAFNOSUPPORT;
}

int rr_uri(struct worker *w, enum tz_tp_proto tp, int family, char *out,
           size_t n)
{
	/* the same few strings on every record-routed request: printed
	 * once per configuration generation (generations live until exit,
	 * so the pointer names one) */
	struct rr_cached *rc = NULL;
	int len;

	for (unsigned i = 0; i < RR_CACHE; i++) {
		struct rr_cached *x = &w->rrc[i];

		if (x->conf == w->conf && x->tp == tp && x->family == family) {
			rc = x;
			break;
		}
		if (!rc && x->conf != w->conf)
			rc = x;
	}
	if (rc && rc->conf == w->conf && rc->tp == tp && rc->family == family) {
		if ((size_t)rc->len >= n)
			return -ENOSPC;
		memcpy(out, rc->uri, (size_t)rc->len + 1);
		return rc->len;
	}
	len = rr_uri_print(w, tp, family, out, n);
	if (len < 0 || !rc || (size_t)len >= sizeof(rc->uri) ||
	    (size_t)len >= n)
		return len;
	rc->conf = w->conf;
	rc->tp = tp;
	rc->family = family;
	rc->len = len;
	memcpy(rc->uri, out, (size_t)len + 1);
	return len;
}

/* Rewrite every Route field that loses an element: kept elements are
 * written back, a field left empty goes. */
static void drop_routes(struct tz_edits *ed, const struct rinfo *ri,
                        const bool *drop)
{
	unsigned i = 0;

	while (i < ri->nel) {
		const struct tz_hdr *h = ri->el[i].h;
		unsigned j = i, kept = 0;
		bool any = false;
		char text[2048];
		size_t used = 0;

		for (; j < ri->nel && ri->el[j].h == h; j++)
			any |= drop[j];
		if (!any) {
			i = j;
			continue;
		}
		for (unsigned k = i; k < j; k++) {
			const struct tz_span *s = &ri->el[k].span;

			if (drop[k] || used + s->len + 2 >= sizeof(text))
				continue;
			if (kept++) {
				memcpy(text + used, ", ", 2);
				used += 2;
			}
			memcpy(text + used, ed->msg->buf + s->off, s->len);
			used += s->len;
		}
		if (!kept)
			tz_edit_hdr_remove(ed, h);
		else
			tz_edits_replace(ed, h->value.off, h->value.len, text,
			                 used);
		i = j;
	}
}

/* Remove every field @p id whose value holds realm="@p realm". */
static void drop_credentials(struct tz_edits *ed, const char *realm)
{
	const struct tz_msg *m = ed->msg;
	const struct tz_hdr *h;
	char want[300];
	int n = snprintf(want, sizeof(want), "realm=\"%.250s\"", realm);

	for (unsigned nth = 0;
	     (h = tz_msg_hdr_find(m, TZ_HDR_PROXY_AUTHORIZATION, nth)); nth++)
		if (n > 0 && memmem(m->buf + h->value.off, h->value.len, want,
		                    (size_t)n))
			tz_edit_hdr_remove(ed, h);
}

/* Concatenate @p np strings into @p out (terminated): the Via of every
 * forwarded request, where vsnprintf cost ~1,200 instructions. */
static int join(char *out, size_t n, const char *const *part, size_t np)
{
	size_t len = 0;

	for (size_t i = 0; i < np; i++) {
		size_t k = strlen(part[i]);
		if (k >= n - len)
			return -EOVERFLOW;
		memcpy(out + len, part[i], k);
		len += k;
	}
	out[len] = '\0';
	return 0;
}

int fwd_build(struct worker *w, const struct tz_msg *m, const struct rinfo *ri,
              const struct fwd *f, struct tz_buf *out)
{
	struct tz_edits *ed = &w->ed;
	const struct route_el *next = rinfo_next(ri);
	bool drop[RINFO_MAX] = {false};
	struct sockaddr_storage local;
	socklen_t llen;
	char rr_in[160], rr_out[160];
	const struct tz_hdr *h;
	int err;

	tz_edits_init(ed, m);
	for (unsigned i = 0; i < ri->popped; i++)
		drop[i] = true;
	if (ri->strict) {
		/* RFC3261 16.4: the last Route entry is the Request-URI */
		const struct tz_naddr *last = &ri->el[ri->nel - 1].na;

		drop[ri->nel - 1] = true;
		if (!f->ruri)
			tz_edit_ruri(ed, m->buf + last->uri.off, last->uri.len);
	}
	if (f->ruri)
		/* RFC3261 16.6 item 2: the target becomes the Request-URI */
		tz_edit_ruri(ed, f->ruri, f->rurilen);
	else if (!f->path && next && !is_loose(m->buf, &next->na.u)) {
		/* RFC3261 16.6 item 6: the next hop is a strict router: the
		 * Request-URI goes to the end of the route set and that
		 * router's URI takes its place */
		drop[next - ri->el] = true;
		tz_edit_ruri(ed, m->buf + next->na.uri.off, next->na.uri.len);
		tz_edit_hdr_append(ed, "Route", "<%.*s>", (int)m->ruri.len,
		                   m->buf + m->ruri.off);
	}
	drop_routes(ed, ri, drop);
	/* RFC3261 16.6 item 3: Max-Forwards one less, or 70 */
	tz_edit_max_forwards(
	        ed, m->max_forwards < 0 ? 70 : (unsigned)m->max_forwards - 1);
	/* RFC3261 16.6 item 8: our Via, with the branch of this fork; the
	 * sent-by is where the responses must come back to */
	err = tz_transport_local(w->tp, f->dst, &local, &llen);
	if (err)
		return err;
	if (llen != w->via_salen || memcmp(&local, &w->via_sa, llen)) {
		tz_sa_print(&local, true, w->via_hp, sizeof(w->via_hp));
		memcpy(&w->via_sa, &local, llen);
		w->via_salen = llen;
	}
	{
		const char *part[] = {"SIP/2.0/", tz_tp_name(f->dst->tp),
		                      " ",        w->via_hp,
		                      ";branch=", f->branch};
		char via[sizeof(w->via_hp) + 128];

		if (join(via, sizeof(via), part, sizeof(part) / sizeof(*part)))
			return -EOVERFLOW;
		tz_edit_hdr_prepend(ed, "Via", "%s", via);
	}
	/* RFC3261 16.6 item 4: Record-Route; two entries when the two
	 * sides use different transports or address families (each side
	 * reaches us where it knows us) */
	if (f->rr) {
		if (rr_uri(w, f->src->tp, f->src->addr.ss_family, rr_in,
		           sizeof(rr_in)) < 0 ||
		    rr_uri(w, f->dst->tp, f->dst->addr.ss_family, rr_out,
		           sizeof(rr_out)) < 0)
			return -EAFNOSUPPORT;
		if (strcmp(rr_in, rr_out))
			tz_edit_hdr_prepend(ed, "Record-Route", "%s, %s",
			                    rr_out, rr_in);
		else
			tz_edit_hdr_prepend(ed, "Record-Route", "%s", rr_in);
	}
	/* RFC3327 5.2: the Path of the binding becomes the first Route */
	if (f->path && f->path[0])
		tz_edit_hdr_prepend(ed, "Route", "%s", f->path);
	/* RFC3325 5: an identity asserted by an untrusted source goes;
	 * ours is added for the user we authenticated */
	if (f->strip_pai)
		for (unsigned nth = 0;
		     (h = tz_msg_hdr_find(m, TZ_HDR_P_ASSERTED_IDENTITY, nth));
		     nth++)
			tz_edit_hdr_remove(ed, h);
	if (f->pai)
		tz_edit_hdr_append(ed, "P-Asserted-Identity", "%s", f->pai);
	/* RFC3261 20.28: credentials for our realm are consumed here */
	if (f->realm)
		drop_credentials(ed, f->realm);
	tz_buf_reset(out);
	return tz_edits_apply(ed, out);
}

int next_hop(const char *base, const struct tz_uri *u, struct tz_tp_dest *dst)
{
	struct tz_span tp;
	enum tz_tp_proto proto = TZ_TP_UDP;
	int port;

	/* RFC3263 4: a numeric host needs no lookup (4.2: port 5060,
	 * transport UDP unless the URI says otherwise) */
	if (u->host_type != TZ_HOST_IPV4 && u->host_type != TZ_HOST_IPV6)
		return 1;
	if (uri_param(base, u, "maddr", NULL))
		return 1; /* RFC3263 4.1: maddr may be a name: resolve */
	if (uri_param(base, u, "transport", &tp) &&
	    tz_tp_from_name(base + tp.off, tp.len, &proto) != 0)
		return -EPROTONOSUPPORT;
	if (u->scheme == TZ_URI_SIPS)
		return -EPROTONOSUPPORT; /* no TLS yet */
	port = u->port >= 0 ? u->port : 5060;
	memset(dst, 0, sizeof(*dst));
	if (tz_sa_from_host(base + u->host.off, u->host.len, (uint16_t)port,
	                    &dst->addr, &dst->addrlen) != 0)
		return -EINVAL;
	dst->tp = proto;
	dst->reliable = proto != TZ_TP_UDP;
	return 0;
}

int fwd_hop_uri(const struct tz_msg *m, const struct rinfo *ri,
                const struct fwd *f, struct tz_uri *u, char *text, size_t n,
                const char **base)
{
	const struct route_el *next = rinfo_next(ri);
	size_t len;

	/* RFC3261 16.6 item 7: the first Route (the Path, then the route
	 * set), else the Request-URI */
	if (f->path && f->path[0]) {
		struct tz_naddr na;
		uint32_t pos = 0;

		len = strlen(f->path);
		if (len >= n)
			return -E2BIG;
		memcpy(text, f->path, len + 1);
		if (tz_route_next(&na, text, &pos, (uint32_t)len) != 0)
			return -EBADMSG;
		*u = na.u;
		*base = text;
		return 0;
	}
	if (next) {
		*u = next->na.u;
		*base = m->buf;
		return 0;
	}
	if (f->ruri) {
		if (f->rurilen >= n)
			return -E2BIG;
		memcpy(text, f->ruri, f->rurilen);
		text[f->rurilen] = 0;
		*base = text;
		return tz_uri_parse(u, text, 0, (uint32_t)f->rurilen);
	}
	if (ri->strict) {
		*u = ri->el[ri->nel - 1].na.u;
		*base = m->buf;
		return 0;
	}
	*u = m->ruri_u;
	*base = m->buf;
	return 0;
}
