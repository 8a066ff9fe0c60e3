/*
 * local.c  Descriptions we originate (RFC 3264 5): an offer printed from a
 * struct tz_sdp_local, and the hold and resume offers of RFC 3264 8.4 with
 * the o= version rule of RFC 3264 8. The pieces are shared with answer.c.
 */
#include <errno.h>
#include <inttypes.h>

#include "tz/tz_uri.h"
#include "sdp_int.h"

/* A non-empty string of one class: token (RFC 4566 9), non-ws-string, or
 * text (anything but CR and LF). */
enum cls { CLS_TOKEN, CLS_VCHAR, CLS_TEXT };

static bool str_ok(const char *s, enum cls cls)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (cls == CLS_TOKEN   ? !sdp_is_token(c)
		    : cls == CLS_VCHAR ? !sdp_is_vchar(c)
		                       : (c == '\r' || c == '\n'))
			return false;
	}
	return true;
}

/* RFC4566 9: proto = token *("/" token) */
static bool proto_ok(const char *s)
{
	bool tok = false;

	if (!s)
		return true; /* the RTP/AVP default */
	for (; *s; s++) {
		if (*s == '/' && tok)
			tok = false;
		else if (sdp_is_token((unsigned char)*s))
			tok = true;
		else
			return false;
	}
	return tok;
}

/* IPv6 literals are "IN IP6" (RFC 5118 4.6); IPv4 literals and names are
 * "IN IP4". NULL when the address is neither. */
static const char *addrtype(const char *addr)
{
	size_t len = addr ? strlen(addr) : 0;
	enum tz_host_type h;

	if (!len)
		return NULL;
	if (tz_ipv6_check(addr, len))
		return "IP6";
	h = tz_host_check(addr, len);
	return h == TZ_HOST_IPV4 || h == TZ_HOST_NAME ? "IP4" : NULL;
}

static int media_check(const struct tz_sdp_local_media *m)
{
	unsigned i, j;

	if (!str_ok(m->type, CLS_TOKEN) || !proto_ok(m->proto) ||
	    m->ncodec == 0 || m->ncodec > TZ_SDP_LOCAL_CODECS ||
	    (unsigned)m->dir > TZ_SDP_DIR_INACTIVE)
		return -EINVAL;
	for (i = 0; i < m->ncodec; i++) {
		const struct tz_sdp_codec *c = &m->codecs[i];
		if (c->pt > 127 || !str_ok(c->name, CLS_TOKEN) || !c->rate ||
		    (c->fmtp && !str_ok(c->fmtp, CLS_TEXT)))
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (m->codecs[j].pt == c->pt)
				return -EINVAL;
	}
	return 0;
}

int sdp_local_check(const struct tz_sdp_local *l)
{
	unsigned i;

	if ((l->user && !str_ok(l->user, CLS_VCHAR)) ||
	    (l->name && !str_ok(l->name, CLS_TEXT)) || !addrtype(l->addr) ||
	    l->nmedia > TZ_SDP_LOCAL_MEDIA)
		return -EINVAL;
	for (i = 0; i < l->nmedia; i++)
		if (media_check(&l->media[i]))
			return -EINVAL;
	return 0;
}

const char *sdp_local_proto(const struct tz_sdp_local_media *m)
{
	return m->proto ? m->proto : "RTP/AVP";
}

enum tz_sdp_dir sdp_local_dir(const struct tz_sdp_local_media *m, bool held)
{
	enum tz_sdp_dir d = m->dir ? m->dir : TZ_SDP_DIR_SENDRECV;

	if (!held)
		return d;
	/* RFC3264 8.4: hold is sendonly, or inactive when the stream was
	 * recvonly (or inactive) before */
	return d == TZ_SDP_DIR_SENDRECV || d == TZ_SDP_DIR_SENDONLY
	               ? TZ_SDP_DIR_SENDONLY
	               : TZ_SDP_DIR_INACTIVE;
}

void sdp_put_origin_head(struct tz_buf *b, const struct tz_sdp_local *l)
{
	/* RFC4566 5.2: "-" when the host has no user ids */
	tz_buf_puts(b, "o=");
	tz_buf_puts(b, l->user ? l->user : "-");
	tz_buf_putc(b, ' ');
	tz_buf_put_u64(b, l->sess_id);
	tz_buf_putc(b, ' ');
}

