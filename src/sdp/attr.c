/*
 * attr.c  The attributes the stack acts on (RFC 4566 6): rtpmap, fmtp and
 * ptime of a media description, and the direction attributes sendrecv,
 * sendonly, recvonly and inactive (RFC 3264 5.1) at either level.
 *
 * The a= line itself stays in the level's attribute array, printed as
 * written; these decoders add the typed view and reject what would make it
 * ambiguous (a second rtpmap for one format, two directions).
 */
#include <errno.h>

#include "sdp_int.h"

static const char *const dir_names[] = {
        [TZ_SDP_DIR_NONE] = "",
        [TZ_SDP_DIR_SENDRECV] = "sendrecv",
        [TZ_SDP_DIR_SENDONLY] = "sendonly",
        [TZ_SDP_DIR_RECVONLY] = "recvonly",
        [TZ_SDP_DIR_INACTIVE] = "inactive",
};

const char *tz_sdp_dir_name(enum tz_sdp_dir dir)
{
	if ((unsigned)dir >= sizeof(dir_names) / sizeof(dir_names[0]))
		return "";
	return dir_names[dir];
}

int sdp_attr_dir(const char *b, const struct tz_sdp_attr *a,
                 enum tz_sdp_dir *dir)
{
	enum tz_sdp_dir d;

	if (a->name.len != 8)
		return 0;
	for (d = TZ_SDP_DIR_SENDRECV; d <= TZ_SDP_DIR_INACTIVE; d++)
		if (tz_span_eqi(b, a->name, dir_names[d]))
			break;
	if (d > TZ_SDP_DIR_INACTIVE)
		return 0;
	/* RFC4566 6: the direction attributes are property attributes, and
	 * one level has at most one direction */
	if (a->value.len || *dir != TZ_SDP_DIR_NONE)
		return -EBADMSG;
	*dir = d;
	return 0;
}

static struct tz_sdp_fmt *fmt_by_pt(struct tz_sdp_media *m, uint64_t pt)
{
	unsigned i;

	for (i = 0; i < m->nfmt; i++)
		if (m->fmts[i].pt >= 0 && (uint64_t)m->fmts[i].pt == pt)
			return &m->fmts[i];
	return NULL;
}

/*
 * RFC4566 6: a=rtpmap:<payload type> <encoding name>/<clock rate>
 * [/<encoding parameters>]
 */
static int rtpmap(struct tz_sdp_media *m, const char *b, uint32_t p, uint32_t e)
{
	uint32_t q = sdp_skip_digits(b, p, e), n;
	struct tz_sdp_fmt *f;
	uint64_t pt, rate = 0, ch = 0;

	if (!sdp_uint(b, p, q, 127, &pt) || q >= e || b[q] != ' ')
		return -EBADMSG;
	p = q + 1;
	n = sdp_skip_token(b, p, e); /* a token never holds a '/' */
	if (n == p)
		return -EBADMSG;
	q = n;
	/* Interop: RFC 4475's torture messages carry "a=rtpmap:31 LPC" with
	 * no clock rate; take it, with rate 0 (which matches no codec). */
	if (q < e) {
		uint32_t r = sdp_skip_digits(b, q + 1, e);
		if (b[q] != '/' || !sdp_uint(b, q + 1, r, UINT32_MAX, &rate) ||
		    rate == 0)
			return -EBADMSG;
		q = r;
	}
	/* RFC4566 6: for audio the encoding parameters are the number of
	 * channels; nothing else is defined, so we take a number only */
	if (q < e &&
	    (b[q] != '/' || !sdp_uint(b, q + 1, e, 65535, &ch) || ch == 0))
		return -EBADMSG;
	f = m->rtp ? fmt_by_pt(m, pt) : NULL;
	if (!f)
		return 0; /* a map for a format not offered: nothing to map */
	if (f->has_rtpmap)
		return -EBADMSG;
	f->has_rtpmap = true;
	f->encoding = tz_span_of(b, b + p, b + n);
	f->rate = (uint32_t)rate;
	f->channels = (uint16_t)ch;
	return 0;
}

/* RFC4566 6: a=fmtp:<format> <format specific parameters> */
static int fmtp(struct tz_sdp_media *m, const char *b, uint32_t p, uint32_t e)
{
	uint32_t q = sdp_skip_token(b, p, e);
	struct tz_span fmt = {p, q - p};
	unsigned i;

	if (q == p || q + 1 >= e || b[q] != ' ')
		return -EBADMSG;
	for (i = 0; i < m->nfmt; i++) {
		struct tz_sdp_fmt *f = &m->fmts[i];
		if (!sdp_span_same(b, f->fmt, b, fmt))
			continue;
		if (f->has_fmtp)
			return -EBADMSG;
		f->has_fmtp = true;
		f->fmtp = tz_span_of(b, b + q + 1, b + e);
	}
	return 0;
}

/* RFC4566 6: a=ptime:<packet time>, in milliseconds; decimals seen in the
 * field ("20.0") are taken and truncated. */
static int ptime(struct tz_sdp_media *m, const char *b, uint32_t p, uint32_t e)
{
	uint32_t q = sdp_skip_digits(b, p, e);
	uint64_t v;

	if (!sdp_uint(b, p, q, UINT32_MAX, &v) || v == 0 || m->ptime)
		return -EBADMSG;
	if (q < e &&
	    (b[q] != '.' || sdp_skip_digits(b, q + 1, e) != e || q + 1 == e))
		return -EBADMSG;
	m->ptime = (uint32_t)v;
	return 0;
}

int sdp_attr_media(struct tz_sdp_media *m, const char *b,
                   const struct tz_sdp_attr *a)
{
	uint32_t p = a->value.off, e = a->value.off + a->value.len;

	if (tz_span_eqi(b, a->name, "rtpmap"))
		return a->value.len ? rtpmap(m, b, p, e) : -EBADMSG;
	if (tz_span_eqi(b, a->name, "fmtp"))
		return a->value.len ? fmtp(m, b, p, e) : -EBADMSG;
	if (tz_span_eqi(b, a->name, "ptime"))
		return a->value.len ? ptime(m, b, p, e) : -EBADMSG;
	return sdp_attr_dir(b, a, &m->dir);
}
