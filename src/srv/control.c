/*
 * control.c  The control channel (DESIGN.md "Interfaces"): a Unix stream
 * socket on which the server reads one JSON request per line and writes
 * one JSON response per line: {"cmd":"status"}, {"cmd":"reload"},
 * {"cmd":"stop"}, {"cmd":"ping","uri":URI,"worker":N,"rport":BOOL}. Served by
 * the main thread.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "srv_int.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"
#include "tz/tz_store.h"

#define CTL_LINE     4096
#define SNAP_WAIT_MS 2000

struct ctl_conn {
	struct ctl_conn *next;
	struct tz_server *s;
	uint64_t id;
	int fd;
	size_t len;
	char buf[CTL_LINE];
};

/* Ask every worker for its counters and wait for the answers. */
static void snapshot(struct tz_server *s)
{
	struct timespec until;
	unsigned want = 0;

	pthread_mutex_lock(&s->snap_lock);
	s->snap_done = 0;
	memset(s->snap, 0, s->nworkers * sizeof(*s->snap));
	pthread_mutex_unlock(&s->snap_lock);
	for (unsigned i = 0; i < s->nworkers; i++) {
		if (!s->w[i].started || atomic_load(&s->w[i].exited))
			continue;
		worker_post_snapshot(&s->w[i]);
		want++;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SNAP_WAIT_MS / 1000;
	pthread_mutex_lock(&s->snap_lock);
	while (s->snap_done < want &&
	       pthread_cond_timedwait(&s->snap_cond, &s->snap_lock, &until) ==
	               0)
		;
	pthread_mutex_unlock(&s->snap_lock);
}

char *server_status_json(struct tz_server *s)
{
	const struct tz_config *c = &atomic_load(&s->conf)->c;
	struct wstats sum = {0};
	json_t *o, *l, *ws, *cls;
	char *out;

	snapshot(s);
	o = json_object();
	l = json_array();
	ws = json_array();
	cls = json_object();
	pthread_mutex_lock(&s->snap_lock);
	for (unsigned i = 0; i < s->nworkers; i++) {
		const struct wstats *w = &s->snap[i];

		sum.received += w->received;
		sum.sent += w->sent;
		sum.retransmissions += w->retransmissions;
		sum.absorbed += w->absorbed;
		sum.parse_errors += w->parse_errors;
		sum.transactions += w->transactions;
		sum.tx_errors += w->tx_errors;
		sum.tcp_accepted += w->tcp_accepted;
		sum.tcp_refused += w->tcp_refused;
		sum.tcp_timeouts += w->tcp_timeouts;
		sum.tcp_bad_frame += w->tcp_bad_frame;
		for (unsigned k = 0; k < 7; k++)
			sum.answered[k] += w->answered[k];
		sum.contexts += w->contexts;
		sum.ps.forwarded += w->ps.forwarded;
		sum.ps.stateless += w->ps.stateless;
		sum.ps.responses += w->ps.responses;
		sum.ps.cancelled += w->ps.cancelled;
		sum.ps.timer_c += w->ps.timer_c;
		sum.ps.redirected += w->ps.redirected;
		sum.ps.challenged += w->ps.challenged;
		json_array_append_new(
		        ws, json_pack("{s:I,s:I,s:I}", "received",
		                      (json_int_t)w->received, "sent",
		                      (json_int_t)w->sent, "transactions",
		                      (json_int_t)w->transactions));
	}
	pthread_mutex_unlock(&s->snap_lock);
	for (unsigned i = 0; i < c->nlisten; i++)
		json_array_append_new(l, json_string(c->listen[i].text));
	for (unsigned k = 1; k < 7; k++) {
		char key[4] = {(char)('0' + k), 'x', 'x', 0};

		json_object_set_new(cls, key,
		                    json_integer((json_int_t)sum.answered[k]));
	}
	json_object_set_new(o, "version", json_string(TZ_VERSION));
	json_object_set_new(o, "state",
	                    json_string(s->stopping ? "stopping" : "running"));
	json_object_set_new(
	        o, "uptime_ms",
	        json_integer((json_int_t)(tz_loop_now() - s->started)));
	json_object_set_new(o, "workers", json_integer(s->nworkers));
	json_object_set_new(o, "listen", l);
	json_object_set_new(o, "received",
	                    json_integer((json_int_t)sum.received));
	json_object_set_new(o, "sent", json_integer((json_int_t)sum.sent));
	json_object_set_new(o, "retransmissions",
	                    json_integer((json_int_t)sum.retransmissions));
	json_object_set_new(o, "absorbed",
	                    json_integer((json_int_t)sum.absorbed));
	json_object_set_new(o, "transactions",
	                    json_integer((json_int_t)sum.transactions));
	json_object_set_new(o, "parse_errors",
	                    json_integer((json_int_t)sum.parse_errors));
	json_object_set_new(o, "send_errors",
	                    json_integer((json_int_t)sum.tx_errors));
	json_object_set_new(o, "responses", cls);
	json_object_set_new(o, "tcp",
	                    json_pack("{s:i,s:I,s:I,s:I,s:I}", "open",
	                              (int)tz_hub_connections(s->hub),
	                              "accepted", (json_int_t)sum.tcp_accepted,
	                              "refused", (json_int_t)sum.tcp_refused,
	                              "timeouts", (json_int_t)sum.tcp_timeouts,
	                              "bad_framing",
	                              (json_int_t)sum.tcp_bad_frame));
	json_object_set_new(o, "reloads", json_integer(s->reloads));
	json_object_set_new(
	        o, "proxy",
	        json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "mode",
	                  tz_proxy_mode_name(c->proxy_mode), "contexts",
	                  (json_int_t)sum.contexts, "dialogs",
	                  (json_int_t)dlg_count(s->dlgs), "forwarded",
	                  (json_int_t)sum.ps.forwarded, "stateless",
	                  (json_int_t)sum.ps.stateless, "responses",
	                  (json_int_t)sum.ps.responses, "cancelled",
	                  (json_int_t)sum.ps.cancelled, "timer_c",
	                  (json_int_t)sum.ps.timer_c, "redirected",
	                  (json_int_t)sum.ps.redirected, "challenged",
	                  (json_int_t)sum.ps.challenged));
	if (s->reg) {
		struct tz_registry_stats rs;

		tz_registry_stats(s->reg, &rs);
		json_object_set_new(o, "bindings",
		                    json_integer((json_int_t)rs.bindings));
		json_object_set_new(o, "users",
		                    json_integer((json_int_t)rs.users));
		json_object_set_new(
		        o, "registrar",
		        json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "aors",
		                  (json_int_t)rs.aors, "registers",
		                  (json_int_t)rs.registers, "commits",
		                  (json_int_t)rs.commits, "max_batch",
		                  (json_int_t)rs.max_batch, "expired",
		                  (json_int_t)rs.expired, "store_errors",
		                  (json_int_t)rs.store_errors, "bindings",
		                  (json_int_t)rs.bindings, "cdrs",
		                  (json_int_t)rs.cdrs));
	}
	json_object_set_new(o, "workers_detail", ws);
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

