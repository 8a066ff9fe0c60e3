/*
 * udp.c  UDP transport (RFC 3261 18): SO_REUSEPORT listen sockets shared
 * by the workers, a private port per worker, batched receive with
 * recvmmsg and batched send with sendmmsg flushed before the loop sleeps.
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tp_int.h"
#include "tz/tz_log.h"
#include "tz/tz_loop.h"

#define SLOT      65536
#define RX_ROUNDS 8 /* recvmmsg calls per readiness event, for fairness */

static void udp_readable(int fd, unsigned events, void *arg);

static unsigned sock_index(struct tz_transport *t, int fd)
{
	for (unsigned i = 0; i < t->nudp; i++)
		if (t->udp[i].fd == fd)
			return i;
	return 0;
}

/*
 * A port no socket holds now, for a shared listen address of port 0.
 * With SO_REUSEADDR or SO_REUSEPORT set, the kernel's own choice may be
 * a port that another socket of this user already holds with them (a
 * phone was given its server's port, and half of the server's datagrams
 * went to the phone); a socket without either never gets one.
 */
static int free_port(struct sockaddr_storage *a, socklen_t len)
{
	struct sockaddr_storage b;
	socklen_t blen = sizeof(b);
	int fd = tp_socket(a->ss_family, SOCK_DGRAM), one = 1, err = 0;

	if (fd < 0)
		return fd;
	if (a->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)a, len) < 0 ||
	    getsockname(fd, (struct sockaddr *)&b, &blen) < 0)
		err = -errno;
	else
		tz_sa_set_port(a, tz_sa_port(&b));
	close(fd);
	return err;
}

