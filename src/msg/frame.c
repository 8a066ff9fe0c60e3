/*
 * frame.c  Message boundaries on stream transports (RFC 3261 7.5, 18.3;
 * RFC 5626 3.5.1 keep-alives).
 */
#include <errno.h>
#include <sys/types.h>

#include "tz/tz_msg.h"
#include "chars.h"

/* Offset of the first CRLFCRLF in b[from, n), or -1. */
static ssize_t find_hdr_end(const char *b, size_t from, size_t n)
{
	while (from + 4 <= n) {
		const char *cr = memchr(b + from, '\r', n - from - 3);
		if (!cr)
			return -1;
		from = (size_t)(cr - b);
		if (cr[1] == '\n' && cr[2] == '\r' && cr[3] == '\n')
			return (ssize_t)from;
		from++;
	}
	return -1;
}

/*
 * Find Content-Length (or compact "l") among the header lines of
 * b[0, hend) where hend is the offset of the CRLFCRLF. Returns 0 with *cl,
 * -ENOENT when absent, -EBADMSG when malformed or given twice, -ERANGE
 * when above @max.
 */
static int content_length(const char *b, uint32_t hend, uint64_t max,
                          uint64_t *cl)
{
	const char *nl = memchr(b, '\n', hend);
	uint32_t p, name_end, q, fe;
	bool found = false;
	int err;

	if (!nl)
		return -ENOENT; /* only a start line */
	for (p = (uint32_t)(nl - b) + 1; p < hend; p = fe + 2) {
		/* the field runs to the first CRLF not followed by WSP */
		fe = p;
		for (;;) {
			nl = memchr(b + fe, '\n', hend + 2 - fe);
			fe = nl ? (uint32_t)(nl - b) - 1 : hend;
			if (fe >= hend || !is_wsp(b[fe + 2]))
				break;
			fe += 2;
		}
		name_end = skip_cls(b, p, fe, C_TOKEN);
		q = name_end;
		while (q < fe && is_wsp(b[q]))
			q++;
		if (q >= fe || b[q] != ':' ||
		    tz_hdr_id_lookup(b + p, name_end - p) !=
		            TZ_HDR_CONTENT_LENGTH)
			continue;
		/* RFC3261 18.3: the stream framing depends on this value, so
		 * a second copy or a bad one breaks the stream */
		if (found)
			return -EBADMSG;
		err = tz_hdr_uint(b, (struct tz_span){q + 1, fe - q - 1}, max,
		                  cl);
		if (err)
			return err;
		found = true;
	}
	return found ? 0 : -ENOENT;
}

int tz_frame_stream(const char *buf, size_t len,
                    const struct tz_msg_limits *lim, struct tz_frame *fr)
{
	size_t p = 0, n, from;
	ssize_t hend;
	uint64_t cl = 0;
	int err;

	if (!lim)
		lim = &tz_msg_limits_default;
	/* RFC3261 7.5: ignore CRLFs before the start line */
	while (p + 1 < len && buf[p] == '\r' && buf[p + 1] == '\n')
		p += 2;
	fr->skip = p;
	fr->len = 0;
	if (p == len || (p + 1 == len && buf[p] == '\r'))
		return -EAGAIN;
	buf += p;
	n = len - p;
	from = fr->hint > 3 ? fr->hint - 3 : 0;
	hend = find_hdr_end(buf, from, n);
	if (hend < 0) {
		fr->hint = n;
		return n > lim->max_msg ? -EOVERFLOW : -EAGAIN;
	}
	fr->hint = (size_t)hend;
	if ((size_t)hend + 4 > lim->max_msg)
		return -EOVERFLOW;
	err = content_length(buf, (uint32_t)hend, lim->max_msg, &cl);
	if (err == -ENOENT && lim->stream_no_cl)
		cl = 0;
	else if (err == -ERANGE)
		return -EOVERFLOW;
	else if (err)
		return -EBADMSG;
	if ((size_t)hend + 4 + cl > lim->max_msg)
		return -EOVERFLOW;
	if (n < (size_t)hend + 4 + cl)
		return -EAGAIN;
	fr->len = (size_t)hend + 4 + cl;
	return 0;
}