static void ctl_free(struct ctl_conn *cc)
{
	struct ctl_conn **pp = &cc->s->ctls;

	while (*pp && *pp != cc)
		pp = &(*pp)->next;
	if (*pp)
		*pp = cc->next;
	tz_loop_fd(cc->s->loop, cc->fd, 0, NULL, NULL);
	close(cc->fd);
	tz_free(cc);
}

static void ctl_write_json(int fd, json_t *o)
{
	char *out = json_dumps(o, JSON_COMPACT);
	size_t n;

	if (!out)
		return;
	n = strlen(out);
	out[n] = '\n'; /* replaces the NUL: write n + 1 bytes */
	(void)!write(fd, out, n + 1);
	free(out);
}

/* The control connection waiting for an answer, or NULL when the client
 * went away meanwhile. */
static struct ctl_conn *ctl_find(struct tz_server *s, uint64_t id)
{
	struct ctl_conn *cc;

	for (cc = s->ctls; cc && cc->id != id; cc = cc->next)
		;
	return cc;
}

void ping_result(void *data, void *arg)
{
	const struct ping_res *r = data;
	struct ctl_conn *cc = ctl_find(arg, r->ctl_id);
	json_t *o;

	if (!cc)
		return;
	if (r->status)
		o = json_pack("{s:i,s:s,s:i,s:b}", "status", r->status,
		              "reason", r->reason, "worker", r->worker,
		              "forwarded", r->forwarded);
	else
		o = json_pack("{s:s}", "error", r->reason);
	ctl_write_json(cc->fd, o);
	json_decref(o);
}

/* {"cmd":"ping","uri":...}: the answer comes later, from ping_result */
static int ctl_ping(struct ctl_conn *cc, json_t *req, char *err, size_t n)
{
	static struct ping_req pr;
	const char *uri = NULL;
	int worker = 0, rport = 0, e;

	if (json_unpack(req, "{s:s,s?i,s?b}", "uri", &uri, "worker", &worker,
	                "rport", &rport) != 0) {
		snprintf(err, n, "ping needs \"uri\"");
		return -EINVAL;
	}
	memset(&pr, 0, sizeof(pr));
	if (strlen(uri) >= sizeof(pr.uri)) {
		snprintf(err, n, "uri too long");
		return -EINVAL;
	}
	pr.ctl_id = cc->id;
	pr.rport = rport;
	snprintf(pr.uri, sizeof(pr.uri), "%s", uri);
	snprintf(pr.to, sizeof(pr.to), "<%s>", uri);
	e = worker < 0 ? -ESRCH : ping_post(cc->s, (unsigned)worker, &pr);
	if (e)
		snprintf(err, n, "%s",
		         e == -ESRCH ? "no such worker" : strerror(-e));
	return e;
}