int udp_listen(struct tz_transport *t, const struct sockaddr *addr,
               socklen_t addrlen, bool private)
{
	struct udp_sock *u;
	struct sockaddr_storage a;
	int fd, one = 1, err;
	int buf = 4 << 20;

	if (t->nudp >= MAX_UDP)
		return -ENOSPC;
	fd = tp_socket(addr->sa_family, SOCK_DGRAM);
	if (fd < 0)
		return fd;
	memcpy(&a, addr, addrlen);
	if (private) {
		if (a.ss_family == AF_INET)
			((struct sockaddr_in *)&a)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&a)->sin6_port = 0;
	} else {
		if (tz_sa_port(&a) == 0 && (err = free_port(&a, addrlen))) {
			close(fd);
			return err;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	}
	if (a.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (bind(fd, (struct sockaddr *)&a, addrlen) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	u = &t->udp[t->nudp];
	u->fd = fd;
	u->private = private;
	u->llen = sizeof(u->local);
	getsockname(fd, (struct sockaddr *)&u->local, &u->llen);
	err = tz_loop_fd(t->loop, fd, TZ_LOOP_READ, udp_readable, t);
	if (err) {
		close(fd);
		return err;
	}
	t->nudp++;
	return 0;
}

void udp_close_all(struct tz_transport *t)
{
	for (unsigned i = 0; i < t->nudp; i++) {
		tz_loop_fd(t->loop, t->udp[i].fd, 0, NULL, NULL);
		close(t->udp[i].fd);
	}
	t->nudp = 0;
}

void udp_rx_init(struct tz_transport *t)
{
	memset(t->rxmm, 0, sizeof(t->rxmm));
	for (int i = 0; i < RX_BATCH; i++) {
		t->rxiov[i].iov_base = t->rxbuf + (size_t)i * SLOT;
		t->rxiov[i].iov_len = SLOT;
		t->rxmm[i].msg_hdr.msg_iov = &t->rxiov[i];
		t->rxmm[i].msg_hdr.msg_iovlen = 1;
		t->rxmm[i].msg_hdr.msg_name = &t->rxfrom[i];
		t->rxmm[i].msg_hdr.msg_namelen = sizeof(t->rxfrom[i]);
	}
}

static void udp_readable(int fd, unsigned events, void *arg)
{
	struct tz_transport *t = arg;
	struct tz_tp_dest src;
	unsigned idx = sock_index(t, fd);
	int n;

	(void)events;
	for (int round = 0; round < RX_ROUNDS; round++) {
		/* the headers of t->rxmm are ready (udp_rx_init): at one
		 * datagram per wake-up, setting up all RX_BATCH of them
		 * again cost more than the rest of the receive */
		n = recvmmsg(fd, t->rxmm, RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return; /* EAGAIN, or an ICMP error: nothing to read */
		for (int i = 0; i < n; i++) {
			struct msghdr *h = &t->rxmm[i].msg_hdr;
			unsigned flags = 0;

			if (h->msg_flags & MSG_TRUNC)
				flags |= TZ_RX_TOOBIG;
			memset(&src, 0, sizeof(src));
			memcpy(&src.addr, &t->rxfrom[i], h->msg_namelen);
			src.addrlen = h->msg_namelen;
			src.tp = TZ_TP_UDP;
			src.conn = idx + 1;
			/* ready for the next receive: the kernel wrote the
			 * address length over the room it had (msg_flags
			 * and msg_len are outputs only) */
			h->msg_namelen = sizeof(t->rxfrom[i]);
			t->st.rx_msgs++;
			t->rx(t->rxiov[i].iov_base, t->rxmm[i].msg_len, flags,
			      &src, t->arg);
		}
		if (n < RX_BATCH)
			return;
	}
}

static int pick_socket(struct tz_transport *t, const struct tz_tp_dest *dst)
{
	int family = dst->addr.ss_family;
	int any = -1;

	if (dst->conn >= 1 && dst->conn <= t->nudp &&
	    t->udp[dst->conn - 1].local.ss_family == family)
		return t->udp[dst->conn - 1].fd;
	for (unsigned i = 0; i < t->nudp; i++) {
		if (t->udp[i].local.ss_family != family)
			continue;
		if (t->udp[i].private)
			return t->udp[i].fd;
		if (any < 0)
			any = t->udp[i].fd;
	}
	return any;
}

void tz_transport_flush(struct tz_transport *t)
{
	struct mmsghdr mm[TX_BATCH];
	struct iovec iov[TX_BATCH];
	unsigned i = 0;

	while (i < t->ntx) {
		unsigned j = i, n;
		int sent;

		/* one sendmmsg per run of datagrams on the same socket */
		while (j < t->ntx && t->tx[j].fd == t->tx[i].fd)
			j++;
		n = j - i;
		memset(mm, 0, n * sizeof(mm[0]));
		for (unsigned k = 0; k < n; k++) {
			struct tx_ent *e = &t->tx[i + k];

			iov[k].iov_base = t->txbuf + e->off;
			iov[k].iov_len = e->len;
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
			mm[k].msg_hdr.msg_name = &e->to;
			mm[k].msg_hdr.msg_namelen = e->tolen;
		}
		for (unsigned k = 0; k < n;) {
			sent = sendmmsg(t->tx[i].fd, mm + k, n - k, 0);
			if (sent <= 0) {
				/* this datagram fails (a full buffer, a
				 * pending ICMP error): drop it, go on */
				t->st.tx_errors++;
				t->st.tx_msgs--;
				tz_log(TZ_LOG_DEBUG, "udp send: %s",
				       strerror(errno));
				k++;
				continue;
			}
			k += (unsigned)sent;
		}
		i = j;
	}
	t->ntx = 0;
	t->txlen = 0;
}

int udp_send(struct tz_transport *t, const char *buf, size_t len,
             const struct tz_tp_dest *dst)
{
	struct tx_ent *e;
	int fd = pick_socket(t, dst);

	if (fd < 0)
		return -EAFNOSUPPORT;
	if (len > 65507)
		return -EMSGSIZE;
	if (t->ntx == TX_BATCH || t->txlen + len > TX_BYTES)
		tz_transport_flush(t);
	e = &t->tx[t->ntx++];
	e->fd = fd;
	memcpy(&e->to, &dst->addr, dst->addrlen);
	e->tolen = dst->addrlen;
	e->off = t->txlen;
	e->len = len;
	memcpy(t->txbuf + t->txlen, buf, len);
	t->txlen += len;
	t->st.tx_msgs++;
	return 0;
}
