/*
 * print.c  Re-emit a parsed session description (RFC 4566 5): the lines in
 * the order of RFC 4566 5, the typed ones rebuilt from their fields, the
 * others as written, every one ended by CRLF.
 *
 * The parser accepts exactly one SP between fields, so a CRLF description
 * prints byte for byte as it came in.
 */
#include "sdp_int.h"

static void put_eol(struct tz_buf *b)
{
	tz_buf_put(b, "\r\n", 2);
}

/* "<t>=<value>\r\n" */
static void put_line(struct tz_buf *b, char t, const char *base,
                     struct tz_span v)
{
	char head[2] = {t, '='};

	tz_buf_put(b, head, 2);
	tz_buf_put_span(b, base, v);
	put_eol(b);
}

static void put_sp_span(struct tz_buf *b, const char *base, struct tz_span v)
{
	tz_buf_putc(b, ' ');
	tz_buf_put_span(b, base, v);
}

static void put_origin(struct tz_buf *b, const char *base,
                       const struct tz_sdp_origin *o)
{
	tz_buf_puts(b, "o=");
	tz_buf_put_span(b, base, o->username);
	put_sp_span(b, base, o->sess_id);
	put_sp_span(b, base, o->sess_ver);
	put_sp_span(b, base, o->nettype);
	put_sp_span(b, base, o->addrtype);
	put_sp_span(b, base, o->address);
	put_eol(b);
}

static void put_conn(struct tz_buf *b, const char *base,
                     const struct tz_sdp_conn *c)
{
	tz_buf_puts(b, "c=");
	tz_buf_put_span(b, base, c->nettype);
	put_sp_span(b, base, c->addrtype);
	put_sp_span(b, base, c->address);
	put_eol(b);
}

static void put_bws(struct tz_buf *b, const char *base,
                    const struct tz_sdp_bw *bw, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		tz_buf_puts(b, "b=");
		tz_buf_put_span(b, base, bw[i].type);
		tz_buf_putc(b, ':');
		tz_buf_put_span(b, base, bw[i].value);
		put_eol(b);
	}
}

static void put_attrs(struct tz_buf *b, const char *base,
                      const struct tz_sdp_attr *a, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		tz_buf_puts(b, "a=");
		tz_buf_put_span(b, base, a[i].name);
		if (a[i].value.len) {
			tz_buf_putc(b, ':');
			tz_buf_put_span(b, base, a[i].value);
		}
		put_eol(b);
	}
}

void sdp_print_times(struct tz_buf *b, const struct tz_sdp *sdp)
{
	unsigned i, r;

	for (i = 0; i < sdp->ntime; i++) {
		tz_buf_puts(b, "t=");
		tz_buf_put_span(b, sdp->buf, sdp->times[i].start_s);
		put_sp_span(b, sdp->buf, sdp->times[i].stop_s);
		put_eol(b);
		/* RFC4566 5.10: a t= line's r= lines follow it */
		for (r = 0; r < sdp->nrepeat; r++)
			if (sdp->repeats[r].time == i)
				put_line(b, 'r', sdp->buf,
				         sdp->repeats[r].value);
	}
}

static void put_media(struct tz_buf *b, const char *base,
                      const struct tz_sdp_media *m)
{
	unsigned i;

	tz_buf_puts(b, "m=");
	tz_buf_put_span(b, base, m->media);
	put_sp_span(b, base, m->port_s);
	if (m->nports_s.len) {
		tz_buf_putc(b, '/');
		tz_buf_put_span(b, base, m->nports_s);
	}
	put_sp_span(b, base, m->proto);
	for (i = 0; i < m->nfmt; i++)
		put_sp_span(b, base, m->fmts[i].fmt);
	put_eol(b);
	if (m->has_info)
		put_line(b, 'i', base, m->info);
	for (i = 0; i < m->nconn; i++)
		put_conn(b, base, &m->conns[i]);
	put_bws(b, base, m->bw, m->nbw);
	if (m->has_key)
		put_line(b, 'k', base, m->key);
	put_attrs(b, base, m->attrs, m->nattr);
}

int tz_sdp_print(struct tz_buf *b, const struct tz_sdp *sdp)
{
	const char *base = sdp->buf;
	unsigned i;

	/* RFC4566 5: v o s i u e p c b t r z k a, then each media's
	 * m i c b k a */
	tz_buf_puts(b, "v=0\r\n");
	put_origin(b, base, &sdp->origin);
	put_line(b, 's', base, sdp->name);
	if (sdp->has_info)
		put_line(b, 'i', base, sdp->info);
	if (sdp->has_uri)
		put_line(b, 'u', base, sdp->uri);
	for (i = 0; i < sdp->nemail; i++)
		put_line(b, 'e', base, sdp->emails[i]);
	for (i = 0; i < sdp->nphone; i++)
		put_line(b, 'p', base, sdp->phones[i]);
	if (sdp->has_conn)
		put_conn(b, base, &sdp->conn);
	put_bws(b, base, sdp->bw, sdp->nbw);
	sdp_print_times(b, sdp);
	if (sdp->has_zone)
		put_line(b, 'z', base, sdp->zone);
	if (sdp->has_key)
		put_line(b, 'k', base, sdp->key);
	put_attrs(b, base, sdp->attrs, sdp->nattr);
	for (i = 0; i < sdp->nmedia; i++)
		put_media(b, base, &sdp->media[i]);
	return b->err;
}
