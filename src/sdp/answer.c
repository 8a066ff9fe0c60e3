/*
 * answer.c  The answerer's side of RFC 3264: an answer to a parsed offer
 * from our capabilities (RFC 3264 6, 6.1), with the o= version rule of
 * RFC 3264 8 for answers inside an existing session.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>

#include "sdp_int.h"

/* Channels as a number: RFC4566 6 lets one channel go unwritten. */
static unsigned chans(unsigned c)
{
	return c ? c : 1;
}

/* The codec of @cm matching offered format @f, or -1. */
static int codec_match(const char *b, const struct tz_sdp_fmt *f,
                       const struct tz_sdp_local_media *cm)
{
	unsigned k;

	for (k = 0; k < cm->ncodec; k++) {
		const struct tz_sdp_codec *c = &cm->codecs[k];
		if (f->has_rtpmap) {
			/* RFC3264 6.1: the same codec is the same encoding
			 * name (RFC4855 3: case-insensitive), clock rate
			 * and channels, whatever number each side gives it */
			if (tz_span_eqi(b, f->encoding, c->name) &&
			    f->rate == c->rate &&
			    chans(f->channels) == chans(c->channels))
				return (int)k;
		} else if (f->pt >= 0 && f->pt < 96 && c->pt == f->pt) {
			/* RFC3551 6: a static type needs no rtpmap */
			return (int)k;
		}
	}
	return -1;
}

static bool is_dtmf(const char *b, const struct tz_sdp_fmt *f,
                    const struct tz_sdp_codec *c)
{
	/* RFC4733 7.1.1: "telephone-event" */
	return f->has_rtpmap ? tz_span_eqi(b, f->encoding, "telephone-event")
	                     : !strcasecmp(c->name, "telephone-event");
}

/* RFC3264 6.1: the direction of our answer to an offered @off, when we
 * would like @want. */
static enum tz_sdp_dir answer_dir(enum tz_sdp_dir off, enum tz_sdp_dir want)
{
	bool send = want == TZ_SDP_DIR_SENDRECV || want == TZ_SDP_DIR_SENDONLY;
	bool recv = want == TZ_SDP_DIR_SENDRECV || want == TZ_SDP_DIR_RECVONLY;

	switch (off) {
	case TZ_SDP_DIR_SENDONLY:
		/* "...the answer MUST be marked as recvonly or inactive" */
		return recv ? TZ_SDP_DIR_RECVONLY : TZ_SDP_DIR_INACTIVE;
	case TZ_SDP_DIR_RECVONLY:
		/* "...MUST be marked as sendonly or inactive" */
		return send ? TZ_SDP_DIR_SENDONLY : TZ_SDP_DIR_INACTIVE;
	case TZ_SDP_DIR_INACTIVE:
		/* "...MUST be marked as inactive" */
		return TZ_SDP_DIR_INACTIVE;
	default:
		/* sendrecv: "MAY be marked as sendonly, recvonly, sendrecv,
		 * or inactive", our choice */
		return want;
	}
}

/* Our unused stream of the offered one's media type and transport. */
static int pick_stream(const char *b, const struct tz_sdp_media *om,
                       const struct tz_sdp_local *caps, const bool *used)
{
	unsigned j;

	for (j = 0; j < caps->nmedia; j++) {
		const struct tz_sdp_local_media *cm = &caps->media[j];
		if (!used[j] && cm->port &&
		    tz_span_eqi(b, om->media, cm->type) &&
		    tz_span_eqi(b, om->proto, sdp_local_proto(cm)))
			return (int)j;
	}
	return -1;
}

/* RFC3264 6: reject a stream with port zero, keeping its formats. */
static void put_rejected(struct tz_buf *out, const char *b,
                         const struct tz_sdp_media *om)
{
	unsigned i;

	tz_buf_puts(out, "m=");
	tz_buf_put_span(out, b, om->media);
	tz_buf_puts(out, " 0 ");
	tz_buf_put_span(out, b, om->proto);
	for (i = 0; i < om->nfmt; i++) {
		tz_buf_putc(out, ' ');
		tz_buf_put_span(out, b, om->fmts[i].fmt);
	}
	tz_buf_puts(out, "\r\n");
}

/* The accepted stream: formats @fi of the offer matched to codecs @ci. */
static void put_accepted(struct tz_buf *out, const char *b,
                         const struct tz_sdp_media *om,
                         const struct tz_sdp_local_media *cm, const uint8_t *fi,
                         const uint8_t *ci, unsigned n, enum tz_sdp_dir dir)
{
	unsigned i;

	tz_buf_puts(out, "m=");
	tz_buf_put_span(out, b, om->media);
	tz_buf_printf(out, " %u ", cm->port);
	tz_buf_put_span(out, b, om->proto);
	for (i = 0; i < n; i++)
		tz_buf_printf(out, " %d", om->fmts[fi[i]].pt);
	tz_buf_puts(out, "\r\n");
	for (i = 0; i < n; i++) {
		const struct tz_sdp_fmt *f = &om->fmts[fi[i]];
		const struct tz_sdp_codec *c = &cm->codecs[ci[i]];
		/* RFC3264 6.1: the answer uses the offerer's payload type
		 * numbers, and names them as the offerer did */
		if (f->has_rtpmap)
			sdp_put_rtpmap(out, (unsigned)f->pt,
			               b + f->encoding.off, f->encoding.len,
			               f->rate, f->channels);
		else
			sdp_put_rtpmap(out, (unsigned)f->pt, c->name,
			               strlen(c->name), c->rate, c->channels);
		if (c->fmtp)
			tz_buf_printf(out, "a=fmtp:%d %s\r\n", f->pt, c->fmtp);
	}
	if (cm->ptime)
		tz_buf_printf(out, "a=ptime:%" PRIu32 "\r\n", cm->ptime);
	sdp_put_dir(out, dir);
}

