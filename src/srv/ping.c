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
#include <sys/random.h>

#include "srv_int.h"
#include "tz/tz_build.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_uri.h"

struct ping_ctx {
	struct worker *w;
	struct tz_tsx *t;
	uint64_t ctl_id;
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

/* The target of @p u: numeric host only for now (RFC3263 4.2). */
static int target(const char *s, const struct tz_uri *u, struct tz_tp_dest *d)
{
	char host[64];
	size_t hl = u->host.len;
	const char *h = s + u->host.off;
	uint16_t port = u->port > 0                ? (uint16_t)u->port
	                : u->scheme == TZ_URI_SIPS ? 5061
	                                           : 5060;

	memset(d, 0, sizeof(*d));
	/* RFC3263 4.1: the transport parameter, else UDP for sip */
	d->tp = strstr(s, ";transport=tcp") ? TZ_TP_TCP : TZ_TP_UDP;
	d->reliable = d->tp != TZ_TP_UDP;
	if (hl >= 2 && h[0] == '[') {
		h++;
		hl -= 2;
	}
	if (hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = 0;
	if (inet_pton(AF_INET, host,
	              &((struct sockaddr_in *)&d->addr)->sin_addr) == 1) {
		((struct sockaddr_in *)&d->addr)->sin_family = AF_INET;
		((struct sockaddr_in *)&d->addr)->sin_port = htons(port);
		d->addrlen = sizeof(struct sockaddr_in);
		return 0;
	}
	if (inet_pton(AF_INET6, host,
	              &((struct sockaddr_in6 *)&d->addr)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&d->addr)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&d->addr)->sin6_port = htons(port);
		d->addrlen = sizeof(struct sockaddr_in6);
		return 0;
	}
	return -EHOSTUNREACH;
}

static void sent_by(const struct sockaddr_storage *a, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->ss_family == AF_INET6) {
		inet_ntop(AF_INET6,
		          &((const struct sockaddr_in6 *)a)->sin6_addr, ip,
		          sizeof(ip));
		snprintf(out, n, "[%s]:%u", ip,
		         ntohs(((const struct sockaddr_in6 *)a)->sin6_port));
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)a)->sin_addr,
		          ip, sizeof(ip));
		snprintf(out, n, "%s:%u", ip,
		         ntohs(((const struct sockaddr_in *)a)->sin_port));
	}
}

static void ping_run(void *data, void *arg)
{
	const struct ping_req *pr = data;
	struct worker *w = arg;
	struct tz_req_build rb = {0};
	struct sockaddr_storage local;
	socklen_t llen;
	struct tz_tp_dest dst;
	struct tz_uri u;
	struct ping_ctx *pc;
	char via[128], hp[96], branch[80], tag[24], cid[48], from[128];
	uint64_t r[2] = {0, 0};
	int err;

	if (tz_uri_parse(&u, pr->uri, 0, (uint32_t)strlen(pr->uri)) != 0 ||
	    (u.scheme != TZ_URI_SIP && u.scheme != TZ_URI_SIPS)) {
		done(w, pr->ctl_id, 0, "not a sip: URI", false);
		return;
	}
	err = target(pr->uri, &u, &dst);
	if (!err)
		err = tz_transport_local(w->tp, &dst, &local, &llen);
	if (err) {
		done(w, pr->ctl_id, 0,
		     err == -EHOSTUNREACH
		             ? "host must be numeric (no DNS yet)"
		             : "no local socket for that transport",
		     false);
		return;
	}
	(void)!getrandom(r, sizeof(r), 0);
	sent_by(&local, hp, sizeof(hp));
	snprintf(via, sizeof(via), "SIP/2.0/%s %s", tz_tp_name(dst.tp), hp);
	make_branch(branch, sizeof(branch), w->index, 0);
	snprintf(tag, sizeof(tag), "%016llx", (unsigned long long)r[0]);
	snprintf(cid, sizeof(cid), "%016llx@%s", (unsigned long long)r[1],
	         "trapezoid");
	snprintf(from, sizeof(from), "<sip:trapezoid@%s>", hp);
	rb.method = "OPTIONS";
	rb.ruri = pr->uri;
	rb.via = via;
	rb.branch = branch;
	rb.rport = pr->rport;
	rb.from = from;
	rb.from_tag = tag;
	rb.to = pr->to;
	rb.call_id = cid;
	rb.cseq = 1;
	rb.max_forwards = 70;
	rb.headers = "Accept: application/sdp\r\n";
	tz_buf_reset(&w->out);
	pc = tz_malloc(sizeof(*pc));
	err = pc ? tz_build_request(&w->out, &rb) : -ENOMEM;
	if (!err) {
		pc->w = w;
		pc->ctl_id = pr->ctl_id;
		err = tz_tsx_client_alloc(&pc->t, w->tsx, w->out.p, w->out.len,
		                          &dst, on_resp, pc);
	}
	if (err) {
		tz_free(pc);
		done(w, pr->ctl_id, 0, strerror(-err), false);
	}
}

int ping_post(struct tz_server *s, unsigned worker, const struct ping_req *pr)
{
	if (worker >= s->nworkers)
		return -ESRCH;
	return tz_hub_post(s->hub, worker, ping_run, &s->w[worker], pr,
	                   sizeof(*pr));
}
