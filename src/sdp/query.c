/*
 * query.c  Questions asked of a parsed description: attributes by name,
 * the connection and direction in effect for a stream (RFC 4566 5.7, RFC
 * 3264 5.1), hold (RFC 3264 8.4), and field-wise equality.
 */
#include "sdp_int.h"

static const struct tz_sdp_attr *attr_find(const char *b,
                                           const struct tz_sdp_attr *a,
                                           unsigned n, const char *name,
                                           unsigned nth)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (tz_span_eqi(b, a[i].name, name) && nth-- == 0)
			return &a[i];
	return NULL;
}

const struct tz_sdp_attr *tz_sdp_session_attr(const struct tz_sdp *sdp,
                                              const char *name, unsigned nth)
{
	return attr_find(sdp->buf, sdp->attrs, sdp->nattr, name, nth);
}

const struct tz_sdp_attr *tz_sdp_media_attr(const struct tz_sdp *sdp,
                                            unsigned media, const char *name,
                                            unsigned nth)
{
	const struct tz_sdp_media *m;

	if (media >= sdp->nmedia)
		return NULL;
	m = &sdp->media[media];
	return attr_find(sdp->buf, m->attrs, m->nattr, name, nth);
}

const struct tz_sdp_conn *tz_sdp_media_conn(const struct tz_sdp *sdp,
                                            unsigned media)
{
	if (media >= sdp->nmedia)
		return NULL;
	/* RFC4566 5.7: a media-level c= overrides the session's */
	if (sdp->media[media].nconn)
		return &sdp->media[media].conns[0];
	return sdp->has_conn ? &sdp->conn : NULL;
}

enum tz_sdp_dir tz_sdp_media_dir(const struct tz_sdp *sdp, unsigned media)
{
	if (media >= sdp->nmedia)
		return TZ_SDP_DIR_NONE;
	/* RFC3264 5.1: media level, else session level, else sendrecv */
	if (sdp->media[media].dir != TZ_SDP_DIR_NONE)
		return sdp->media[media].dir;
	return sdp->dir != TZ_SDP_DIR_NONE ? sdp->dir : TZ_SDP_DIR_SENDRECV;
}

const struct tz_sdp_fmt *tz_sdp_media_fmt(const struct tz_sdp *sdp,
                                          unsigned media, int pt)
{
	const struct tz_sdp_media *m;
	unsigned i;

	if (media >= sdp->nmedia || pt < 0)
		return NULL;
	m = &sdp->media[media];
	for (i = 0; i < m->nfmt; i++)
		if (m->fmts[i].pt == pt)
			return &m->fmts[i];
	return NULL;
}

bool tz_sdp_media_held(const struct tz_sdp *sdp, unsigned media)
{
	const struct tz_sdp_conn *c = tz_sdp_media_conn(sdp, media);
	enum tz_sdp_dir d = tz_sdp_media_dir(sdp, media);

	if (media >= sdp->nmedia || sdp->media[media].port == 0)
		return false;
	/* RFC3264 8.4: hold is sendonly (or inactive when the holder was
	 * recvonly); RFC 2543 held with connection address 0.0.0.0, which
	 * RFC3264 8.4 no longer recommends but old peers still send */
	if (d == TZ_SDP_DIR_SENDONLY || d == TZ_SDP_DIR_INACTIVE)
		return true;
	return c && c->atype == TZ_SDP_AT_IP4 &&
	       tz_span_eq(sdp->buf, c->host, "0.0.0.0");
}

bool tz_sdp_held(const struct tz_sdp *sdp)
{
	unsigned i, live = 0;

	for (i = 0; i < sdp->nmedia; i++) {
		if (sdp->media[i].port == 0)
			continue;
		if (!tz_sdp_media_held(sdp, i))
			return false;
		live++;
	}
	return live > 0;
}

/* The two descriptions under comparison, for the helpers below. */
struct pair {
	const char *a, *b;
};

static bool same(const struct pair *p, struct tz_span x, struct tz_span y)
{
	return sdp_span_same(p->a, x, p->b, y);
}

static bool same_spans(const struct pair *p, const struct tz_span *x,
                       const struct tz_span *y, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!same(p, x[i], y[i]))
			return false;
	return true;
}

static bool same_conn(const struct pair *p, const struct tz_sdp_conn *x,
                      const struct tz_sdp_conn *y)
{
	return same(p, x->nettype, y->nettype) &&
	       same(p, x->addrtype, y->addrtype) &&
	       same(p, x->address, y->address) && same(p, x->host, y->host) &&
	       x->atype == y->atype && x->literal == y->literal &&
	       x->has_ttl == y->has_ttl && x->ttl == y->ttl &&
	       x->count == y->count;
}

