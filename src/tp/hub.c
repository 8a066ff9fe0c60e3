/*
 * hub.c  What the workers' transports share: the registry of open stream
 * connections by peer address (for connection reuse, RFC 3261 18.1.1 and
 * 18.2.2), the per-source and total connection caps, the mailboxes.
 * One mutex; taken on connection open/close/lookup only.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>

#include "tp_int.h"
#include "tz/tz_mem.h"

#define HUB_BUCKETS 4096

struct centry {
	struct centry *next;
	enum tz_tp_proto proto;
	struct sockaddr_storage peer;
	uint64_t id;
};

struct ipcount {
	struct ipcount *next;
	struct sockaddr_storage ip; /* port zeroed */
	unsigned n;
};

int tz_hub_alloc(struct tz_hub **hp, unsigned nworkers,
                 const struct tz_tp_limits *lim)
{
	struct tz_hub *h = tz_malloc(sizeof(*h));

	if (!h)
		return -ENOMEM;
	memset(h, 0, sizeof(*h));
	h->w = tz_malloc(nworkers * sizeof(*h->w));
	h->ctab = tz_malloc(HUB_BUCKETS * sizeof(*h->ctab));
	h->itab = tz_malloc(HUB_BUCKETS * sizeof(*h->itab));
	if (!h->w || !h->ctab || !h->itab) {
		tz_free(h->w);
		tz_free(h->ctab);
		tz_free(h->itab);
		tz_free(h);
		return -ENOMEM;
	}
	memset(h->w, 0, nworkers * sizeof(*h->w));
	memset(h->ctab, 0, HUB_BUCKETS * sizeof(*h->ctab));
	memset(h->itab, 0, HUB_BUCKETS * sizeof(*h->itab));
	h->n = nworkers;
	h->lim = *lim;
	atomic_init(&h->lim_gen, 1);
	pthread_mutex_init(&h->lock, NULL);
	*hp = h;
	return 0;
}

void tz_hub_free(struct tz_hub *h)
{
	if (!h)
		return;
	for (unsigned i = 0; i < HUB_BUCKETS; i++) {
		struct centry *c, *cn;
		struct ipcount *p, *pn;

		for (c = h->ctab[i]; c; c = cn) {
			cn = c->next;
			tz_free(c);
		}
		for (p = h->itab[i]; p; p = pn) {
			pn = p->next;
			tz_free(p);
		}
	}
	pthread_mutex_destroy(&h->lock);
	tz_free(h->w);
	tz_free(h->ctab);
	tz_free(h->itab);
	tz_free(h);
}

void tz_hub_set_limits(struct tz_hub *h, const struct tz_tp_limits *lim)
{
	pthread_mutex_lock(&h->lock);
	h->lim = *lim;
	atomic_fetch_add(&h->lim_gen, 1);
	pthread_mutex_unlock(&h->lock);
}

const struct tz_tp_limits *tp_limits(struct tz_transport *t)
{
	/* the worker's copy; the lock only when a reload changed them */
	unsigned gen =
	        atomic_load_explicit(&t->hub->lim_gen, memory_order_acquire);

	if (gen != t->lim_gen) {
		pthread_mutex_lock(&t->hub->lock);
		t->lim = t->hub->lim;
		t->lim_gen = atomic_load(&t->hub->lim_gen);
		pthread_mutex_unlock(&t->hub->lock);
	}
	return &t->lim;
}

unsigned tz_hub_connections(struct tz_hub *h)
{
	unsigned n;

	pthread_mutex_lock(&h->lock);
	n = h->nconn;
	pthread_mutex_unlock(&h->lock);
	return n;
}

void hub_register(struct tz_hub *h, unsigned index, struct tz_transport *t)
{
	pthread_mutex_lock(&h->lock);
	h->w[index] = t;
	pthread_mutex_unlock(&h->lock);
}

int tz_hub_post2(struct tz_hub *h, unsigned index, tz_mbox_h *fn, void *arg,
                 const void *a, size_t alen, const void *b, size_t blen)
{
	struct tz_transport *t;
	int err = -ESRCH;

	if (index >= h->n)
		return -ESRCH;
	/* the lock keeps the worker's transport (and mailbox) alive while
	 * posting; a worker unregisters under it before freeing */
	pthread_mutex_lock(&h->lock);
	t = h->w[index];
	if (t)
		err = tz_mbox_post2(t->mbox, fn, arg, a, alen, b, blen);
	pthread_mutex_unlock(&h->lock);
	return err;
}

int tz_hub_post(struct tz_hub *h, unsigned index, tz_mbox_h *fn, void *arg,
                const void *data, size_t len)
{
	return tz_hub_post2(h, index, fn, arg, data, len, NULL, 0);
}

/* A message handed to another worker: received there, or sent there. */
struct msg_post {
	struct tz_tp_dest dest;
	size_t len;
	unsigned flags;
	bool send;
	max_align_t buf[]; /* the bytes follow */
};

