/*
 * worker.c  One worker thread: its loop, transports and transaction
 * layer, and the receive path: parse, RFC 3261 18.2.1 Via notes, the
 * transaction layer (retransmissions are absorbed there), then the core.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "srv_int.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "tz/tz_resolve.h"

#define SCRATCH (65536 + 512)

static void rx(const char *buf, size_t len, unsigned flags,
               const struct tz_tp_dest *src, void *arg);

int worker_send(struct worker *w, const char *buf, size_t len,
                const struct tz_tp_dest *dst)
{
	return tz_transport_send(w->tp, buf, len, dst);
}

static int tsx_send(const char *buf, size_t len, const struct tz_tp_dest *dst,
                    void *arg)
{
	return worker_send(arg, buf, len, dst);
}

/* RFC3261 17.1.4, 17.2.4: a connection failed after the send returned:
 * the transactions sending there end, their TU told */
static void tp_error(const struct tz_tp_dest *dst, int err, void *arg)
{
	struct worker *w = arg;
	unsigned n = tz_tsx_layer_tp_error(w->tsx, dst, err);

	if (n)
		tz_log(TZ_LOG_DEBUG,
		       "transport error %s: %u transactions ended",
		       strerror(-err), n);
}

static void tsx_config(const struct tz_config *c, struct tz_tsx_config *tc)
{
	tz_tsx_config_default(tc);
	tc->t1 = c->t1;
	tc->t2 = c->t2;
	tc->t4 = c->t4;
	/* RFC3261 17.1.1.2: Timer D at least 32 s, scaled with T1 so short
	 * test timers stay short */
	tc->td = c->t1 * 64;
	tc->trying = c->trying;
}

static int max_fds(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur > 1048576)
		return 65536;
	return (int)rl.rlim_cur;
}

