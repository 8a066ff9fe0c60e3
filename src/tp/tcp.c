/*
 * tcp.c  TCP transport (RFC 3261 18): SO_REUSEPORT listen sockets,
 * connections owned by the worker that accepted or opened them,
 * incremental stream framing (18.3), write queues, idle and slow-sender
 * timeouts, per-source caps, and hand-off of sends to the owning worker.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tp_int.h"
#include "tz/tz_log.h"
#include "tz/tz_loop.h"
#include "tz/tz_mem.h"

#define READ_CHUNK   16384
#define ACCEPT_BATCH 64
#define LINGER_MS    2000 /* after a reply that ends a stream */

static void conn_event(int fd, unsigned events, void *arg);
static void conn_free(struct conn *c);

static struct conn **conn_slot(struct tz_transport *t, uint64_t id)
{
	struct conn **pp = &t->conns[id % CONN_BUCKETS];

	while (*pp && (*pp)->id != id)
		pp = &(*pp)->next;
	return pp;
}

static void conn_close(struct conn *c, const char *why)
{
	char peer[TZ_SA_STRLEN];

	if (tz_log_on(TZ_LOG_DEBUG))
		tz_log(TZ_LOG_DEBUG, "tcp %s closed: %s",
		       tz_sa_print(&c->peer, true, peer, sizeof(peer)), why);
	if (c->busy) {
		c->dead = true;
		return;
	}
	conn_free(c);
}

static void conn_free(struct conn *c)
{
	struct tz_transport *t = c->t;
	struct conn **pp = conn_slot(t, c->id);
	struct wchunk *w, *wn;

	if (*pp == c)
		*pp = c->next;
	hub_conn_del(t->hub, c);
	tz_timer_cancel(&c->idle);
	tz_timer_cancel(&c->slow);
	tz_loop_fd(t->loop, c->fd, 0, NULL, NULL);
	close(c->fd);
	for (w = c->wq; w; w = wn) {
		wn = w->next;
		tz_free(w);
	}
	tz_free(c->rbuf);
	tz_free(c);
}

struct tp_err {
	struct tz_tp_dest dst;
	int err;
};

static void err_run(void *data, void *arg)
{
	const struct tp_err *e = data;
	struct tz_transport *t = arg;

	if (t->err_h)
		t->err_h(&e->dst, e->err, t->err_arg);
}

/* A failed connection: closed, and the user told from the loop (never
 * from inside a send, which may be the transaction layer's). */
static void conn_fail(struct conn *c, int err)
{
	struct tp_err e;

	memset(&e, 0, sizeof(e));
	memcpy(&e.dst.addr, &c->peer, c->plen);
	e.dst.addrlen = c->plen;
	e.dst.tp = c->proto;
	e.dst.reliable = true;
	e.dst.conn = c->id;
	e.err = err;
	if (c->t->err_h)
		tz_mbox_post(c->t->mbox, err_run, c->t, &e, sizeof(e));
	conn_close(c, strerror(-err));
}

static void idle_expired(void *arg)
{
	struct conn *c = arg;

	c->t->st.tcp_timeouts++;
	conn_close(c, "idle timeout");
}

static void slow_expired(void *arg)
{
	struct conn *c = arg;

	c->t->st.tcp_timeouts++;
	tz_log(TZ_LOG_INFO, "tcp: slow sender, message incomplete in time");
	conn_close(c, "slow sender");
}

static void touch(struct conn *c)
{
	tz_timer_start(tz_loop_wheel(c->t->loop), &c->idle,
	               tp_limits(c->t)->tcp_idle, idle_expired, c);
}

