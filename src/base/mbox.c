/*
 * mbox.c  Cross-thread work queue into one loop: a mutex-protected FIFO
 * and an eventfd that wakes the owner (see tz_mbox.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tz/tz_loop.h"
#include "tz/tz_mbox.h"
#include "tz/tz_mem.h"

struct item {
	struct item *next;
	tz_mbox_h *h;
	void *arg;
	size_t len;
	max_align_t data[]; /* aligned payload */
};

struct tz_mbox {
	pthread_mutex_t lock;
	struct item *head, **tail;
	size_t pending;
	bool hold;  /* lazy posts do not wake the owner */
	bool woken; /* a wake-up is on its way (the eventfd written) */
	int efd;
	struct tz_loop *loop;
};

void tz_mbox_run(struct tz_mbox *m)
{
	struct item *it, *next;

	/* take the whole queue at once: posts made while it runs wake the
	 * loop again through the eventfd */
	pthread_mutex_lock(&m->lock);
	it = m->head;
	m->head = NULL;
	m->tail = &m->head;
	m->pending = 0;
	m->woken = false;
	pthread_mutex_unlock(&m->lock);
	for (; it; it = next) {
		next = it->next;
		it->h(it->data, it->arg);
		tz_free(it);
	}
}

static void drain(int fd, unsigned events, void *arg)
{
	uint64_t v;

	(void)events;
	(void)!read(fd, &v, sizeof(v));
	tz_mbox_run(arg);
}

void tz_mbox_hold(struct tz_mbox *m, bool on)
{
	pthread_mutex_lock(&m->lock);
	m->hold = on;
	pthread_mutex_unlock(&m->lock);
}

int tz_mbox_alloc(struct tz_mbox **mp, struct tz_loop *loop)
{
	struct tz_mbox *m = tz_malloc(sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	memset(m, 0, sizeof(*m));
	m->tail = &m->head;
	m->loop = loop;
	m->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (m->efd < 0) {
		err = -errno;
		tz_free(m);
		return err;
	}
	err = tz_loop_fd(loop, m->efd, TZ_LOOP_READ, drain, m);
	if (err) {
		close(m->efd);
		tz_free(m);
		return err;
	}
	pthread_mutex_init(&m->lock, NULL);
	*mp = m;
	return 0;
}

void tz_mbox_free(struct tz_mbox *m)
{
	struct item *it, *next;

	if (!m)
		return;
	tz_loop_fd(m->loop, m->efd, 0, NULL, NULL);
	close(m->efd);
	for (it = m->head; it; it = next) {
		next = it->next;
		tz_free(it);
	}
	pthread_mutex_destroy(&m->lock);
	tz_free(m);
}

int tz_mbox_post(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *data,
                 size_t len)
{
	return tz_mbox_post2(m, h, arg, data, len, NULL, 0);
}

static int post(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *a,
                size_t alen, const void *b, size_t blen, bool lazy)
{
	struct item *it = tz_malloc(sizeof(*it) + alen + blen);
	uint64_t one = 1;
	bool wake;

	if (!it)
		return -ENOMEM;
	it->next = NULL;
	it->h = h;
	it->arg = arg;
	it->len = alen + blen;
	if (alen)
		memcpy(it->data, a, alen);
	if (blen)
		memcpy((char *)it->data + alen, b, blen);
	pthread_mutex_lock(&m->lock);
	/* one wake-up per taking of the queue; none for a post that may
	 * wait for the owner's own timer */
	wake = !m->woken && !(lazy && m->hold);
	if (wake)
		m->woken = true;
	*m->tail = it;
	m->tail = &it->next;
	m->pending++;
	pthread_mutex_unlock(&m->lock);
	if (wake)
		(void)!write(m->efd, &one, sizeof(one));
	return 0;
}

int tz_mbox_post2(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *a,
                  size_t alen, const void *b, size_t blen)
{
	return post(m, h, arg, a, alen, b, blen, false);
}

int tz_mbox_post_lazy(struct tz_mbox *m, tz_mbox_h *h, void *arg, const void *a,
                      size_t alen, const void *b, size_t blen)
{
	return post(m, h, arg, a, alen, b, blen, true);
}

size_t tz_mbox_pending(struct tz_mbox *m)
{
	size_t n;

	pthread_mutex_lock(&m->lock);
	n = m->pending;
	pthread_mutex_unlock(&m->lock);
	return n;
}
