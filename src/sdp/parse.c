/*
 * parse.c  One-pass, zero-copy reading of a session description (RFC 4566
 * 5): the line scanner, the order of the lines, and where each goes.
 *
 * The order is a rank per type letter at each level: a line may not rank
 * below the one before it, and the types that occur once may not repeat.
 * The typed values are read by field.c and attr.c.
 */
#include <errno.h>
#include <stddef.h>

#include "sdp_int.h"

/* Where the parse is: the level, and the previous line there. */
struct pstate {
	struct tz_sdp *sdp;
	struct tz_sdp_media *m; /* the media description, or NULL */
	unsigned nline;         /* lines read */
	int rank;               /* rank of the previous line at this level */
	char last;              /* type of the previous line */
};

/*
 * RFC4566 5: v o s i u e p c b (t r)* z k a, then media descriptions.
 * Returns -1 for a letter the session level does not have.
 */
static int session_rank(char t)
{
	static const char order[] = "vosiuepcbtzkam";
	const char *p;

	if (t == 'r')
		t = 't'; /* r= lines belong to the t= before them */
	for (p = order; *p; p++)
		if (*p == t)
			return (int)(p - order);
	return -1;
}

/* RFC4566 5: m i c b k a inside a media description. */
static int media_rank(char t)
{
	static const char order[] = "micbka";
	const char *p;

	for (p = order; *p; p++)
		if (*p == t)
			return (int)(p - order);
	return -1;
}

/* RFC4566 5: these occur at most once per level (c= only once at session
 * level: media may have several for layered multicast, RFC 4566 5.7). */
static bool single(char t, bool media)
{
	switch (t) {
	case 'v':
	case 'o':
	case 's':
	case 'i':
	case 'u':
	case 'z':
	case 'k':
		return true;
	case 'c':
		return !media;
	default:
		return false;
	}
}

/* Check the order of line type @t; updates the state. */
static int order(struct pstate *ps, char t)
{
	static const char head[] = "vos";
	int r;

	/* RFC4566 5: v=, o= and s= come first, in this order */
	if (ps->nline < 3 && t != head[ps->nline])
		return -EBADMSG;
	if (t == 'm') {
		/* RFC4566 5: media descriptions follow the time description */
		if (!ps->sdp->ntime)
			return -EBADMSG;
		ps->rank = 0;
		ps->last = t;
		return 0;
	}
	r = ps->m ? media_rank(t) : session_rank(t);
	/* RFC4566 5: "An SDP parser MUST completely ignore any session
	 * description that contains a type letter that it does not
	 * understand": the description is unusable. */
	if (r < 0 || r < ps->rank ||
	    (r == ps->rank && single(t, ps->m != NULL)))
		return -EBADMSG;
	/* RFC4566 5.10: r= lines follow their t= line */
	if (t == 'r' && ps->last != 't' && ps->last != 'r')
		return -EBADMSG;
	/* RFC4566 5: one or more time descriptions before z k a and m */
	if (!ps->m && r > session_rank('t') && !ps->sdp->ntime)
		return -EBADMSG;
	ps->rank = r;
	ps->last = t;
	return 0;
}

/* Add span @v of @b to a bounded array of spans. */
static int add_span(struct tz_span *arr, uint8_t *n, unsigned cap,
                    struct tz_span v)
{
	if (*n == cap)
		return -EOVERFLOW;
	arr[(*n)++] = v;
	return 0;
}

static int add_attr(struct tz_sdp_attr *arr, uint8_t *n, const char *b,
                    uint32_t p, uint32_t e)
{
	int err;

	if (*n == TZ_SDP_MAX_ATTRS)
		return -EOVERFLOW;
	err = sdp_attr_parse(&arr[*n], b, p, e);
	if (!err)
		(*n)++;
	return err;
}

static int add_bw(struct tz_sdp_bw *arr, uint8_t *n, const char *b, uint32_t p,
                  uint32_t e)
{
	int err;

	if (*n == TZ_SDP_MAX_BW)
		return -EOVERFLOW;
	err = sdp_bw_parse(&arr[*n], b, p, e);
	if (!err)
		(*n)++;
	return err;
}