void dlg_end_result(void *data, void *arg)
{
	const struct dlg_end_res *r = data;
	struct ctl_conn *cc = ctl_find(arg, r->ctl_id);
	json_t *o;

	if (!cc)
		return;
	o = json_pack("{s:s,s:i,s:i}", "ended", r->call_id, "caller",
	              r->status[0], "callee", r->status[1]);
	ctl_write_json(cc->fd, o);
	json_decref(o);
}

/* {"cmd":"dialog-end","call_id":...}: P sends the BYEs (dlg_end.c); the
 * answer comes from dlg_end_result once both sides answered */
static int ctl_dialog_end(struct ctl_conn *cc, json_t *req, char *err, size_t n)
{
	const char *cid = NULL;
	struct dlg *d;
	int e;

	if (json_unpack(req, "{s:s}", "call_id", &cid) != 0) {
		snprintf(err, n, "dialog-end needs \"call_id\"");
		return -EINVAL;
	}
	e = dlg_take(cc->s->dlgs, cid, &d);
	if (e) {
		snprintf(err, n, "%s",
		         e == -ENOENT ? "no such dialog"
		                      : "the dialog was not record-routed: "
		                        "the proxy cannot reach both sides");
		return e;
	}
	e = dlg_end_post(cc->s, d, cc->id);
	if (e) {
		dlg_cdr_end(cc->s, d, "proxy",
		            "ended by the operator (no BYE: worker queue)");
		snprintf(err, n, "no BYE sent: %s", strerror(-e));
	}
	return e;
}

/* A user sync finished on the storage thread. */
struct sync_req {
	struct tz_server *s;
	uint64_t ctl_id;
};

struct sync_res {
	uint64_t ctl_id;
	int err;
};

static void sync_result(void *data, void *arg)
{
	const struct sync_res *r = data;
	struct ctl_conn *cc = ctl_find(arg, r->ctl_id);
	json_t *o;

	if (!cc)
		return;
	o = r->err ? json_pack("{s:s}", "error", strerror(-r->err))
	           : json_pack("{s:b}", "ok", 1);
	ctl_write_json(cc->fd, o);
	json_decref(o);
}

static void sync_done(void *arg, int err)
{
	struct sync_req *sr = arg;
	struct sync_res res = {sr->ctl_id, err};

	/* on the storage thread: the answer goes out from the main loop */
	tz_mbox_post(sr->s->mbox, sync_result, sr->s, &res, sizeof(res));
	tz_free(sr);
}

/* {"cmd":"user-changed"[,"aor":AOR]}: an admin command changed the
 * users in the store; re-read them (DESIGN.md: changes apply at once) */
static int ctl_user_changed(struct ctl_conn *cc, json_t *req, char *err,
                            size_t n)
{
	const char *aor = NULL;
	char canon[TZ_AOR_MAX + 1];
	const char *why = NULL;
	struct sync_req *sr;
	int e;

	if (json_unpack(req, "{s?s}", "aor", &aor) != 0) {
		snprintf(err, n, "\"aor\" must be a string");
		return -EINVAL;
	}
	if (aor && tz_aor_canon(canon, aor, strlen(aor), &why) != 0) {
		snprintf(err, n, "bad AOR %s: %s", aor, why ? why : "invalid");
		return -EINVAL;
	}
	sr = tz_malloc(sizeof(*sr));
	if (!sr) {
		snprintf(err, n, "out of memory");
		return -ENOMEM;
	}
	sr->s = cc->s;
	sr->ctl_id = cc->id;
	e = tz_registry_user_sync(cc->s->reg, aor ? canon : NULL, sync_done,
	                          sr);
	if (e) {
		tz_free(sr);
		snprintf(err, n, "%s", strerror(-e));
	}
	return e;
}