static void msg_run(void *data, void *arg)
{
	const struct msg_post *mp = data;
	struct tz_transport *t = arg;
	const char *buf = (const char *)mp->buf;

	if (mp->send)
		tz_transport_send(t, buf, mp->len, &mp->dest);
	else
		t->rx(buf, mp->len, mp->flags | TZ_RX_FORWARDED, &mp->dest,
		      t->arg);
}

int hub_post_msg(struct tz_hub *h, unsigned index, bool send, unsigned flags,
                 const struct tz_tp_dest *d, const char *buf, size_t len)
{
	struct msg_post mp;
	struct tz_transport *t;
	int err = -ESRCH;

	if (index >= h->n)
		return -ESRCH;
	memset(&mp, 0, sizeof(mp));
	mp.dest = *d;
	mp.len = len;
	mp.flags = flags;
	mp.send = send;
	pthread_mutex_lock(&h->lock);
	t = h->w[index];
	if (t)
		err = tz_mbox_post2(t->mbox, msg_run, t, &mp, sizeof(mp), buf,
		                    len);
	pthread_mutex_unlock(&h->lock);
	return err;
}

int tz_hub_rx_on(struct tz_hub *h, unsigned index, const char *buf, size_t len,
                 unsigned flags, const struct tz_tp_dest *src)
{
	return hub_post_msg(h, index, false, flags, src, buf, len);
}

unsigned tz_conn_owner(uint64_t conn)
{
	return (unsigned)(conn >> CONN_SHIFT) - 1;
}

static struct ipcount **ip_slot(struct tz_hub *h, const struct sockaddr *ip)
{
	struct ipcount **pp = &h->itab[tz_sa_hash(ip, false) % HUB_BUCKETS];
	struct sockaddr_storage key;

	memcpy(&key, ip, sizeof(key));
	tz_sa_set_port(&key, 0);
	for (; *pp; pp = &(*pp)->next) {
		if (tz_sa_equal((struct sockaddr *)&(*pp)->ip,
		                (struct sockaddr *)&key))
			break;
	}
	return pp;
}

int hub_conn_add(struct tz_hub *h, const struct conn *c)
{
	const struct sockaddr *peer = (const struct sockaddr *)&c->peer;
	struct centry *e = tz_malloc(sizeof(*e));
	struct ipcount **ipp, *ipc = NULL;
	int err = 0;

	if (!e)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	e->proto = c->proto;
	memcpy(&e->peer, &c->peer, c->plen);
	e->id = c->id;
	pthread_mutex_lock(&h->lock);
	if (h->nconn >= h->lim.tcp_max) {
		err = -EMFILE;
		goto out;
	}
	if (c->inbound) {
		ipp = ip_slot(h, peer);
		if (*ipp && (*ipp)->n >= h->lim.tcp_per_src) {
			err = -EUSERS;
			goto out;
		}
		if (!*ipp) {
			ipc = tz_malloc(sizeof(*ipc));
			if (!ipc) {
				err = -ENOMEM;
				goto out;
			}
			memset(ipc, 0, sizeof(*ipc));
			memcpy(&ipc->ip, &c->peer, c->plen);
			tz_sa_set_port(&ipc->ip, 0);
			*ipp = ipc;
		}
		(*ipp)->n++;
	}
	{
		struct centry **bp =
		        &h->ctab[tz_sa_hash(peer, true) % HUB_BUCKETS];

		e->next = *bp;
		*bp = e;
		e = NULL;
	}
	h->nconn++;
out:
	pthread_mutex_unlock(&h->lock);
	tz_free(e);
	return err;
}

void hub_conn_del(struct tz_hub *h, const struct conn *c)
{
	const struct sockaddr *peer = (const struct sockaddr *)&c->peer;
	struct centry **pp, *e = NULL;
	struct ipcount **ipp, *ipc = NULL;

	pthread_mutex_lock(&h->lock);
	for (pp = &h->ctab[tz_sa_hash(peer, true) % HUB_BUCKETS]; *pp;
	     pp = &(*pp)->next) {
		if ((*pp)->id == c->id) {
			e = *pp;
			*pp = e->next;
			h->nconn--;
			break;
		}
	}
	if (e && c->inbound) {
		ipp = ip_slot(h, peer);
		if (*ipp && --(*ipp)->n == 0) {
			ipc = *ipp;
			*ipp = ipc->next;
		}
	}
	pthread_mutex_unlock(&h->lock);
	tz_free(e);
	tz_free(ipc);
}

uint64_t hub_conn_find(struct tz_hub *h, enum tz_tp_proto proto,
                       const struct sockaddr *peer, socklen_t plen)
{
	struct centry *e;
	uint64_t id = 0;

	(void)plen;
	pthread_mutex_lock(&h->lock);
	for (e = h->ctab[tz_sa_hash(peer, true) % HUB_BUCKETS]; e;
	     e = e->next) {
		if (e->proto == proto &&
		    tz_sa_equal((struct sockaddr *)&e->peer, peer)) {
			id = e->id;
			break;
		}
	}
	pthread_mutex_unlock(&h->lock);
	return id;
}