static struct conn *conn_new(struct tz_transport *t, int fd,
                             const struct sockaddr *peer, socklen_t plen,
                             bool inbound)
{
	struct conn *c = tz_malloc(sizeof(*c));
	int err;

	if (!c)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->fd = fd;
	c->proto = TZ_TP_TCP;
	c->id = ((uint64_t)(t->index + 1) << CONN_SHIFT) | ++t->serial;
	memcpy(&c->peer, peer, plen);
	c->plen = plen;
	c->inbound = inbound;
	c->wtail = &c->wq;
	tz_timer_init(&c->idle);
	tz_timer_init(&c->slow);
	err = hub_conn_add(t->hub, c);
	if (err) {
		if (err == -EMFILE || err == -EUSERS)
			t->st.tcp_refused++;
		tz_log(TZ_LOG_WARN, "tcp: connection refused: %s",
		       err == -EUSERS   ? "too many from this source"
		       : err == -EMFILE ? "too many connections"
		                        : strerror(-err));
		tz_free(c);
		return NULL;
	}
	if (tz_loop_fd(t->loop, fd, TZ_LOOP_READ, conn_event, c)) {
		hub_conn_del(t->hub, c);
		tz_free(c);
		return NULL;
	}
	c->next = t->conns[c->id % CONN_BUCKETS];
	t->conns[c->id % CONN_BUCKETS] = c;
	touch(c);
	return c;
}

static void accept_ready(int lfd, unsigned events, void *arg)
{
	struct tz_transport *t = arg;

	(void)events;
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		int one = 1;
		int fd = accept4(lfd, (struct sockaddr *)&peer, &plen,
		                 SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (!conn_new(t, fd, (struct sockaddr *)&peer, plen, true)) {
			/* a reset tells the peer at once */
			struct linger lg = {1, 0};

			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
			close(fd);
			continue;
		}
		t->st.tcp_accepted++;
	}
}

int tcp_listen(struct tz_transport *t, const struct sockaddr *addr,
               socklen_t addrlen)
{
	struct tcp_listen *l;
	int fd, one = 1, err;

	if (t->ntcpl >= MAX_TCPL)
		return -ENOSPC;
	fd = tp_socket(addr->sa_family, SOCK_STREAM);
	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (addr->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, addr, addrlen) < 0 || listen(fd, 1024) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	err = tz_loop_fd(t->loop, fd, TZ_LOOP_READ, accept_ready, t);
	if (err) {
		close(fd);
		return err;
	}
	l = &t->tcpl[t->ntcpl++];
	l->fd = fd;
	l->llen = sizeof(l->local);
	getsockname(fd, (struct sockaddr *)&l->local, &l->llen);
	return 0;
}

void tcp_stop_accepting(struct tz_transport *t)
{
	if (!t->accepting)
		return;
	t->accepting = false;
	for (unsigned i = 0; i < t->ntcpl; i++) {
		tz_loop_fd(t->loop, t->tcpl[i].fd, 0, NULL, NULL);
		close(t->tcpl[i].fd);
		t->tcpl[i].fd = -1;
	}
}

void tcp_close_all(struct tz_transport *t)
{
	tcp_stop_accepting(t);
	for (unsigned b = 0; b < CONN_BUCKETS; b++) {
		while (t->conns[b]) {
			t->conns[b]->busy = false;
			conn_free(t->conns[b]);
		}
	}
}

static void want_write(struct conn *c, bool on)
{
	tz_loop_fd(c->t->loop, c->fd, TZ_LOOP_READ | (on ? TZ_LOOP_WRITE : 0),
	           conn_event, c);
}

/* Write what the queue holds; false when the connection failed. */
static bool flush_queue(struct conn *c)
{
	while (c->wq) {
		struct wchunk *w = c->wq;
		ssize_t n = send(c->fd, w->data + w->off, w->len - w->off,
		                 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				want_write(c, true);
				return true;
			}
			conn_fail(c, -errno);
			return false;
		}
		w->off += (size_t)n;
		c->wbytes -= (size_t)n;
		if (w->off < w->len) {
			want_write(c, true);
			return true;
		}
		c->wq = w->next;
		if (!c->wq)
			c->wtail = &c->wq;
		tz_free(w);
	}
	want_write(c, false);
	if (c->closing && !c->shut) {
		/* the reply is out: end our side, then read and discard what
		 * the peer still sends until it closes (closing with unread
		 * data would reset the connection and lose the reply), for at
		 * most LINGER_MS */
		shutdown(c->fd, SHUT_WR);
		c->shut = true;
		tz_timer_start(tz_loop_wheel(c->t->loop), &c->idle, LINGER_MS,
		               idle_expired, c);
	}
	return true;
}

