/*
 * server.c  The server process: configuration generations, worker
 * threads, signals (SIGTERM / SIGINT graceful stop, SIGHUP reload), and
 * the main thread's loop that also serves the control socket.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "srv_int.h"
#include "tz/tz_rand.h"
#include "tz/tz_log.h"
#include "tz/tz_mem.h"

void srv_limits(const struct tz_config *c, struct tz_tp_limits *lim)
{
	lim->max_message = c->max_message;
	lim->tcp_idle = c->tcp_idle;
	lim->tcp_slow = c->tcp_slow;
	lim->tcp_per_src = c->tcp_per_src;
	lim->tcp_max = c->tcp_max;
}

/* A listen address taken by another process? SO_REUSEPORT would let a
 * second server of the same user share the port silently: probe without
 * it first. */
static int probe(const struct tz_listen *l)
{
	int one = 1, err = 0;
	int fd = socket(l->addr.ss_family,
	                l->tp == TZ_TP_UDP ? SOCK_DGRAM : SOCK_STREAM, 0);

	if (fd < 0)
		return -errno;
	if (l->tp != TZ_TP_UDP)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l->addr.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)&l->addr, l->addrlen) != 0)
		err = -errno;
	close(fd);
	return err;
}

/* The digest settings of a configuration (RFC 7616; docs/configuration.md
 * "auth-*" keys). */
static void auth_conf(const struct tz_config *c, const struct tz_registry *r,
                      struct tz_auth_conf *ac)
{
	memset(ac, 0, sizeof(*ac));
	tz_registry_secret(r, ac->secret);
	ac->nonce_lifetime_ms = c->nonce_lifetime;
	ac->failures = c->auth_failures;
	ac->window_ms = c->auth_window;
	ac->backoff_ms = c->auth_backoff;
	ac->backoff_max_ms = c->auth_backoff_max;
	tz_config_auth_algorithms(c, &ac->offer_sha256, &ac->offer_md5,
	                          &ac->md5_first);
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 && n < 256 ? (unsigned)n : 1;
}

