/*
 * transport.c  One worker's transports: creation, listen and send
 * dispatch by protocol, socket address helpers (see tz_transport.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "tp_int.h"
#include "tz/tz_loop.h"
#include "tz/tz_mem.h"

int tp_socket(int family, int type)
{
	int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static void idle_flush(void *arg)
{
	tz_transport_flush(arg);
}

int tz_transport_alloc(struct tz_transport **tp, struct tz_hub *hub,
                       unsigned index, struct tz_loop *loop, tz_rx_h *rx,
                       void *arg)
{
	struct tz_transport *t;
	int err;

	if (index >= hub->n)
		return -EINVAL;
	t = tz_malloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	memset(t, 0, sizeof(*t));
	t->hub = hub;
	t->index = index;
	t->loop = loop;
	t->rx = rx;
	t->arg = arg;
	t->accepting = true;
	t->rxbuf = tz_malloc((size_t)RX_BATCH * 65536);
	t->txbuf = tz_malloc(TX_BYTES);
	if (!t->rxbuf || !t->txbuf) {
		err = -ENOMEM;
		goto fail;
	}
	udp_rx_init(t);
	err = tz_mbox_alloc(&t->mbox, loop);
	if (err)
		goto fail;
	tz_loop_set_idle(loop, idle_flush, t);
	hub_register(hub, index, t);
	*tp = t;
	return 0;
fail:
	tz_free(t->rxbuf);
	tz_free(t->txbuf);
	tz_free(t);
	return err;
}

void tz_transport_free(struct tz_transport *t)
{
	if (!t)
		return;
	tz_transport_flush(t);
	hub_register(t->hub, t->index, NULL);
	tz_loop_set_idle(t->loop, NULL, NULL);
	tcp_close_all(t);
	udp_close_all(t);
	tz_mbox_free(t->mbox);
	tz_free(t->rxbuf);
	tz_free(t->txbuf);
	tz_free(t);
}

int tz_transport_listen(struct tz_transport *t, enum tz_tp_proto proto,
                        const struct sockaddr *addr, socklen_t addrlen)
{
	int err;

	switch (proto) {
	case TZ_TP_UDP:
		err = udp_listen(t, addr, addrlen, false);
		if (err)
			return err;
		memcpy(&t->bound, &t->udp[t->nudp - 1].local,
		       t->udp[t->nudp - 1].llen);
		t->boundlen = t->udp[t->nudp - 1].llen;
		/* RFC3261 18.2.2, RFC3581 4: the worker's own port, named in
		 * the Via of requests it sends, brings their responses back
		 * to it */
		return t->single ? 0 : udp_listen(t, addr, addrlen, true);
	case TZ_TP_TCP:
		err = tcp_listen(t, addr, addrlen);
		if (err)
			return err;
		memcpy(&t->bound, &t->tcpl[t->ntcpl - 1].local,
		       t->tcpl[t->ntcpl - 1].llen);
		t->boundlen = t->tcpl[t->ntcpl - 1].llen;
		return 0;
	default:
		return -EPROTONOSUPPORT;
	}
}

void tz_transport_bound(const struct tz_transport *t,
                        struct sockaddr_storage *out, socklen_t *outlen)
{
	memcpy(out, &t->bound, t->boundlen);
	*outlen = t->boundlen;
}

void tz_transport_stop_accepting(struct tz_transport *t)
{
	tcp_stop_accepting(t);
}

int tz_transport_send(struct tz_transport *t, const char *buf, size_t len,
                      const struct tz_tp_dest *dst)
{
	int err;

	switch (dst->tp) {
	case TZ_TP_UDP:
		err = udp_send(t, buf, len, dst);
		break;
	case TZ_TP_TCP:
		err = tcp_send(t, buf, len, dst);
		break;
	default:
		err = -EPROTONOSUPPORT;
		break;
	}
	if (err)
		t->st.tx_errors++;
	return err;
}

int tz_transport_local(struct tz_transport *t, const struct tz_tp_dest *dst,
                       struct sockaddr_storage *out, socklen_t *outlen)
{
	int family = dst->addr.ss_family;

	if (dst->tp == TZ_TP_UDP) {
		int any = -1;

		/* the socket pick_socket() sends from: the private one, else
		 * the first listen socket of the family */
		for (unsigned i = 0; i < t->nudp; i++) {
			if (t->udp[i].local.ss_family != family)
				continue;
			if (t->udp[i].private) {
				any = (int)i;
				break;
			}
			if (any < 0)
				any = (int)i;
		}
		if (any >= 0) {
			memcpy(out, &t->udp[any].local, t->udp[any].llen);
			*outlen = t->udp[any].llen;
			return 0;
		}
	} else if (dst->tp == TZ_TP_TCP) {
		for (unsigned i = 0; i < t->ntcpl; i++) {
			if (t->tcpl[i].local.ss_family == family) {
				memcpy(out, &t->tcpl[i].local, t->tcpl[i].llen);
				*outlen = t->tcpl[i].llen;
				return 0;
			}
		}
	}
	return -EAFNOSUPPORT;
}

void tz_transport_single_port(struct tz_transport *t)
{
	t->single = true;
}

void tz_transport_set_error(struct tz_transport *t, tz_tp_err_h *h, void *arg)
{
	t->err_h = h;
	t->err_arg = arg;
}

const struct tz_tp_stats *tz_transport_stats(const struct tz_transport *t)
{
	return &t->st;
}