void sdp_put_origin_tail(struct tz_buf *b, const struct tz_sdp_local *l)
{
	tz_buf_printf(b, " IN %s %s\r\n", addrtype(l->addr), l->addr);
}

void sdp_put_name_conn(struct tz_buf *b, const struct tz_sdp_local *l)
{
	/* RFC4566 5.3: "s=-" style name when there is none to give */
	tz_buf_printf(b, "s=%s\r\nc=IN %s %s\r\n", l->name ? l->name : "-",
	              addrtype(l->addr), l->addr);
}

void sdp_put_rtpmap(struct tz_buf *b, unsigned pt, const char *name,
                    size_t name_len, uint32_t rate, unsigned channels)
{
	tz_buf_printf(b, "a=rtpmap:%u %.*s/%" PRIu32, pt, (int)name_len, name,
	              rate);
	/* RFC4566 6: channels "may be omitted if the number of channels is
	 * one" */
	if (channels > 1)
		tz_buf_printf(b, "/%u", channels);
	tz_buf_puts(b, "\r\n");
}

void sdp_put_dir(struct tz_buf *b, enum tz_sdp_dir dir)
{
	tz_buf_printf(b, "a=%s\r\n", tz_sdp_dir_name(dir));
}

static void put_media(struct tz_buf *b, const struct tz_sdp_local_media *m,
                      bool held)
{
	unsigned i;

	tz_buf_printf(b, "m=%s %u %s", m->type, m->port, sdp_local_proto(m));
	for (i = 0; i < m->ncodec; i++)
		tz_buf_printf(b, " %u", m->codecs[i].pt);
	tz_buf_puts(b, "\r\n");
	/* An rtpmap for static payload types too: RFC 3264 5.1 says it
	 * SHOULD be there, and peers that lack the RFC 3551 table need it. */
	for (i = 0; i < m->ncodec; i++) {
		const struct tz_sdp_codec *c = &m->codecs[i];
		sdp_put_rtpmap(b, c->pt, c->name, strlen(c->name), c->rate,
		               c->channels);
		if (c->fmtp)
			tz_buf_printf(b, "a=fmtp:%u %s\r\n", c->pt, c->fmtp);
	}
	if (m->ptime)
		tz_buf_printf(b, "a=ptime:%" PRIu32 "\r\n", m->ptime);
	sdp_put_dir(b, sdp_local_dir(m, held));
}

/* Print @l as if its version were @version and its hold state @held. */
static int local_print(struct tz_buf *b, const struct tz_sdp_local *l,
                       uint64_t version, bool held)
{
	unsigned i;
	int err = sdp_local_check(l);

	if (err)
		return err;
	tz_buf_puts(b, "v=0\r\n");
	sdp_put_origin_head(b, l);
	tz_buf_put_u64(b, version);
	sdp_put_origin_tail(b, l);
	sdp_put_name_conn(b, l);
	/* RFC3264 5: "t=0 0" for a session with no bounds */
	tz_buf_puts(b, "t=0 0\r\n");
	for (i = 0; i < l->nmedia; i++)
		put_media(b, &l->media[i], held);
	return b->err;
}

int tz_sdp_local_print(struct tz_buf *b, const struct tz_sdp_local *l)
{
	return local_print(b, l, l->sess_version, l->held);
}

/* Print @l with hold state @held; RFC3264 8: when the state changes the
 * description changes, so its version goes up by one. */
static int set_held(struct tz_buf *b, struct tz_sdp_local *l, bool held)
{
	uint64_t v = l->sess_version;
	int err;

	if (l->held != held) {
		if (v == UINT64_MAX)
			return -EOVERFLOW;
		v++;
	}
	err = local_print(b, l, v, held);
	if (err)
		return err;
	l->held = held;
	l->sess_version = v;
	return 0;
}

int tz_sdp_local_hold(struct tz_buf *b, struct tz_sdp_local *l)
{
	return set_held(b, l, true);
}

int tz_sdp_local_resume(struct tz_buf *b, struct tz_sdp_local *l)
{
	return set_held(b, l, false);
}
