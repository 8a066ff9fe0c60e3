/*
 * dlg_end.c  A dialog-stateful proxy ending a call itself ("trapezoid
 * dialog end", the prepaid case): the dialog is taken out of the table on
 * the main thread, and a worker sends a BYE to each side as a UAC inside
 * that side's dialog (RFC 3261 12.2.1.1, 15.1.1): the Request-URI is the
 * side's remote target, the Route set the proxies between P and it, From
 * and To the other side's and its own, the CSeq one above the highest the
 * other side used. Each BYE is a client transaction of that worker (its
 * Via and branch name it); when both are answered, or time out, the call
 * detail record is written and the answer goes back to the control
 * connection.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "srv_int.h"
#include "tz/tz_build.h"
#include "tz/tz_hval.h"
#include "tz/tz_log.h"
#include "tz/tz_mbox.h"
#include "tz/tz_mem.h"

struct end_ctx;
struct end_leg {
	struct end_ctx *ec;
	struct tz_tsx *t;
	int status; /* final status, 0 while pending */
};

struct end_ctx {
	struct worker *w;
	struct dlg *d;
	uint64_t ctl_id;
	unsigned pending;
	struct end_leg leg[2]; /* a BYE to side 0 (caller), 1 (callee) */
};

struct end_job {
	struct dlg *d;
	uint64_t ctl_id;
};

static void finish(struct end_ctx *ec)
{
	struct dlg_end_res r;

	memset(&r, 0, sizeof(r));
	r.ctl_id = ec->ctl_id;
	snprintf(r.call_id, sizeof(r.call_id), "%s", ec->d->cdr.call_id);
	r.status[0] = ec->leg[0].status;
	r.status[1] = ec->leg[1].status;
	dlg_cdr_end(ec->w->srv, ec->d, "proxy", "ended by the operator");
	tz_mbox_post(ec->w->srv->mbox, dlg_end_result, ec->w->srv, &r,
	             sizeof(r));
	tz_free(ec);
}

static void leg_done(struct end_leg *l, int status)
{
	struct end_ctx *ec = l->ec;

	l->status = status;
	if (l->t) {
		tz_tsx_detach(l->t);
		tz_mem_deref(l->t);
		l->t = NULL;
	}
	if (--ec->pending == 0)
		finish(ec);
}

static void on_resp(int err, const struct tz_msg *resp, void *arg)
{
	if (!err && resp->status < 200)
		return;
	/* RFC3261 8.1.3.1: no answer counts as 408, a transport error as
	 * 503 */
	leg_done(arg, err ? (err == -ETIMEDOUT ? 408 : 503) : resp->status);
}

/* RFC3261 12.2.1.1: when the first entry of the Route set toward @p sd
 * is a strict router (no lr), the request goes to it as the
 * Request-URI, and the Route set is the rest followed by the remote
 * target. True with @p ruri and @p routes set; false for a loose first
 * hop (or one that cannot be read: sent as it is). */
static bool strict_first(const struct dlg_side *sd, char *ruri, size_t rn,
                         char *routes, size_t n)
{
	const char *b = sd->routes;
	uint32_t pos = 0, end = (uint32_t)strlen(b);
	struct tz_naddr na;
	int k;

	if (tz_route_next(&na, b, &pos, end) ||
	    uri_param(b, &na.u, "lr", NULL) || na.uri.len >= rn)
		return false;
	snprintf(ruri, rn, "%.*s", (int)na.uri.len, b + na.uri.off);
	while (pos < end && (b[pos] == ',' || b[pos] == ' ' || b[pos] == '\t'))
		pos++;
	k = snprintf(routes, n, "%s%s<%s>", b + pos, pos < end ? ", " : "",
	             sd->target);
	return k > 0 && (size_t)k < n;
}

