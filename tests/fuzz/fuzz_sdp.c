/*
 * fuzz_sdp.c  libFuzzer target: tz_sdp_parse on any bytes. A successful
 * parse must only point inside the input; its print must parse again to
 * the same fields and print the same bytes (a fixed point); and an answer
 * to it must be a description we can parse, with one m= line per offered
 * one (RFC 3264 6).
 */
#include <errno.h>
#include <stdlib.h>

#include "tz/tz_sdp.h"

static size_t in_len;

static void in(struct tz_span s)
{
	if ((size_t)s.off + s.len > in_len)
		abort();
}

static void in_conn(const struct tz_sdp_conn *c)
{
	in(c->nettype);
	in(c->addrtype);
	in(c->address);
	in(c->host);
	if (c->host.off != c->address.off || c->host.len > c->address.len)
		abort();
}

static void in_attrs(const struct tz_sdp_attr *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		in(a[i].name);
		in(a[i].value);
	}
}

static void in_media(const struct tz_sdp_media *m)
{
	unsigned i;

	in(m->media);
	in(m->port_s);
	in(m->nports_s);
	in(m->proto);
	in(m->info);
	in(m->key);
	if (!m->nfmt || m->nfmt > TZ_SDP_MAX_FMTS ||
	    m->nconn > TZ_SDP_MAX_CONNS || m->nbw > TZ_SDP_MAX_BW ||
	    m->nattr > TZ_SDP_MAX_ATTRS)
		abort();
	for (i = 0; i < m->nfmt; i++) {
		in(m->fmts[i].fmt);
		in(m->fmts[i].encoding);
		in(m->fmts[i].fmtp);
		if (m->rtp != (m->fmts[i].pt >= 0) || m->fmts[i].pt > 127)
			abort();
	}
	for (i = 0; i < m->nconn; i++)
		in_conn(&m->conns[i]);
	for (i = 0; i < m->nbw; i++) {
		in(m->bw[i].type);
		in(m->bw[i].value);
	}
	in_attrs(m->attrs, m->nattr);
}

static void in_sdp(const struct tz_sdp *s)
{
	unsigned i;

	in(s->origin.username);
	in(s->origin.sess_id);
	in(s->origin.sess_ver);
	in(s->origin.nettype);
	in(s->origin.addrtype);
	in(s->origin.address);
	in(s->name);
	in(s->info);
	in(s->uri);
	in(s->zone);
	in(s->key);
	if (s->nmedia > TZ_SDP_MAX_MEDIA || !s->ntime ||
	    s->ntime > TZ_SDP_MAX_TIMES || s->nrepeat > TZ_SDP_MAX_REPEATS ||
	    s->nemail > TZ_SDP_MAX_CONTACTS || s->nphone > TZ_SDP_MAX_CONTACTS)
		abort();
	for (i = 0; i < s->nemail; i++)
		in(s->emails[i]);
	for (i = 0; i < s->nphone; i++)
		in(s->phones[i]);
	if (s->has_conn)
		in_conn(&s->conn);
	for (i = 0; i < s->nbw; i++) {
		in(s->bw[i].type);
		in(s->bw[i].value);
	}
	for (i = 0; i < s->ntime; i++) {
		in(s->times[i].start_s);
		in(s->times[i].stop_s);
	}
	for (i = 0; i < s->nrepeat; i++) {
		in(s->repeats[i].value);
		if (s->repeats[i].time >= s->ntime)
			abort();
	}
	in_attrs(s->attrs, s->nattr);
	for (i = 0; i < s->nmedia; i++)
		in_media(&s->media[i]);
}

/* What we can do: audio PCMU, PCMA, opus, telephone-event; video H264. */
static void caps_init(struct tz_sdp_local *l)
{
	static const struct tz_sdp_codec audio[] = {
	        {0, "PCMU", 8000, 0, NULL},
	        {8, "PCMA", 8000, 0, NULL},
	        {111, "opus", 48000, 2, "useinbandfec=1"},
	        {101, "telephone-event", 8000, 0, "0-16"},
	};

	memset(l, 0, sizeof(*l));
	l->sess_id = 1;
	l->sess_version = 1;
	l->addr = "2001:db8::1";
	l->nmedia = 2;
	l->media[0].type = "audio";
	l->media[0].port = 4000;
	l->media[0].ncodec = sizeof(audio) / sizeof(audio[0]);
	memcpy(l->media[0].codecs, audio, sizeof(audio));
	l->media[1].type = "video";
	l->media[1].port = 4002;
	l->media[1].ncodec = 1;
	l->media[1].codecs[0] =
	        (struct tz_sdp_codec){96, "H264", 90000, 0, NULL};
}

/* Answer @offer, with @prev as our previous description or NULL. */
static void answer(const struct tz_sdp *offer, const struct tz_sdp *prev)
{
	static struct tz_sdp ans;
	struct tz_sdp_local caps;
	struct tz_sdp_neg neg;
	struct tz_buf b;
	unsigned i;
	int err;

	caps_init(&caps);
	tz_buf_init(&b);
	err = tz_sdp_answer(&b, offer, &caps, prev, &neg);
	if (err == -EOVERFLOW && prev->origin.version == UINT64_MAX) {
		tz_buf_free(&b);
		return;
	}
	if (err || tz_sdp_parse(&ans, b.p, b.len) ||
	    ans.nmedia != offer->nmedia || neg.nmedia != offer->nmedia)
		abort();
	for (i = 0; i < ans.nmedia; i++)
		if ((ans.media[i].port != 0) != neg.media[i].accepted)
			abort();
	/* RFC 3264 8: the same version, or one more */
	if (prev && ans.origin.version != prev->origin.version &&
	    ans.origin.version != prev->origin.version + 1)
		abort();
	tz_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tz_sdp a, b;
	struct tz_buf p1, p2;
	unsigned i;
	int err;

	err = tz_sdp_parse(&a, (const char *)data, size);
	if (err) {
		if (err != -EBADMSG && err != -EOVERFLOW)
			abort();
		return 0;
	}
	in_len = size;
	in_sdp(&a);
	for (i = 0; i < a.nmedia; i++) {
		if (tz_sdp_media_dir(&a, i) == TZ_SDP_DIR_NONE)
			abort();
		tz_sdp_media_held(&a, i);
		tz_sdp_media_attr(&a, i, "rtpmap", 0);
	}
	tz_sdp_held(&a);
	tz_buf_init(&p1);
	tz_buf_init(&p2);
	if (tz_sdp_print(&p1, &a) || tz_sdp_parse(&b, p1.p, p1.len) ||
	    !tz_sdp_equal(&a, &b) || tz_sdp_print(&p2, &b) ||
	    p1.len != p2.len || memcmp(p1.p, p2.p, p1.len))
		abort();
	in_len = p1.len;
	in_sdp(&b);
	answer(&a, NULL);
	answer(&a, &b);
	tz_buf_free(&p1);
	tz_buf_free(&p2);
	return 0;
}