static int conn_write(struct conn *c, const char *buf, size_t len)
{
	struct wchunk *w;
	size_t off = 0;

	if (c->dead)
		return -ENOTCONN;
	if (!c->wq && !c->connecting) {
		ssize_t n = send(c->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			int err = -errno;

			conn_fail(c, err);
			return err;
		}
		off = n > 0 ? (size_t)n : 0;
		if (off == len) {
			touch(c);
			return 0;
		}
	}
	if (c->wbytes + (len - off) > WQ_MAX) {
		conn_close(c, "write queue full (peer not reading)");
		return -ENOBUFS;
	}
	w = tz_malloc(sizeof(*w) + len - off);
	if (!w)
		return -ENOMEM;
	w->next = NULL;
	w->len = len - off;
	w->off = 0;
	memcpy(w->data, buf + off, len - off);
	*c->wtail = w;
	c->wtail = &w->next;
	c->wbytes += w->len;
	if (!c->connecting)
		want_write(c, true);
	return 0;
}

/* RFC5626 3.5.1: a CRLFCRLF ping between messages gets a CRLF pong */
static void keepalive(struct conn *c, size_t skip)
{
	c->crlfs += (unsigned)(skip / 2);
	while (c->crlfs >= 2) {
		c->crlfs -= 2;
		if (conn_write(c, "\r\n", 2) != 0)
			return;
	}
}

/* Deliver every complete message in the read buffer. */
static void deliver(struct conn *c)
{
	const struct tz_tp_limits *lim = tp_limits(c->t);
	struct tz_msg_limits ml = {0};
	struct tz_tp_dest src;
	size_t pos = 0;

	ml.max_msg = lim->max_message;
	memset(&src, 0, sizeof(src));
	memcpy(&src.addr, &c->peer, c->plen);
	src.addrlen = c->plen;
	src.tp = c->proto;
	src.reliable = true;
	src.conn = c->id;
	c->busy = true;
	while (!c->dead && !c->closing && pos < c->rlen) {
		int r = tz_frame_stream(c->rbuf + pos, c->rlen - pos, &ml,
		                        &c->fr);

		if (r == -EAGAIN) {
			keepalive(c, c->fr.skip);
			pos += c->fr.skip;
			c->fr.hint = c->fr.hint > c->fr.skip
			                     ? c->fr.hint - c->fr.skip
			                     : 0;
			break;
		}
		if (r < 0) {
			/* RFC3261 18.3: a stream that cannot be framed cannot
			 * be resynchronised; answer if possible, then close */
			unsigned fl =
			        r == -EOVERFLOW ? TZ_RX_TOOBIG : TZ_RX_BROKEN;

			c->t->st.tcp_bad_frame++;
			c->t->st.rx_msgs++;
			c->closing = true;
			c->t->rx(c->rbuf + pos + c->fr.skip,
			         c->rlen - pos - c->fr.skip, fl, &src,
			         c->t->arg);
			pos = c->rlen;
			break;
		}
		keepalive(c, c->fr.skip);
		c->crlfs = 0;
		c->t->st.rx_msgs++;
		c->t->rx(c->rbuf + pos + c->fr.skip, c->fr.len, 0, &src,
		         c->t->arg);
		pos += c->fr.skip + c->fr.len;
		memset(&c->fr, 0, sizeof(c->fr));
	}
	c->busy = false;
	if (c->dead) {
		conn_free(c);
		return;
	}
	if (pos) {
		memmove(c->rbuf, c->rbuf + pos, c->rlen - pos);
		c->rlen -= pos;
	}
	/* a message has started and must finish within tcp-slow-timeout */
	if (!c->rlen)
		tz_timer_cancel(&c->slow);
	else if (!tz_timer_active(&c->slow))
		tz_timer_start(tz_loop_wheel(c->t->loop), &c->slow,
		               lim->tcp_slow, slow_expired, c);
	if (c->closing && !c->wq)
		flush_queue(c);
}

