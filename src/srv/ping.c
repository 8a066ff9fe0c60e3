/*
 * ping.c  OPTIONS sent by the server itself to a URI ("trapezoid ping"):
 * a client transaction on a chosen worker, with a Via naming that
 * worker's own port (RFC 3261 18.2.2, RFC 3581) and a branch naming the
 * worker, so the response reaches it whichever socket it arrives on.
 * Used to check a peer from the command line, and by the tests to prove
 * the multi-worker response routing (DESIGN.md "Workers").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "srv_int.h"
#include "tz/tz_build.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_rand.h"
#include "tz/tz_resolve.h"
#include "tz/tz_uri.h"

struct ping_ctx {
	struct worker *w;
	struct tz_tsx *t;
	struct tz_resolve_q *q;
	uint64_t ctl_id;
	bool rport;
	bool tp_given; /* the URI names its transport */
	struct tz_uri u;
	char uri[512];
	char to[520];
};

static void done(struct worker *w, uint64_t ctl_id, int status,
                 const char *reason, bool forwarded)
{
	struct ping_res r;

	memset(&r, 0, sizeof(r));
	r.ctl_id = ctl_id;
	r.status = status;
	r.worker = w->index;
	r.forwarded = forwarded;
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	tz_mbox_post(w->srv->mbox, ping_result, w->srv, &r, sizeof(r));
}

static void on_resp(int err, const struct tz_msg *resp, void *arg)
{
	struct ping_ctx *pc = arg;
	char reason[128];

	if (!err && resp->status < 200)
		return;
	if (err) {
		done(pc->w, pc->ctl_id, err == -ETIMEDOUT ? 408 : 503,
		     err == -ETIMEDOUT ? "Request Timeout (no response)"
		                       : strerror(-err),
		     false);
	} else {
		snprintf(reason, sizeof(reason), "%.*s", (int)resp->reason.len,
		         resp->buf + resp->reason.off);
		done(pc->w, pc->ctl_id, resp->status, reason,
		     pc->w->rx_forwarded);
	}
	tz_tsx_detach(pc->t);
	tz_mem_deref(pc->t);
	tz_free(pc);
}

/* Build the OPTIONS for @p dst into w->out. */
static int build(struct ping_ctx *pc, const struct tz_tp_dest *dst)
{
	struct worker *w = pc->w;
	struct tz_req_build rb = {0};
	struct sockaddr_storage local;
	socklen_t llen;
	char via[128], hp[96], branch[80], tag[24], cid[48], from[128];
	int err = tz_transport_local(w->tp, dst, &local, &llen);

	if (err)
		return err;
	tz_sa_print(&local, true, hp, sizeof(hp));
	snprintf(via, sizeof(via), "SIP/2.0/%s %s", tz_tp_name(dst->tp), hp);
	make_branch(branch, sizeof(branch), w->index, 0);
	snprintf(tag, sizeof(tag), "%016llx", (unsigned long long)tz_rand64());
	snprintf(cid, sizeof(cid), "%016llx@trapezoid",
	         (unsigned long long)tz_rand64());
	snprintf(from, sizeof(from), "<sip:trapezoid@%s>", hp);
	rb.method = "OPTIONS";
	rb.ruri = pc->uri;
	rb.via = via;
	rb.branch = branch;
	rb.rport = pc->rport;
	rb.from = from;
	rb.from_tag = tag;
	rb.to = pc->to;
	rb.call_id = cid;
	rb.cseq = 1;
	rb.max_forwards = 70;
	rb.headers = "Accept: application/sdp\r\n";
	tz_buf_reset(&w->out);
	return tz_build_request(&w->out, &rb);
}

static void fail(struct ping_ctx *pc, const char *why)
{
	done(pc->w, pc->ctl_id, 0, why, false);
	tz_free(pc);
}

static void resolved(int err, const struct tz_tp_dest *targets, size_t n,
                     void *arg)
{
	struct ping_ctx *pc = arg;
	struct worker *w = pc->w;
	struct tz_tp_dest dst;
	char why[600];

	pc->q = NULL;
	if (err || !n) {
		snprintf(why, sizeof(why), "cannot resolve %s: %s", pc->uri,
		         strerror(-err));
		fail(pc, why);
		return;
	}
	/* RFC3263 4.3: the first target; a proxy fails over to the next */
	dst = targets[0];
	dst.reliable = dst.tp != TZ_TP_UDP;
	err = build(pc, &dst);
	/* RFC3261 18.1.1: a request over udp-max-size goes over TCP when
	 * the URI did not name its transport */
	if (!err && dst.tp == TZ_TP_UDP && !pc->tp_given &&
	    w->conf->c.udp_max && w->out.len > w->conf->c.udp_max) {
		dst.tp = TZ_TP_TCP;
		dst.reliable = true;
		err = build(pc, &dst);
	}
	if (!err)
		err = tz_tsx_client_alloc(&pc->t, w->tsx, w->out.p, w->out.len,
		                          &dst, on_resp, pc);
	if (err) {
		snprintf(why, sizeof(why), "cannot send: %s", strerror(-err));
		fail(pc, why);
	}
}

static void ping_run(void *data, void *arg)
{
	const struct ping_req *pr = data;
	struct worker *w = arg;
	struct ping_ctx *pc = tz_malloc(sizeof(*pc));
	int err;

	if (!pc) {
		done(w, pr->ctl_id, 0, "out of memory", false);
		return;
	}
	memset(pc, 0, sizeof(*pc));
	pc->w = w;
	pc->ctl_id = pr->ctl_id;
	pc->rport = pr->rport;
	memcpy(pc->uri, pr->uri, sizeof(pc->uri));
	memcpy(pc->to, pr->to, sizeof(pc->to));
	if (tz_uri_parse(&pc->u, pc->uri, 0, (uint32_t)strlen(pc->uri)) != 0 ||
	    (pc->u.scheme != TZ_URI_SIP && pc->u.scheme != TZ_URI_SIPS)) {
		fail(pc, "not a sip: or sips: URI");
		return;
	}
	pc->tp_given = strstr(pc->uri, ";transport=") != NULL;
	/* RFC3263 4: where to send it, without blocking the worker */
	err = tz_resolve_uri(w->res, &pc->q, pc->uri, &pc->u, resolved, pc);
	if (err)
		fail(pc, strerror(-err));
}

int ping_post(struct tz_server *s, unsigned worker, const struct ping_req *pr)
{
	if (worker >= s->nworkers)
		return -ESRCH;
	return tz_hub_post(s->hub, worker, ping_run, &s->w[worker], pr,
	                   sizeof(*pr));
}
