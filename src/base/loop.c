/*
 * loop.c  One worker's event loop on epoll, with the timing wheel and a
 * before-sleep hook (see tz_loop.h).
 */
#include <errno.h>
#include <sys/epoll.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "tz/tz_loop.h"
#include "tz/tz_mem.h"

#define BATCH 64

struct watch {
	tz_loop_fd_h *h;
	void *arg;
	unsigned events;
};

struct tz_loop {
	int epfd;
	int maxfd;
	bool stop;
	struct tz_wheel wheel;
	tz_loop_idle_h *idle;
	void *idle_arg;
	struct watch *w; /* indexed by fd */
};

uint64_t tz_loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int tz_loop_alloc(struct tz_loop **lp, int maxfd)
{
	struct tz_loop *l;
	int err;

	if (maxfd <= 0)
		return -EINVAL;
	l = tz_malloc(sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->w = tz_malloc((size_t)maxfd * sizeof(*l->w));
	if (!l->w) {
		err = -ENOMEM;
		goto out_free_loop;
	}
	memset(l->w, 0, (size_t)maxfd * sizeof(*l->w));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		err = -errno;
		goto out_free_watch;
	}
	l->maxfd = maxfd;
	l->stop = false;
	l->idle = NULL;
	l->idle_arg = NULL;
	tz_wheel_init(&l->wheel, tz_loop_now());
	*lp = l;
	return 0;

out_free_watch:
	tz_free(l->w);
out_free_loop:
	tz_free(l);
	return err;
}

void tz_loop_free(struct tz_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	tz_free(l->w);
	tz_free(l);
}

int tz_loop_fd(struct tz_loop *l, int fd, unsigned events, tz_loop_fd_h *h,
               void *arg)
{
	struct epoll_event ev = {0};
	int op;

	if (fd < 0 || fd >= l->maxfd)
		return -EBADF;
	ev.data.fd = fd;
	ev.events = (events & TZ_LOOP_READ ? EPOLLIN : 0) |
	            (events & TZ_LOOP_WRITE ? EPOLLOUT : 0);
	if (!events)
		op = EPOLL_CTL_DEL;
	else if (l->w[fd].events)
		op = EPOLL_CTL_MOD;
	else
		op = EPOLL_CTL_ADD;
	if (op == EPOLL_CTL_DEL && !l->w[fd].events)
		return 0;
	if (epoll_ctl(l->epfd, op, fd, &ev) < 0)
		return -errno;
	l->w[fd] = (struct watch){events ? h : NULL, arg, events};
	return 0;
}

void tz_loop_set_idle(struct tz_loop *l, tz_loop_idle_h *h, void *arg)
{
	l->idle = h;
	l->idle_arg = arg;
}

struct tz_wheel *tz_loop_wheel(struct tz_loop *l)
{
	return &l->wheel;
}

void tz_loop_stop(struct tz_loop *l)
{
	l->stop = true;
}

int tz_loop_run(struct tz_loop *l)
{
	struct epoll_event ev[BATCH];

	l->stop = false;
	while (!l->stop) {
		uint64_t next;
		int n, i, timeout;

		/* before sleeping: flush what handlers batched */
		if (l->idle)
			l->idle(l->idle_arg);
		if (l->stop)
			break; /* the idle hook may stop the loop too */
		next = tz_wheel_next(&l->wheel);
		timeout = next > 60000 ? 60000 : (int)next;
		n = epoll_wait(l->epfd, ev, BATCH, timeout);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		tz_wheel_advance(&l->wheel, tz_loop_now());
		for (i = 0; i < n && !l->stop; i++) {
			int fd = ev[i].data.fd;
			struct watch *w = &l->w[fd];
			unsigned e =
			        (ev[i].events & EPOLLIN ? TZ_LOOP_READ : 0) |
			        (ev[i].events & EPOLLOUT ? TZ_LOOP_WRITE : 0) |
			        (ev[i].events & (EPOLLERR | EPOLLHUP)
			                 ? TZ_LOOP_ERROR
			                 : 0);
			/* an earlier handler of this batch may have stopped
			 * watching it */
			if (w->h)
				w->h(fd, e, w->arg);
		}
	}
	return 0;
}