static void conn_readable(struct conn *c)
{
	ssize_t n;

	if (c->closing) {
		/* discard what a closing peer still sends */
		char sink[4096];

		n = recv(c->fd, sink, sizeof(sink), 0);
		if (n <= 0)
			conn_close(c, n ? strerror(errno) : "peer closed");
		return;
	}
	if (c->rcap - c->rlen < READ_CHUNK) {
		size_t cap = c->rcap ? c->rcap * 2 : 2 * READ_CHUNK;
		char *p = tz_realloc(c->rbuf, cap);

		if (!p) {
			conn_close(c, "out of memory");
			return;
		}
		c->rbuf = p;
		c->rcap = cap;
	}
	n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
	if (n == 0) {
		conn_close(c, "peer closed");
		return;
	}
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_fail(c, -errno); /* e.g. a reset */
		return;
	}
	c->rlen += (size_t)n;
	touch(c);
	deliver(c);
}

static void conn_event(int fd, unsigned events, void *arg)
{
	struct conn *c = arg;
	int err = 0;
	socklen_t elen = sizeof(err);

	(void)fd;
	if (c->connecting) {
		if (!(events & (TZ_LOOP_WRITE | TZ_LOOP_ERROR)))
			return;
		getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen);
		if (err) {
			c->t->st.tx_errors++;
			tz_log(TZ_LOG_INFO, "tcp connect failed: %s",
			       strerror(err));
			conn_fail(c, -err);
			return;
		}
		c->connecting = false;
		if (!flush_queue(c))
			return;
	} else if (events & TZ_LOOP_WRITE) {
		if (!flush_queue(c))
			return;
	}
	if (events & (TZ_LOOP_READ | TZ_LOOP_ERROR))
		conn_readable(c);
}

static struct conn *conn_connect(struct tz_transport *t,
                                 const struct tz_tp_dest *dst, int *errp)
{
	struct conn *c;
	int one = 1;
	int fd = tp_socket(dst->addr.ss_family, SOCK_STREAM);

	if (fd < 0) {
		*errp = fd;
		return NULL;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&dst->addr, dst->addrlen) <
	            0 &&
	    errno != EINPROGRESS) {
		*errp = -errno;
		close(fd);
		return NULL;
	}
	c = conn_new(t, fd, (const struct sockaddr *)&dst->addr, dst->addrlen,
	             false);
	if (!c) {
		*errp = -EMFILE;
		close(fd);
		return NULL;
	}
	c->connecting = true;
	want_write(c, true);
	return c;
}

/* A send on another worker's connection goes to that worker; there, the
 * connection may have closed meanwhile, and the usual fallback (by
 * address, or a new connection) applies. */
static int post_to_owner(struct tz_transport *t, unsigned owner,
                         const char *buf, size_t len,
                         const struct tz_tp_dest *dst, uint64_t conn)
{
	struct tz_tp_dest d = *dst;

	d.conn = conn;
	return hub_post_msg(t->hub, owner, true, 0, &d, buf, len);
}

int tcp_send(struct tz_transport *t, const char *buf, size_t len,
             const struct tz_tp_dest *dst)
{
	struct conn *c = NULL;
	uint64_t id = dst->conn;
	int err = 0;

	if (id) {
		unsigned owner = tz_conn_owner(id);

		if (owner != t->index && owner < t->hub->n)
			return post_to_owner(t, owner, buf, len, dst, id);
		c = *conn_slot(t, id);
	}
	if (!c || c->dead || c->shut) {
		/* RFC3261 18.2.2: the connection is gone: use another one to
		 * the address, or open one */
		id = hub_conn_find(t->hub, dst->tp,
		                   (const struct sockaddr *)&dst->addr,
		                   dst->addrlen);
		if (id && tz_conn_owner(id) != t->index)
			return post_to_owner(t, tz_conn_owner(id), buf, len,
			                     dst, id);
		c = id ? *conn_slot(t, id) : NULL;
		if (!c || c->dead || c->closing)
			c = conn_connect(t, dst, &err);
		if (!c)
			return err;
	}
	err = conn_write(c, buf, len);
	if (!err)
		t->st.tx_msgs++;
	return err;
}
