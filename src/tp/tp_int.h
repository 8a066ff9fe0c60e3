/* tp_int.h  Shared internals of the transports (src/tp/). */
#ifndef TP_INT_H
#define TP_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tz/tz_msg.h"
#include "tz/tz_timer.h"
#include "tz/tz_transport.h"

#define MAX_UDP      32 /* UDP sockets per worker (listen + private) */
#define MAX_TCPL     16 /* TCP listen sockets per worker */
#define RX_BATCH     32 /* datagrams per recvmmsg */
#define TX_BATCH     64 /* datagrams per sendmmsg */
#define TX_BYTES     (256 * 1024)
#define CONN_BUCKETS 1024
#define WQ_MAX       (4u << 20) /* bytes queued on one connection */
#define CONN_SHIFT   40         /* connection id: (worker + 1) << 40 | serial */

struct udp_sock {
	int fd;
	bool private; /* this worker's own port */
	struct sockaddr_storage local;
	socklen_t llen;
};

struct tcp_listen {
	int fd;
	struct sockaddr_storage local;
	socklen_t llen;
};

struct wchunk {
	struct wchunk *next;
	size_t len, off;
	char data[];
};

struct conn {
	struct conn *next; /* id hash chain */
	struct tz_transport *t;
	uint64_t id;
	int fd;
	enum tz_tp_proto proto;
	struct sockaddr_storage peer;
	socklen_t plen;
	bool inbound;
	bool connecting;
	bool closing; /* close once the write queue is empty */
	bool shut;    /* our side shut down; draining the peer's */
	bool busy;    /* delivering: free later */
	bool dead;    /* closed while busy */
	char *rbuf;
	size_t rlen, rcap;
	struct tz_frame fr;
	unsigned crlfs; /* CRLF pairs seen between messages (RFC 5626 ping) */
	struct wchunk *wq, **wtail;
	size_t wbytes;
	struct tz_timer idle, slow;
};

struct tx_ent {
	int fd;
	struct sockaddr_storage to;
	socklen_t tolen;
	size_t off, len; /* in txbuf */
};

struct tz_transport {
	struct tz_hub *hub;
	unsigned index;
	struct tz_loop *loop;
	struct tz_mbox *mbox;
	tz_rx_h *rx;
	void *arg;
	tz_tp_err_h *err_h;
	void *err_arg;
	struct tz_tp_stats st;
	bool single; /* no private UDP port: send from the listen socket */
	struct udp_sock udp[MAX_UDP];
	unsigned nudp;
	struct tcp_listen tcpl[MAX_TCPL];
	unsigned ntcpl;
	bool accepting;
	struct tz_tp_limits lim; /* copy of the hub's, generation lim_gen */
	unsigned lim_gen;
	struct sockaddr_storage bound; /* last listen address */
	socklen_t boundlen;
	/* UDP receive batch: the recvmmsg headers are set up once
	 * (udp_rx_init); after a receive only the entries it filled are
	 * made ready again */
	char *rxbuf; /* RX_BATCH slots of 65536 */
	struct mmsghdr rxmm[RX_BATCH];
	struct iovec rxiov[RX_BATCH];
	struct sockaddr_storage rxfrom[RX_BATCH];
	/* UDP send batch */
	struct tx_ent tx[TX_BATCH];
	unsigned ntx;
	char *txbuf;
	size_t txlen;
	/* connections owned by this worker */
	struct conn *conns[CONN_BUCKETS];
	uint64_t serial;
};

struct tz_hub {
	pthread_mutex_t lock;
	struct tz_tp_limits lim;
	atomic_uint lim_gen; /* bumped by tz_hub_set_limits */
	unsigned n;
	struct tz_transport **w;
	struct centry **ctab;  /* peer address -> connection */
	struct ipcount **itab; /* source IP -> inbound connections */
	unsigned nconn;
};

/* hub.c */
/* The current limits, as this worker's copy (no lock unless changed). */
const struct tz_tp_limits *tp_limits(struct tz_transport *t);
int hub_conn_add(struct tz_hub *h, const struct conn *c);
void hub_conn_del(struct tz_hub *h, const struct conn *c);
uint64_t hub_conn_find(struct tz_hub *h, enum tz_tp_proto proto,
                       const struct sockaddr *peer, socklen_t plen);
/* Post a message to worker @p index: sent there, or received there. */
int hub_post_msg(struct tz_hub *h, unsigned index, bool send, unsigned flags,
                 const struct tz_tp_dest *d, const char *buf, size_t len);
void hub_register(struct tz_hub *h, unsigned index, struct tz_transport *t);

/* udp.c */
int udp_listen(struct tz_transport *t, const struct sockaddr *addr,
               socklen_t addrlen, bool private);
int udp_send(struct tz_transport *t, const char *buf, size_t len,
             const struct tz_tp_dest *dst);
void udp_close_all(struct tz_transport *t);
/* Set up the recvmmsg headers of t->rxmm over t->rxbuf, once. */
void udp_rx_init(struct tz_transport *t);

/* tcp.c */
int tcp_listen(struct tz_transport *t, const struct sockaddr *addr,
               socklen_t addrlen);
int tcp_send(struct tz_transport *t, const char *buf, size_t len,
             const struct tz_tp_dest *dst);
void tcp_close_all(struct tz_transport *t);
void tcp_stop_accepting(struct tz_transport *t);

/* transport.c */
int tp_socket(int family, int type);

#endif