/* Port 0 asked: the address the kernel chose, in @p l and its text. */
static void listen_set_bound(struct tz_listen *l, struct tz_transport *tp)
{
	const char *p = tz_tp_name(l->tp);
	char lower[8], addr[TZ_SA_STRLEN];
	size_t i;

	tz_transport_bound(tp, &l->addr, &l->addrlen);
	for (i = 0; p[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)(p[i] | 0x20);
	lower[i] = 0;
	snprintf(l->text, sizeof(l->text), "%s:%s", lower,
	         tz_sa_print(&l->addr, true, addr, sizeof(addr)));
}

int worker_init(struct worker *w, struct tz_server *s, unsigned index,
                char *err, size_t errlen)
{
	const struct conf *cf = atomic_load(&s->conf);
	struct tz_tsx_config tc;
	int e;

	memset(w, 0, sizeof(*w));
	w->srv = s;
	w->index = index;
	w->conf = cf;
	tz_buf_init(&w->out);
	tz_arena_init(&w->arena, w->arena_mem, sizeof(w->arena_mem));
	tz_timer_init(&w->drain_tick);
	w->scratch = tz_malloc(SCRATCH);
	if (!w->scratch) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	e = tz_loop_alloc(&w->loop, max_fds());
	if (!e)
		e = tz_transport_alloc(&w->tp, s->hub, index, w->loop, rx, w);
	if (e) {
		snprintf(err, errlen, "worker %u: %s", index, strerror(-e));
		return e;
	}
	for (unsigned i = 0; i < cf->c.nlisten; i++) {
		struct tz_listen *l = (struct tz_listen *)&cf->c.listen[i];

		e = tz_transport_listen(w->tp, l->tp,
		                        (const struct sockaddr *)&l->addr,
		                        l->addrlen);
		if (e) {
			snprintf(err, errlen, "listen %s: %s", l->text,
			         e == -EPROTONOSUPPORT
			                 ? "transport not supported yet"
			                 : strerror(-e));
			return e;
		}
		/* port 0: the first worker's kernel-chosen port is everyone's
		 * (workers are set up one by one, before any runs) */
		if (index == 0 && tz_sa_port(&l->addr) == 0)
			listen_set_bound(l, w->tp);
	}
	{
		struct tz_resolve_opts ro = {0};
		char rerr[256] = "";

		ro.hosts_file = cf->c.dns_hosts[0] ? cf->c.dns_hosts : NULL;
		ro.servers = cf->c.dns_servers[0] ? cf->c.dns_servers : NULL;
		e = tz_resolver_alloc(&w->res, w->loop, &ro, rerr,
		                      sizeof(rerr));
		if (e) {
			snprintf(err, errlen, "dns: %s",
			         rerr[0] ? rerr : strerror(-e));
			return e;
		}
	}
	tsx_config(&cf->c, &tc);
	e = tz_tsx_layer_alloc(&w->tsx, tz_loop_wheel(w->loop), &tc, tsx_send,
	                       w);
	if (!e)
		tz_transport_set_error(w->tp, tp_error, w);
	if (e) {
		snprintf(err, errlen, "transactions: %s", strerror(-e));
		return e;
	}
	return 0;
}

void worker_fini(struct worker *w)
{
	tz_tsx_layer_free(w->tsx);
	tz_resolver_free(w->res);
	tz_timer_cancel(&w->drain_tick);
	tz_transport_free(w->tp);
	tz_loop_free(w->loop);
	tz_buf_free(&w->out);
	tz_arena_free(&w->arena);
	tz_free(w->scratch);
}

void *worker_main(void *arg)
{
	struct worker *w = arg;
	char name[16];

	snprintf(name, sizeof(name), "w%u", w->index);
	tz_log_thread(name);
	tz_log(TZ_LOG_DEBUG, "worker running");
	tz_loop_run(w->loop);
	tz_transport_flush(w->tp);
	tz_log(TZ_LOG_DEBUG, "worker stopped");
	atomic_store(&w->exited, true);
	atomic_fetch_sub(&w->srv->running, 1);
	return NULL;
}

/* A response for a client transaction of another worker (its branch
 * names it): hand it over (DESIGN.md: the cross-worker queue). */
static bool forward_response(struct worker *w, const struct tz_msg *m,
                             const struct tz_tp_dest *src)
{
	int owner =
	        branch_worker(m->buf + m->via1.branch.off, m->via1.branch.len);

	if (owner < 0 || (unsigned)owner == w->index ||
	    (unsigned)owner >= w->srv->nworkers)
		return false;
	tz_hub_rx_on(w->srv->hub, (unsigned)owner, m->buf, m->len, 0, src);
	return true;
}

static void rx(const char *buf, size_t len, unsigned flags,
               const struct tz_tp_dest *src, void *arg)
{
	struct worker *w = arg;
	const struct tz_config *c = &w->conf->c;
	struct tz_msg_limits lim = tz_msg_limits_default;
	struct tz_via_hint vh;
	struct tz_msg m;
	size_t fixed;
	int err;

	tz_msg_init(&m, w->hdrs, SRV_MAX_HDRS);
	/* RFC3261 18.1.1, 21.5.14: over the size limit: 513 if a reply
	 * can be built from what arrived */
	if ((flags & TZ_RX_TOOBIG) || len > c->max_message) {
		w->parse_errors++;
		lim.max_msg = 65536;
		tz_msg_parse(&m, buf, len, &lim);
		uas_reply_bad(w, &m, 513, NULL, src);
		return;
	}
	lim.max_msg = c->max_message;
	/* RFC3261 18.2.1, RFC3581 4: received and rport noted in the top
	 * Via of a request before the parse (and anything that keeps it) */
	if (via_prefix(buf, len, src, w->scratch, SCRATCH, &fixed, &vh) == 1) {
		buf = w->scratch;
		len = fixed;
	}
	if (vh.buf)
		lim.via1 = &vh; /* the top Via, decoded already */
	err = tz_msg_parse(&m, buf, len, &lim);
	if (err == -ENODATA)
		return; /* RFC5626 3.5.1: a keep-alive */
	if (!err && (flags & TZ_RX_BROKEN)) {
		/* RFC3261 18.3: Content-Length is mandatory on streams */
		err = -EBADMSG;
		m.err_status = 400;
		m.err_what = m.content_length < 0 ? "missing Content-Length"
		                                  : "bad Content-Length";
	}
	if (err) {
		/* RFC3261 16.3 item 1, 8.2: malformed: 400 (505, 513, 414)
		 * naming the defect */
		w->parse_errors++;
		if (tz_log_on(TZ_LOG_DEBUG))
			tz_log(TZ_LOG_DEBUG,
			       "unparsable message (%zu bytes): %s", len,
			       m.err_what ? m.err_what : "?");
		uas_reply_bad(w, &m, m.err_status, m.err_what, src);
		return;
	}
	if (!m.request) {
		w->rx_forwarded = flags & TZ_RX_FORWARDED;
		if (tz_tsx_layer_recv(w->tsx, &m, src))
			return;
		/* RFC3261 18.1.2: no transaction here: another worker's,
		 * or a stray response: passed on statelessly if our Via is
		 * on top (16.7 item 3), else dropped */
		if ((flags & TZ_RX_FORWARDED) || !forward_response(w, &m, src))
			sl_response(w, &m);
		return;
	}
	/* the same, when the scan before the parse could not tell (with a
	 * hint it did: that top Via is the one parsed) */
	if (!vh.buf && via_needs_fix(&m, src)) {
		size_t n;

		if (via_fix(&m, src, w->scratch, SCRATCH, &n) != 0 ||
		    tz_msg_parse(&m, w->scratch, n, &lim) != 0) {
			w->parse_errors++;
			return;
		}
	}
	if (tz_tsx_layer_recv(w->tsx, &m, src))
		return; /* a retransmission, absorbed */
	tz_msg_set_arena(&m, &w->arena);
	uas_request(w, &m, src);
	tz_arena_free(&w->arena);
}

/* ---- work posted by the main thread ---- */

/* While draining, publish how many transactions are left; the main
 * thread stops every worker together once the sum is 0 (or the
 * shutdown-timeout passed): a worker that stopped alone would leave the
 * requests the kernel still gives its sockets unanswered. */
static void drain_tick(void *arg)
{
	struct worker *w = arg;

	atomic_store(&w->live, tz_tsx_layer_count(w->tsx));
	atomic_store(&w->drain_ack, true);
	tz_timer_start(tz_loop_wheel(w->loop), &w->drain_tick, 20, drain_tick,
	               w);
}

static void drain_run(void *data, void *arg)
{
	struct worker *w = arg;

	(void)data;
	/* graceful: stop accepting, answer new requests with 503, let the
	 * transactions finish (or time out) */
	w->draining = true;
	tz_transport_stop_accepting(w->tp);
	drain_tick(w);
}

static void stop_run(void *data, void *arg)
{
	struct worker *w = arg;
	unsigned left = tz_tsx_layer_count(w->tsx);

	(void)data;
	if (left)
		tz_log(TZ_LOG_WARN, "shutdown timeout: %u transactions dropped",
		       left);
	tz_timer_cancel(&w->drain_tick);
	tz_loop_stop(w->loop);
}

void worker_post_stop(struct worker *w)
{
	tz_hub_post(w->srv->hub, w->index, stop_run, w, NULL, 0);
}

void worker_post_drain(struct worker *w)
{
	tz_hub_post(w->srv->hub, w->index, drain_run, w, NULL, 0);
}

static void reload_run(void *data, void *arg)
{
	struct worker *w = arg;
	struct tz_tsx_config tc;

	(void)data;
	w->conf = atomic_load(&w->srv->conf);
	tsx_config(&w->conf->c, &tc);
	tz_tsx_layer_set_config(w->tsx, &tc);
}

void worker_post_reload(struct worker *w)
{
	tz_hub_post(w->srv->hub, w->index, reload_run, w, NULL, 0);
}

static void snapshot_run(void *data, void *arg)
{
	struct worker *w = arg;
	struct tz_server *s = w->srv;
	const struct tz_tp_stats *ts = tz_transport_stats(w->tp);
	const struct tz_tsx_stats *xs = tz_tsx_layer_stats(w->tsx);
	struct wstats *o;

	(void)data;
	pthread_mutex_lock(&s->snap_lock);
	o = &s->snap[w->index];
	o->received = ts->rx_msgs;
	o->sent = ts->tx_msgs;
	o->tx_errors = ts->tx_errors;
	o->retransmissions = xs->retransmitted;
	o->absorbed = xs->absorbed;
	o->parse_errors = w->parse_errors;
	o->transactions = tz_tsx_layer_count(w->tsx);
	o->tcp_accepted = ts->tcp_accepted;
	o->tcp_refused = ts->tcp_refused;
	o->tcp_timeouts = ts->tcp_timeouts;
	o->tcp_bad_frame = ts->tcp_bad_frame;
	memcpy(o->answered, w->answered, sizeof(o->answered));
	o->ps = w->ps;
	o->contexts = w->contexts;
	s->snap_done++;
	pthread_cond_broadcast(&s->snap_cond);
	pthread_mutex_unlock(&s->snap_lock);
}

void worker_post_snapshot(struct worker *w)
{
	tz_hub_post(w->srv->hub, w->index, snapshot_run, w, NULL, 0);
}