/* A line of the session level, b[p, e) being its value. */
static int session_line(struct tz_sdp *sdp, char t, uint32_t p, uint32_t e)
{
	const char *b = sdp->buf;
	struct tz_span v = {p, e - p};
	int err;

	switch (t) {
	case 'v':
		/* RFC4566 5.1: "v=0"; there is no other version */
		return tz_span_eq(b, v, "0") ? 0 : -EBADMSG;
	case 'o':
		return sdp_origin_parse(&sdp->origin, b, p, e);
	case 's':
		/* RFC4566 5.3 wants "s= " for no name, but RFC 5118's examples
		 * send "s=" empty: take it. */
		sdp->name = v;
		return 0;
	case 'i':
		sdp->has_info = true;
		sdp->info = v;
		return 0;
	case 'u':
		sdp->has_uri = true;
		sdp->uri = v;
		return 0;
	case 'e':
		return add_span(sdp->emails, &sdp->nemail, TZ_SDP_MAX_CONTACTS,
		                v);
	case 'p':
		return add_span(sdp->phones, &sdp->nphone, TZ_SDP_MAX_CONTACTS,
		                v);
	case 'c':
		sdp->has_conn = true;
		return sdp_conn_parse(&sdp->conn, b, p, e);
	case 'b':
		return add_bw(sdp->bw, &sdp->nbw, b, p, e);
	case 't':
		if (sdp->ntime == TZ_SDP_MAX_TIMES)
			return -EOVERFLOW;
		return sdp_time_parse(&sdp->times[sdp->ntime++], b, p, e);
	case 'r':
		if (sdp->nrepeat == TZ_SDP_MAX_REPEATS)
			return -EOVERFLOW;
		sdp->repeats[sdp->nrepeat].value = v;
		sdp->repeats[sdp->nrepeat++].time = (uint8_t)(sdp->ntime - 1);
		return 0;
	case 'z':
		sdp->has_zone = true;
		sdp->zone = v;
		return 0;
	case 'k':
		sdp->has_key = true;
		sdp->key = v;
		return 0;
	default: /* 'a'; order() let no other letter through */
		err = add_attr(sdp->attrs, &sdp->nattr, b, p, e);
		if (err)
			return err;
		return sdp_attr_dir(b, &sdp->attrs[sdp->nattr - 1], &sdp->dir);
	}
}

/* A line of a media description. */
static int media_line(struct tz_sdp *sdp, struct tz_sdp_media *m, char t,
                      uint32_t p, uint32_t e)
{
	const char *b = sdp->buf;
	int err;

	switch (t) {
	case 'i':
		m->has_info = true;
		m->info = tz_span_of(b, b + p, b + e);
		return 0;
	case 'c':
		if (m->nconn == TZ_SDP_MAX_CONNS)
			return -EOVERFLOW;
		return sdp_conn_parse(&m->conns[m->nconn++], b, p, e);
	case 'b':
		return add_bw(m->bw, &m->nbw, b, p, e);
	case 'k':
		m->has_key = true;
		m->key = tz_span_of(b, b + p, b + e);
		return 0;
	default: /* 'a' */
		err = add_attr(m->attrs, &m->nattr, b, p, e);
		if (err)
			return err;
		return sdp_attr_media(m, b, &m->attrs[m->nattr - 1]);
	}
}

static int line(struct pstate *ps, char t, uint32_t p, uint32_t e)
{
	struct tz_sdp *sdp = ps->sdp;
	int err = order(ps, t);

	if (err)
		return err;
	ps->nline++;
	/* RFC4566 9: the fields we keep as text are text or byte-strings,
	 * which may not be empty (only s= and i= may be, see above) */
	if (p == e && t != 's' && t != 'i')
		return -EBADMSG;
	if (t != 'm')
		return ps->m ? media_line(sdp, ps->m, t, p, e)
		             : session_line(sdp, t, p, e);
	if (sdp->nmedia == TZ_SDP_MAX_MEDIA)
		return -EOVERFLOW;
	ps->m = &sdp->media[sdp->nmedia++];
	return sdp_media_parse(ps->m, sdp->buf, p, e);
}

/* True when b[p, len) holds only line ends (empty trailing lines). */
static bool only_eols(const char *b, uint32_t p, uint32_t len)
{
	for (; p < len; p++) {
		if (b[p] == '\n')
			continue;
		if (b[p] != '\r' || p + 1 == len || b[p + 1] != '\n')
			return false;
	}
	return true;
}

int tz_sdp_parse(struct tz_sdp *sdp, const char *buf, size_t len)
{
	struct pstate ps = {sdp, NULL, 0, -1, 0};
	uint32_t p = 0, e, n = (uint32_t)len;
	int err;

	if (len >= UINT32_MAX) /* spans are 32-bit; e + 1 must not wrap */
		return -EOVERFLOW;
	memset(sdp, 0, offsetof(struct tz_sdp, media));
	sdp->buf = buf;
	sdp->len = n;
	while (p < n) {
		char t = buf[p];
		/* Interop: a body may end in empty lines. */
		if ((t == '\r' || t == '\n') && only_eols(buf, p, n))
			break;
		/* RFC4566 5: <type>=<value>, type one lower-case letter, no
		 * space on either side of the '=' */
		if (t < 'a' || t > 'z' || n - p < 2 || buf[p + 1] != '=')
			return -EBADMSG;
		/* RFC4566 5: "...a CRLF ... parsers SHOULD be tolerant and
		 * also accept records terminated with a single newline" */
		for (e = p + 2; e < n && buf[e] != '\r' && buf[e] != '\n'; e++)
			if (buf[e] == '\0')
				return -EBADMSG; /* RFC4566 9: no NUL in text */
		err = line(&ps, t, p + 2, e);
		if (err)
			return err;
		if (e < n && buf[e] == '\r') {
			if (e + 1 == n || buf[e + 1] != '\n')
				return -EBADMSG;
			e++;
		}
		p = e + 1;
	}
	/* RFC4566 5: v o s and at least one t= are required */
	if (ps.nline < 3 || !sdp->ntime)
		return -EBADMSG;
	return 0;
}