/* Answer offered stream @i, filling @nm. */
static void answer_media(struct tz_buf *out, const struct tz_sdp *offer,
                         unsigned i, const struct tz_sdp_local *caps,
                         bool *used, struct tz_sdp_neg_media *nm)
{
	const char *b = offer->buf;
	const struct tz_sdp_media *om = &offer->media[i];
	const struct tz_sdp_local_media *cm;
	uint8_t fi[TZ_SDP_MAX_FMTS], ci[TZ_SDP_MAX_FMTS];
	unsigned f, n = 0;
	int j = -1, k;

	memset(nm, 0, sizeof(*nm));
	nm->pt = -1;
	nm->dtmf_pt = -1;
	/* RFC3264 6: a stream offered with port zero stays rejected; one
	 * we have no stream of that media type and transport for, or no
	 * codec in common with, is rejected */
	if (om->port && om->rtp)
		j = pick_stream(b, om, caps, used);
	cm = j >= 0 ? &caps->media[j] : NULL;
	for (f = 0; cm && f < om->nfmt; f++) {
		k = codec_match(b, &om->fmts[f], cm);
		if (k < 0)
			continue;
		fi[n] = (uint8_t)f;
		ci[n++] = (uint8_t)k;
		if (!is_dtmf(b, &om->fmts[f], &cm->codecs[k]))
			nm->pt = nm->pt < 0 ? om->fmts[f].pt : nm->pt;
		else if (nm->dtmf_pt < 0)
			nm->dtmf_pt = om->fmts[f].pt;
	}
	/* RFC4733 7.1.1 events alone carry no media: no codec in common */
	if (nm->pt < 0) {
		nm->dtmf_pt = -1;
		nm->dir = TZ_SDP_DIR_INACTIVE;
		put_rejected(out, b, om);
		return;
	}
	used[j] = true;
	nm->accepted = true;
	nm->local = (uint8_t)j;
	nm->dir = answer_dir(tz_sdp_media_dir(offer, i),
	                     sdp_local_dir(cm, caps->held));
	put_accepted(out, b, om, cm, fi, ci, n, nm->dir);
}

/* Position after the o= line of @sdp (the line end included). */
static uint32_t after_origin(const struct tz_sdp *sdp)
{
	uint32_t p = sdp->origin.address.off + sdp->origin.address.len;

	if (p < sdp->len && sdp->buf[p] == '\r')
		p++;
	if (p < sdp->len && sdp->buf[p] == '\n')
		p++;
	return p;
}

/* Rewrite the version digits at out->p[pos, pos + len) as @v, which has
 * the same number of digits or one more. */
static int rewrite_version(struct tz_buf *out, size_t pos, size_t len,
                           uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v);
	size_t tail;

	if ((size_t)n > len && tz_buf_putc(out, ' '))
		return out->err;
	tail = out->len - ((size_t)n - len) - (pos + len);
	memmove(out->p + pos + n, out->p + pos + len, tail);
	memcpy(out->p + pos, tmp, (size_t)n);
	return 0;
}

int tz_sdp_answer(struct tz_buf *out, const struct tz_sdp *offer,
                  const struct tz_sdp_local *caps, const struct tz_sdp *prev,
                  struct tz_sdp_neg *neg)
{
	bool used[TZ_SDP_LOCAL_MEDIA] = {false};
	struct tz_sdp_neg scratch;
	size_t start = out->len, vpos, vlen, rest;
	uint64_t v = prev ? prev->origin.version : caps->sess_version;
	uint32_t pr;
	unsigned i;
	int err = sdp_local_check(caps);

	if (err)
		return err;
	if (!neg)
		neg = &scratch;
	memset(neg, 0, sizeof(*neg));
	tz_buf_puts(out, "v=0\r\n");
	sdp_put_origin_head(out, caps);
	vpos = out->len;
	tz_buf_put_u64(out, v);
	vlen = out->len - vpos;
	sdp_put_origin_tail(out, caps);
	rest = out->len;
	sdp_put_name_conn(out, caps);
	/* RFC3264 6: "The "t=" line in the answer MUST equal that of the
	 * offer." */
	sdp_print_times(out, offer);
	/* RFC3264 6: one m= line per offered one, in the same order */
	neg->nmedia = offer->nmedia;
	for (i = 0; i < offer->nmedia; i++) {
		answer_media(out, offer, i, caps, used, &neg->media[i]);
		neg->naccepted += neg->media[i].accepted;
	}
	if (out->err || !prev)
		return out->err;
	/* RFC3264 8: the version stays when nothing below o= changed, and
	 * goes up by one when anything did */
	pr = after_origin(prev);
	if (out->len - rest == prev->len - pr &&
	    !memcmp(out->p + rest, prev->buf + pr, prev->len - pr))
		return 0;
	if (v == UINT64_MAX) {
		out->len = start; /* leave @out as it was */
		return -EOVERFLOW;
	}
	return rewrite_version(out, vpos, vlen, v + 1);
}
