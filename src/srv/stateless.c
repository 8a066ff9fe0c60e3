/*
 * stateless.c  Forwarding without a transaction (RFC 3261 16.11): the
 * requests of a stateless proxy and the ACK for a 2xx (which is its own
 * transaction end to end, 17.1.1.3), and responses that match no
 * transaction here (16.7 item 3 sends them on statelessly; 18.1.2 drops
 * those whose top Via is not ours).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "srv_int.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_resolve.h"

/* A forwarded message waiting for DNS. */
struct sl_job {
	struct worker *w;
	size_t len;
	char buf[];
};

static void sl_resolved(int err, const struct tz_tp_dest *t, size_t n,
                        void *arg)
{
	struct sl_job *j = arg;

	if (!err && n) {
		struct tz_tp_dest d = t[0];

		d.reliable = d.tp != TZ_TP_UDP;
		if (worker_send(j->w, j->buf, j->len, &d) == 0)
			j->w->ps.stateless++;
	}
	tz_free(j);
}

/* Send w->out to the next hop of @p m forwarded as @p f. */
static void sl_send(struct worker *w, const struct tz_msg *m,
                    const struct rinfo *ri, const struct fwd *f,
                    const struct tz_tp_dest *dst)
{
	struct tz_uri u;
	const char *base;
	char text[1024];
	struct sl_job *j;
	struct tz_tp_dest d;
	int rc;

	if (dst) {
		if (worker_send(w, w->out.p, w->out.len, dst) == 0)
			w->ps.stateless++;
		return;
	}
	rc = fwd_hop_uri(m, ri, f, &u, text, sizeof(text), &base);
	if (rc == 0)
		rc = next_hop(base, &u, &d);
	if (rc == 0) {
		if (worker_send(w, w->out.p, w->out.len, &d) == 0)
			w->ps.stateless++;
		return;
	}
	if (rc != 1)
		return;
	j = tz_malloc(sizeof(*j) + w->out.len);
	if (!j)
		return;
	j->w = w;
	j->len = w->out.len;
	memcpy(j->buf, w->out.p, w->out.len);
	if (tz_resolve_uri(w->res, NULL, base, &u, sl_resolved, j) != 0)
		tz_free(j);
}

void sl_request(struct worker *w, struct tz_msg *m,
                const struct tz_tp_dest *src, const struct rinfo *ri,
                const struct fwd *f0, const struct tz_tp_dest *dst)
{
	struct fwd f = *f0;
	struct tz_tp_dest hop;
	char branch[96];
	struct tz_uri u;
	const char *base;
	char text[1024];
	int rc;

	(void)src;
	/* RFC3261 16.11: the branch is a function of the request, so a
	 * retransmission is forwarded the same way */
	fwd_branch(branch, sizeof(branch), w->index, m, true);
	f.branch = branch;
	if (dst) {
		hop = *dst;
	} else {
		/* the Via sent-by needs the transport: UDP unless the next
		 * hop says otherwise (a name resolves later) */
		rc = fwd_hop_uri(m, ri, &f, &u, text, sizeof(text), &base);
		if (rc != 0 || next_hop(base, &u, &hop) != 0) {
			memset(&hop, 0, sizeof(hop));
			hop.tp = TZ_TP_UDP;
			hop.addr.ss_family = AF_INET;
		}
	}
	f.dst = &hop;
	if (fwd_build(w, m, ri, &f, &w->out) != 0)
		return;
	sl_send(w, m, ri, &f, dst);
}

void sl_response(struct worker *w, const struct tz_msg *m)
{
	const struct tz_hdr *h;
	struct tz_via v;
	struct tz_tp_dest d;
	unsigned seen = 0;
	bool found = false;
	uint16_t port;

	/* RFC3261 18.1.2, 16.7 item 3: only a response with our Via on top
	 * is ours to pass on */
	if (branch_worker(m->buf + m->via1.branch.off, m->via1.branch.len) < 0)
		return;
	for (unsigned nth = 0;
	     !found && (h = tz_msg_hdr_find(m, TZ_HDR_VIA, nth)); nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_span el;

		while (!found &&
		       tz_hdr_list_split(m->buf, &pos, end, &el) == 0) {
			uint32_t vp = el.off;

			if (seen++ == 1) {
				if (tz_via_decode(&v, m->buf, &vp,
				                  el.off + el.len) != 0)
					return;
				found = true;
			}
		}
	}
	if (!found)
		return; /* RFC3261 16.7 item 3: no Via left: it was ours */
	/* RFC3261 18.2.2, RFC3581 4: received, rport, else sent-by */
	memset(&d, 0, sizeof(d));
	port = v.has & TZ_VIA_RPORT_VALUE ? (uint16_t)v.rport
	       : v.port > 0               ? (uint16_t)v.port
	                                  : 5060;
	if (tz_tp_from_name(m->buf + v.transport.off, v.transport.len, &d.tp))
		return;
	d.reliable = d.tp != TZ_TP_UDP;
	if (v.received.len
	            ? tz_sa_from_host(m->buf + v.received.off, v.received.len,
	                              port, &d.addr, &d.addrlen)
	            : tz_sa_from_host(m->buf + v.host.off, v.host.len, port,
	                              &d.addr, &d.addrlen))
		return; /* a sent-by name: not resolved for a stray */
	tz_edits_init(&w->ed, m);
	tz_edit_via_pop(&w->ed);
	tz_buf_reset(&w->out);
	if (tz_edits_apply(&w->ed, &w->out) == 0 &&
	    worker_send(w, w->out.p, w->out.len, &d) == 0)
		w->ps.stateless++;
}