static void ctl_answer(struct ctl_conn *cc, const char *line)
{
	struct tz_server *s = cc->s;
	json_error_t jerr;
	json_t *req = json_loads(line, 0, &jerr);
	const char *cmd = NULL;
	char *out = NULL, err[512];

	if (!req || json_unpack(req, "{s:s}", "cmd", &cmd) != 0) {
		out = NULL;
		snprintf(err, sizeof(err), "%s",
		         req ? "missing \"cmd\"" : jerr.text);
		goto error;
	}
	if (strcmp(cmd, "status") == 0) {
		out = server_status_json(s);
	} else if (strcmp(cmd, "reload") == 0) {
		if (server_reload(s, err, sizeof(err)) != 0) {
			tz_log(TZ_LOG_ERROR,
			       "reload refused, configuration kept: %s", err);
			goto error;
		}
		out = strdup("{\"ok\":true}");
	} else if (strcmp(cmd, "ping") == 0) {
		if (ctl_ping(cc, req, err, sizeof(err)) != 0)
			goto error;
	} else if (strcmp(cmd, "dialogs") == 0) {
		json_t *o = dlg_list_json(s->dlgs, 200);

		out = o ? json_dumps(o, JSON_COMPACT) : NULL;
		json_decref(o);
		if (!out) {
			snprintf(err, sizeof(err), "out of memory");
			goto error;
		}
	} else if (strcmp(cmd, "dialog-end") == 0) {
		if (ctl_dialog_end(cc, req, err, sizeof(err)) != 0)
			goto error;
	} else if (strcmp(cmd, "user-changed") == 0) {
		if (ctl_user_changed(cc, req, err, sizeof(err)) != 0)
			goto error;
	} else if (strcmp(cmd, "stop") == 0) {
		tz_log(TZ_LOG_INFO, "stop requested on the control socket");
		server_stop(s);
		out = strdup("{\"ok\":true}");
	} else {
		snprintf(err, sizeof(err), "unknown command: %s", cmd);
		goto error;
	}
	goto send;
error : {
	json_t *e = json_pack("{s:s}", "error", err);

	out = json_dumps(e, JSON_COMPACT);
	json_decref(e);
}
send:
	json_decref(req);
	if (out) {
		size_t n = strlen(out);

		out[n] = '\n'; /* replaces the NUL: write n + 1 bytes */
		(void)!write(cc->fd, out, n + 1);
		free(out);
	}
}

static void ctl_readable(int fd, unsigned events, void *arg)
{
	struct ctl_conn *cc = arg;
	ssize_t n;
	char *nl;

	(void)events;
	n = read(fd, cc->buf + cc->len, sizeof(cc->buf) - cc->len - 1);
	if (n <= 0) {
		ctl_free(cc);
		return;
	}
	cc->len += (size_t)n;
	cc->buf[cc->len] = 0;
	while ((nl = memchr(cc->buf, '\n', cc->len))) {
		size_t used = (size_t)(nl - cc->buf) + 1;

		*nl = 0;
		ctl_answer(cc, cc->buf);
		memmove(cc->buf, cc->buf + used, cc->len - used);
		cc->len -= used;
	}
	if (cc->len == sizeof(cc->buf) - 1) {
		static const char msg[] = "{\"error\":\"line too long\"}\n";

		(void)!write(fd, msg, sizeof(msg) - 1);
		ctl_free(cc);
	}
}

static void ctl_accept(int fd, unsigned events, void *arg)
{
	struct tz_server *s = arg;
	struct ctl_conn *cc;
	int c;

	(void)events;
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return;
	cc = tz_malloc(sizeof(*cc));
	if (!cc) {
		close(c);
		return;
	}
	cc->s = s;
	cc->fd = c;
	cc->len = 0;
	cc->id = ++s->ctl_serial;
	cc->next = s->ctls;
	s->ctls = cc;
	if (tz_loop_fd(s->loop, c, TZ_LOOP_READ, ctl_readable, cc) != 0)
		ctl_free(cc);
}

int control_open(struct tz_server *s, char *err, size_t errlen)
{
	const char *path = atomic_load(&s->conf)->c.control;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, e;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control %s: path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* a live server answers on it: refuse; a stale file is replaced */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		snprintf(err, errlen,
		         "control %s: another server is running on it", path);
		return -EADDRINUSE;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 16) != 0)
		goto fail;
	e = tz_loop_fd(s->loop, fd, TZ_LOOP_READ, ctl_accept, s);
	if (e) {
		errno = -e;
		goto fail;
	}
	s->ctl_fd = fd;
	return 0;
fail:
	e = -errno;
	if (fd >= 0)
		close(fd);
	snprintf(err, errlen, "control %s: %s", path, strerror(-e));
	return e;
}

void control_close(struct tz_server *s)
{
	while (s->ctls)
		ctl_free(s->ctls);
	if (s->ctl_fd < 0)
		return;
	tz_loop_fd(s->loop, s->ctl_fd, 0, NULL, NULL);
	close(s->ctl_fd);
	s->ctl_fd = -1;
	unlink(atomic_load(&s->conf)->c.control);
}