/* The BYE to side @p i into w->out (RFC 3261 12.2.1.1, 15.1.1). */
static int build(struct end_ctx *ec, unsigned i)
{
	struct worker *w = ec->w;
	const struct dlg *d = ec->d;
	const struct dlg_side *to = &d->side[i], *from = &d->side[!i];
	const char *route = to->routes;
	struct tz_req_build rb = {0};
	struct sockaddr_storage local;
	socklen_t llen;
	char via[128], hp[96], branch[80], from_na[264], to_na[264];
	char ruri[sizeof(to->routes)], routes[sizeof(to->routes) + 272];
	int err = tz_transport_local(w->tp, &to->dst, &local, &llen);

	if (err)
		return err;
	tz_sa_print(&local, true, hp, sizeof(hp));
	snprintf(via, sizeof(via), "SIP/2.0/%s %s", tz_tp_name(to->dst.tp), hp);
	make_branch(branch, sizeof(branch), w->index, 0);
	/* the caller's From and the callee's To, each with its tag */
	snprintf(from_na, sizeof(from_na), "<%s>",
	         i ? d->cdr.caller : d->cdr.callee);
	snprintf(to_na, sizeof(to_na), "<%s>",
	         i ? d->cdr.callee : d->cdr.caller);
	rb.method = "BYE";
	rb.ruri = to->target;
	rb.via = via;
	rb.branch = branch;
	rb.rport = true;
	rb.from = from_na;
	rb.from_tag = i ? d->from_tag : d->to_tag;
	rb.to = to_na;
	rb.to_tag = i ? d->to_tag : d->from_tag;
	rb.call_id = d->cdr.call_id;
	/* RFC3261 12.2.1.1: one above the last CSeq in the sender's
	 * space; the side that sent nothing yet starts at 1 (12.2.2: its
	 * peer has no remote CSeq to compare with) */
	rb.cseq = from->cseq + 1;
	rb.max_forwards = 70;
	if (route[0]) {
		rb.route = &route;
		rb.nroute = 1;
		if (strict_first(to, ruri, sizeof(ruri), routes,
		                 sizeof(routes))) {
			rb.ruri = ruri;
			route = routes;
		}
	}
	tz_buf_reset(&w->out);
	return tz_build_request(&w->out, &rb);
}

static void end_run(void *data, void *arg)
{
	const struct end_job *job = data;
	struct worker *w = arg;
	struct end_ctx *ec = tz_malloc(sizeof(*ec));

	if (!ec) {
		struct dlg_end_res r = {.ctl_id = job->ctl_id};

		snprintf(r.call_id, sizeof(r.call_id), "%s",
		         job->d->cdr.call_id);
		dlg_cdr_end(w->srv, job->d, "proxy",
		            "ended by the operator (no BYE: out of memory)");
		tz_mbox_post(w->srv->mbox, dlg_end_result, w->srv, &r,
		             sizeof(r));
		return;
	}
	memset(ec, 0, sizeof(*ec));
	ec->w = w;
	ec->d = job->d;
	ec->ctl_id = job->ctl_id;
	ec->pending = 2;
	for (unsigned i = 0; i < 2; i++) {
		struct end_leg *l = &ec->leg[i];
		int err;

		l->ec = ec;
		err = build(ec, i);
		if (!err)
			err = tz_tsx_client_alloc(
			        &l->t, w->tsx, w->out.p, w->out.len,
			        &ec->d->side[i].dst, on_resp, l);
		if (err) {
			tz_log(TZ_LOG_WARN, "BYE to the %s of %s not sent: %s",
			       i ? "callee" : "caller", ec->d->cdr.call_id,
			       strerror(-err));
			l->t = NULL;
			leg_done(l, 503);
		}
	}
}

int dlg_end_post(struct tz_server *s, struct dlg *d, uint64_t ctl_id)
{
	struct end_job job = {d, ctl_id};
	unsigned wi = d->hash % s->nworkers;

	return tz_hub_post(s->hub, wi, end_run, &s->w[wi], &job, sizeof(job));
}