static bool same_bws(const struct pair *p, const struct tz_sdp_bw *x,
                     const struct tz_sdp_bw *y, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!same(p, x[i].type, y[i].type) ||
		    !same(p, x[i].value, y[i].value))
			return false;
	return true;
}

static bool same_attrs(const struct pair *p, const struct tz_sdp_attr *x,
                       const struct tz_sdp_attr *y, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (!same(p, x[i].name, y[i].name) ||
		    !same(p, x[i].value, y[i].value))
			return false;
	return true;
}

static bool same_fmt(const struct pair *p, const struct tz_sdp_fmt *x,
                     const struct tz_sdp_fmt *y)
{
	return same(p, x->fmt, y->fmt) && x->pt == y->pt &&
	       x->has_rtpmap == y->has_rtpmap && x->has_fmtp == y->has_fmtp &&
	       same(p, x->encoding, y->encoding) && x->rate == y->rate &&
	       x->channels == y->channels && same(p, x->fmtp, y->fmtp);
}

static bool same_media(const struct pair *p, const struct tz_sdp_media *x,
                       const struct tz_sdp_media *y)
{
	unsigned i;

	if (!same(p, x->media, y->media) || !same(p, x->port_s, y->port_s) ||
	    !same(p, x->nports_s, y->nports_s) || x->port != y->port ||
	    x->nports != y->nports || !same(p, x->proto, y->proto) ||
	    x->rtp != y->rtp || x->nfmt != y->nfmt ||
	    x->has_info != y->has_info || !same(p, x->info, y->info) ||
	    x->nconn != y->nconn || x->nbw != y->nbw ||
	    x->has_key != y->has_key || !same(p, x->key, y->key) ||
	    x->nattr != y->nattr || x->ptime != y->ptime || x->dir != y->dir)
		return false;
	for (i = 0; i < x->nfmt; i++)
		if (!same_fmt(p, &x->fmts[i], &y->fmts[i]))
			return false;
	for (i = 0; i < x->nconn; i++)
		if (!same_conn(p, &x->conns[i], &y->conns[i]))
			return false;
	return same_bws(p, x->bw, y->bw, x->nbw) &&
	       same_attrs(p, x->attrs, y->attrs, x->nattr);
}

static bool same_origin(const struct pair *p, const struct tz_sdp_origin *x,
                        const struct tz_sdp_origin *y)
{
	return same(p, x->username, y->username) &&
	       same(p, x->sess_id, y->sess_id) &&
	       same(p, x->sess_ver, y->sess_ver) && x->version == y->version &&
	       same(p, x->nettype, y->nettype) &&
	       same(p, x->addrtype, y->addrtype) &&
	       same(p, x->address, y->address) && x->atype == y->atype;
}

static bool same_times(const struct pair *p, const struct tz_sdp *x,
                       const struct tz_sdp *y)
{
	unsigned i;

	if (x->ntime != y->ntime || x->nrepeat != y->nrepeat)
		return false;
	for (i = 0; i < x->ntime; i++)
		if (!same(p, x->times[i].start_s, y->times[i].start_s) ||
		    !same(p, x->times[i].stop_s, y->times[i].stop_s) ||
		    x->times[i].start != y->times[i].start ||
		    x->times[i].stop != y->times[i].stop)
			return false;
	for (i = 0; i < x->nrepeat; i++)
		if (!same(p, x->repeats[i].value, y->repeats[i].value) ||
		    x->repeats[i].time != y->repeats[i].time)
			return false;
	return true;
}

bool tz_sdp_equal(const struct tz_sdp *x, const struct tz_sdp *y)
{
	struct pair p = {x->buf, y->buf};
	unsigned i;

	if (!same_origin(&p, &x->origin, &y->origin) ||
	    !same(&p, x->name, y->name) || x->has_info != y->has_info ||
	    !same(&p, x->info, y->info) || x->has_uri != y->has_uri ||
	    !same(&p, x->uri, y->uri) || x->nemail != y->nemail ||
	    !same_spans(&p, x->emails, y->emails, x->nemail) ||
	    x->nphone != y->nphone ||
	    !same_spans(&p, x->phones, y->phones, x->nphone) ||
	    x->has_conn != y->has_conn ||
	    (x->has_conn && !same_conn(&p, &x->conn, &y->conn)) ||
	    x->nbw != y->nbw || !same_bws(&p, x->bw, y->bw, x->nbw) ||
	    !same_times(&p, x, y) || x->has_zone != y->has_zone ||
	    !same(&p, x->zone, y->zone) || x->has_key != y->has_key ||
	    !same(&p, x->key, y->key) || x->nattr != y->nattr ||
	    !same_attrs(&p, x->attrs, y->attrs, x->nattr) || x->dir != y->dir ||
	    x->nmedia != y->nmedia)
		return false;
	for (i = 0; i < x->nmedia; i++)
		if (!same_media(&p, &x->media[i], &y->media[i]))
			return false;
	return true;
}