int tz_server_alloc(struct tz_server **sp, const struct tz_config *cfg,
                    int argc, char **argv, char *err, size_t errlen)
{
	struct tz_server *s;
	struct tz_tp_limits lim;
	struct conf *cf;
	int e;

	for (unsigned i = 0; i < cfg->nlisten; i++) {
		e = probe(&cfg->listen[i]);
		if (e) {
			snprintf(err, errlen, "listen %s: %s",
			         cfg->listen[i].text, strerror(-e));
			return e;
		}
	}
	s = tz_malloc(sizeof(*s));
	cf = tz_malloc(sizeof(*cf));
	if (!s || !cf) {
		tz_free(s);
		tz_free(cf);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memset(s, 0, sizeof(*s));
	memset(cf, 0, sizeof(*cf));
	cf->c = *cfg;
	atomic_store(&s->conf, cf);
	s->argc = argc;
	s->argv = argv;
	s->sigfd = -1;
	s->ctl_fd = -1;
	s->started = tz_loop_now();
	s->tag_key[0] = tz_rand64();
	s->tag_key[1] = tz_rand64();
	pthread_mutex_init(&s->snap_lock, NULL);
	pthread_cond_init(&s->snap_cond, NULL);
	tz_log_set_level(cfg->log_level);
	s->nworkers = cfg->workers ? cfg->workers : online_cpus();
	srv_limits(cfg, &lim);
	s->w = tz_malloc(s->nworkers * sizeof(*s->w));
	s->snap = tz_malloc(s->nworkers * sizeof(*s->snap));
	e = s->w && s->snap ? tz_hub_alloc(&s->hub, s->nworkers, &lim)
	                    : -ENOMEM;
	if (e) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memset(s->w, 0, s->nworkers * sizeof(*s->w));
	/* DESIGN.md "State and storage": bindings and users come back from
	 * the store before the first request */
	e = tz_registry_open(&s->reg, cfg->db, err, errlen);
	if (e)
		goto fail;
	tz_registry_set_max_contacts(s->reg, cfg->max_contacts);
	tz_registry_set_write_behind(s->reg, cfg->write_behind);
	e = dlg_table_alloc(&s->dlgs);
	if (e) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	{
		struct tz_auth_conf ac;

		auth_conf(cfg, s->reg, &ac);
		e = tz_auth_server_alloc(&s->auth, &ac);
		memset(&ac, 0, sizeof(ac));
		if (e) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	for (unsigned i = 0; i < s->nworkers; i++) {
		e = worker_init(&s->w[i], s, i, err, errlen);
		s->ninit = i + 1;
		if (e)
			goto fail;
	}
	e = tz_loop_alloc(&s->loop, 4096);
	if (e) {
		snprintf(err, errlen, "main loop: %s", strerror(-e));
		goto fail;
	}
	e = tz_mbox_alloc(&s->mbox, s->loop);
	if (e) {
		snprintf(err, errlen, "main mailbox: %s", strerror(-e));
		goto fail;
	}
	e = control_open(s, err, errlen);
	if (e)
		goto fail;
	*sp = s;
	return 0;
fail:
	tz_server_free(s);
	return e;
}

/* The same listen address, port 0 in the file matching the port the
 * kernel chose at start. */
static bool listen_same(const struct tz_listen *run, const struct tz_listen *l)
{
	struct sockaddr_storage a = l->addr;

	if (!tz_sa_port(&a))
		tz_sa_set_port(&a, tz_sa_port(&run->addr));
	return run->tp == l->tp &&
	       tz_sa_equal((const struct sockaddr *)&a,
	                   (const struct sockaddr *)&run->addr);
}

/* Keys a reload cannot change (docs/configuration.md): keep the running
 * values, say so. */
static void keep_fixed(const struct tz_config *old, struct tz_config *nc)
{
	if (old->nlisten != nc->nlisten ||
	    memcmp(old->listen, nc->listen, sizeof(old->listen)) != 0) {
		bool same = old->nlisten == nc->nlisten;

		for (unsigned i = 0; same && i < nc->nlisten; i++)
			same = listen_same(&old->listen[i], &nc->listen[i]);
		if (!same)
			tz_log(TZ_LOG_WARN,
			       "reload: listen changed; restart to apply");
		nc->nlisten = old->nlisten;
		memcpy(nc->listen, old->listen, sizeof(old->listen));
	}
#define KEEP(field, name)                                                      \
	do {                                                                   \
		if (memcmp(&old->field, &nc->field, sizeof(old->field))) {     \
			tz_log(TZ_LOG_WARN,                                    \
			       "reload: " name " changed; restart to apply");  \
			memcpy(&nc->field, &old->field, sizeof(old->field));   \
		}                                                              \
	} while (0)
	KEEP(workers, "workers");
	KEEP(db, "db");
	KEEP(control, "control");
	KEEP(http, "http");
	KEEP(dns_servers, "dns-servers");
#undef KEEP
}

int server_reload(struct tz_server *s, char *err, size_t errlen)
{
	struct conf *old = atomic_load(&s->conf), *cf;
	struct tz_tp_limits lim;
	char path[4096];
	int e;

	cf = tz_malloc(sizeof(*cf));
	if (!cf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memset(cf, 0, sizeof(*cf));
	/* the whole new configuration, from the same arguments and the file
	 * as it is now; any error refuses it whole */
	e = tz_config_args(&cf->c, s->argc, s->argv, path, err, errlen);
	if (e) {
		tz_free(cf);
		return e;
	}
	keep_fixed(&old->c, &cf->c);
	cf->older = old;
	atomic_store(&s->conf, cf);
	{
		struct tz_auth_conf ac;

		auth_conf(&cf->c, s->reg, &ac);
		tz_auth_server_set_conf(s->auth, &ac);
		memset(&ac, 0, sizeof(ac));
	}
	tz_registry_set_max_contacts(s->reg, cf->c.max_contacts);
	tz_registry_set_write_behind(s->reg, cf->c.write_behind);
	tz_log_set_level(cf->c.log_level);
	srv_limits(&cf->c, &lim);
	tz_hub_set_limits(s->hub, &lim);
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_post_reload(&s->w[i]);
	s->reloads++;
	tz_log(TZ_LOG_INFO, "configuration reloaded%s%s",
	       path[0] ? " from " : "", path);
	return 0;
}

static void on_signal(int fd, unsigned events, void *arg)
{
	struct tz_server *s = arg;
	struct signalfd_siginfo si;
	char err[512];

	(void)events;
	while (read(fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (server_reload(s, err, sizeof(err)) != 0)
				tz_log(TZ_LOG_ERROR,
				       "reload refused, configuration kept: %s",
				       err);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			tz_log(TZ_LOG_INFO, "%s: shutting down",
			       si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			server_stop(s);
		}
	}
}

static void watch_workers(void *arg);

void server_stop(struct tz_server *s)
{
	if (s->stopping)
		return;
	s->stopping = true;
	s->stop_deadline = tz_loop_now() + atomic_load(&s->conf)->c.shutdown;
	for (unsigned i = 0; i < s->nworkers; i++)
		worker_post_drain(&s->w[i]);
	/* watch_workers stops them together, and the main loop ends once
	 * every worker has: it looks every 20 ms from now on (once the
	 * loop runs: before, tz_server_run starts it) */
	if (tz_timer_active(&s->watch))
		tz_timer_start(tz_loop_wheel(s->loop), &s->watch, 20,
		               watch_workers, s);
}

static void watch_workers(void *arg)
{
	struct tz_server *s = arg;

	if (atomic_load(&s->running) == 0) {
		tz_loop_stop(s->loop);
		return;
	}
	if (tz_loop_now() >= s->dlg_scan) {
		s->dlg_scan = tz_loop_now() + 1000;
		dlg_expire(s, tz_loop_now());
	}
	if (s->stopping && !s->stop_sent) {
		unsigned acked = 0, live = 0;

		for (unsigned i = 0; i < s->nworkers; i++) {
			acked += atomic_load(&s->w[i].drain_ack);
			live += atomic_load(&s->w[i].live);
		}
		if ((acked == s->nworkers && live == 0) ||
		    tz_loop_now() >= s->stop_deadline) {
			s->stop_sent = true;
			for (unsigned i = 0; i < s->nworkers; i++)
				worker_post_stop(&s->w[i]);
		}
	}
	/* idle, a look twice a second is enough (a worker that ended by
	 * itself, the dialog scan each second): no wake-up every 20 ms */
	tz_timer_start(tz_loop_wheel(s->loop), &s->watch,
	               s->stopping ? 20 : 500, watch_workers, s);
}

int tz_server_run(struct tz_server *s)
{
	const struct tz_config *c = &atomic_load(&s->conf)->c;
	sigset_t set;
	int e;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGPIPE);
	/* blocked before the workers start, so they inherit the mask and
	 * the main thread alone takes signals, through its signalfd */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGPIPE);
	s->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sigfd < 0)
		return -errno;
	e = tz_loop_fd(s->loop, s->sigfd, TZ_LOOP_READ, on_signal, s);
	if (e)
		return e;
	e = tz_registry_start(s->reg);
	if (e)
		return e;
	atomic_store(&s->running, s->nworkers);
	for (unsigned i = 0; i < s->nworkers; i++) {
		e = pthread_create(&s->w[i].thread, NULL, worker_main,
		                   &s->w[i]);
		if (e) {
			atomic_fetch_sub(&s->running, s->nworkers - i);
			tz_log(TZ_LOG_ERROR, "worker thread: %s", strerror(e));
			server_stop(s);
			break;
		}
		s->w[i].started = true;
	}
	for (unsigned i = 0; i < c->nlisten; i++)
		tz_log(TZ_LOG_INFO, "listening on %s", c->listen[i].text);
	tz_log(TZ_LOG_INFO, "ready: %u workers, control %s", s->nworkers,
	       c->control);
	tz_timer_init(&s->watch);
	watch_workers(s);
	tz_loop_run(s->loop);
	for (unsigned i = 0; i < s->nworkers; i++)
		if (s->w[i].started)
			pthread_join(s->w[i].thread, NULL);
	/* the last batch is committed before the process ends */
	tz_registry_free(s->reg);
	s->reg = NULL;
	tz_log(TZ_LOG_INFO, "stopped");
	return 0;
}

void tz_server_free(struct tz_server *s)
{
	struct conf *cf, *older;

	if (!s)
		return;
	control_close(s);
	tz_registry_free(s->reg);
	tz_auth_server_free(s->auth);
	dlg_table_free(s->dlgs);
	for (unsigned i = s->ninit; i-- > 0;)
		worker_fini(&s->w[i]);
	tz_hub_free(s->hub);
	tz_timer_cancel(&s->watch);
	if (s->sigfd >= 0) {
		tz_loop_fd(s->loop, s->sigfd, 0, NULL, NULL);
		close(s->sigfd);
	}
	tz_mbox_free(s->mbox);
	tz_loop_free(s->loop);
	for (cf = atomic_load(&s->conf); cf; cf = older) {
		older = cf->older;
		tz_free(cf);
	}
	pthread_mutex_destroy(&s->snap_lock);
	pthread_cond_destroy(&s->snap_cond);
	tz_free(s->w);
	tz_free(s->snap);
	tz_free(s);
}
