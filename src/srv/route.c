/*
 * route.c  Where responses go and what the server transport notes on
 * requests: RFC 3261 18.2.1 (received), 18.2.2 (response destination),
 * RFC 3581 (rport); and whether an address or domain is our own.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "srv_int.h"
#include "tz/tz_hdr.h"

static void src_ip(const struct tz_tp_dest *src, char *ip, size_t n,
                   unsigned *port)
{
	if (src->addr.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)&src->addr;

		inet_ntop(AF_INET6, &a->sin6_addr, ip, (socklen_t)n);
		*port = ntohs(a->sin6_port);
	} else {
		const struct sockaddr_in *a = (const void *)&src->addr;

		inet_ntop(AF_INET, &a->sin_addr, ip, (socklen_t)n);
		*port = ntohs(a->sin_port);
	}
}

/* Numeric host text (brackets allowed) to an address of @p family. */
static bool host_addr(const char *h, size_t n, int *family, void *out)
{
	char tmp[64];

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n >= sizeof(tmp))
		return false;
	memcpy(tmp, h, n);
	tmp[n] = 0;
	if (inet_pton(AF_INET, tmp, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, out) == 1) {
		*family = AF_INET6;
		return true;
	}
	return false;
}

static bool same_ip(const char *h, size_t n, const struct sockaddr *sa)
{
	unsigned char a[16];
	int family;

	if (!host_addr(h, n, &family, a) || family != sa->sa_family)
		return false;
	if (family == AF_INET)
		return memcmp(a, &((const struct sockaddr_in *)sa)->sin_addr,
		              4) == 0;
	return memcmp(a, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16) ==
	       0;
}

/* The rport and received params of the top Via, if any. */
struct via_marks {
	struct tz_param rport, received;
	bool has_rport, has_received;
};

static void via_marks(const struct tz_msg *m, struct via_marks *vm)
{
	const struct tz_via *v = &m->via1;
	uint32_t pos = v->params.off, end = v->params.off + v->params.len;
	struct tz_param p;

	memset(vm, 0, sizeof(*vm));
	while (pos < end && tz_param_next(m->buf, &pos, end, &p) == 0) {
		if (tz_span_eqi(m->buf, p.name, "rport")) {
			vm->rport = p;
			vm->has_rport = true;
		} else if (tz_span_eqi(m->buf, p.name, "received")) {
			vm->received = p;
			vm->has_received = true;
		}
	}
}

int via_needs_fix(const struct tz_msg *m, const struct tz_tp_dest *src)
{
	const struct tz_via *v = &m->via1;
	struct via_marks vm;

	via_marks(m, &vm);
	/* RFC3581 4: rport: fill in the port, and add received always */
	if (vm.has_rport && !vm.rport.has_value)
		return 1;
	/* RFC3261 18.2.1: received when sent-by is not the source IP */
	if (!same_ip(m->buf + v->host.off, v->host.len,
	             (const struct sockaddr *)&src->addr))
		return !vm.has_received ||
		       !same_ip(m->buf + vm.received.value.off,
		                vm.received.value.len,
		                (const struct sockaddr *)&src->addr);
	return 0;
}

struct splice {
	uint32_t off, del;
	char ins[80];
};

int via_fix(const struct tz_msg *m, const struct tz_tp_dest *src, char *out,
            size_t cap, size_t *outlen)
{
	const struct tz_via *v = &m->via1;
	struct via_marks vm;
	struct splice sp[2];
	unsigned nsp = 0, port;
	char ip[INET6_ADDRSTRLEN];
	uint32_t at = 0;
	size_t n = 0;

	via_marks(m, &vm);
	src_ip(src, ip, sizeof(ip), &port);
	if (vm.has_rport && !vm.rport.has_value) {
		sp[nsp].off = vm.rport.name.off + vm.rport.name.len;
		sp[nsp].del = 0;
		snprintf(sp[nsp].ins, sizeof(sp[nsp].ins), "=%u", port);
		nsp++;
	}
	if (vm.has_received) {
		/* a wrong received= is replaced */
		sp[nsp].off = vm.received.value.off;
		sp[nsp].del = vm.received.value.len;
		snprintf(sp[nsp].ins, sizeof(sp[nsp].ins), "%s", ip);
	} else {
		sp[nsp].off = v->params.off + v->params.len;
		sp[nsp].del = 0;
		snprintf(sp[nsp].ins, sizeof(sp[nsp].ins), ";received=%s", ip);
	}
	nsp++;
	if (nsp == 2 && sp[1].off < sp[0].off) {
		struct splice tmp = sp[0];

		sp[0] = sp[1];
		sp[1] = tmp;
	}
	for (unsigned i = 0; i < nsp; i++) {
		size_t k = strlen(sp[i].ins);

		if (n + (sp[i].off - at) + k > cap)
			return -ENOBUFS;
		memcpy(out + n, m->buf + at, sp[i].off - at);
		n += sp[i].off - at;
		memcpy(out + n, sp[i].ins, k);
		n += k;
		at = sp[i].off + sp[i].del;
	}
	if (n + (m->len - at) > cap)
		return -ENOBUFS;
	memcpy(out + n, m->buf + at, m->len - at);
	*outlen = n + (m->len - at);
	return 0;
}

void resp_dest(const struct tz_msg *req, const struct tz_tp_dest *src,
               struct tz_tp_dest *out)
{
	const struct tz_via *v = &req->via1;
	uint16_t port = v->port > 0            ? (uint16_t)v->port
	                : src->tp == TZ_TP_TLS ? 5061
	                                       : 5060;
	struct via_marks vm;

	*out = *src;
	via_marks(req, &vm);
	if (src->reliable) {
		/* RFC3261 18.2.2: over the connection the request came on;
		 * if that is gone, to the source IP and the sent-by port */
	} else if ((v->has & TZ_VIA_MADDR) && v->maddr.len) {
		/* RFC3261 18.2.2: maddr: to that address, sent-by port */
		int family;
		unsigned char a[16];

		if (host_addr(req->buf + v->maddr.off, v->maddr.len, &family,
		              a) &&
		    family == out->addr.ss_family) {
			if (family == AF_INET)
				memcpy(&((struct sockaddr_in *)&out->addr)
				                ->sin_addr,
				       a, 4);
			else
				memcpy(&((struct sockaddr_in6 *)&out->addr)
				                ->sin6_addr,
				       a, 16);
		}
	} else if (vm.has_rport) {
		/* RFC3581 4: to the source IP and port, from the socket
		 * the request came in on */
		return;
	}
	/* RFC3261 18.2.2: the received address (the source IP) and the
	 * sent-by port */
	if (out->addr.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&out->addr)->sin6_port = htons(port);
	else
		((struct sockaddr_in *)&out->addr)->sin_port = htons(port);
}

bool srv_is_domain(const struct tz_config *c, const char *host, size_t hlen)
{
	for (unsigned i = 0; i < c->ndomain; i++)
		if (strlen(c->domain[i]) == hlen &&
		    strncasecmp(c->domain[i], host, hlen) == 0)
			return true;
	return false;
}

static uint16_t sa_port(const struct sockaddr_storage *a)
{
	return ntohs(a->ss_family == AF_INET6
	                     ? ((const struct sockaddr_in6 *)a)->sin6_port
	                     : ((const struct sockaddr_in *)a)->sin_port);
}

static bool is_any(const struct sockaddr_storage *a)
{
	static const unsigned char zero[16];

	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr == 0;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, zero, 16) ==
	       0;
}

bool srv_is_local(const struct tz_config *c, const char *host, size_t hlen,
                  int port, enum tz_tp_proto tp)
{
	bool domain = srv_is_domain(c, host, hlen);
	unsigned char a[16];
	int family = 0;
	bool numeric = host_addr(host, hlen, &family, a);

	if (!domain && !numeric)
		return false;
	/* a served domain without a port is ours whatever the port (RFC
	 * 3263 would lead there); with one, it must be a port we listen on */
	if (domain && port < 0)
		return true;
	if (port < 0)
		port = tp == TZ_TP_TLS ? 5061 : 5060;
	for (unsigned i = 0; i < c->nlisten; i++) {
		const struct tz_listen *l = &c->listen[i];

		if (sa_port(&l->addr) != port)
			continue;
		if (domain)
			return true;
		if (l->addr.ss_family == family &&
		    (is_any(&l->addr) ||
		     same_ip(host, hlen, (const struct sockaddr *)&l->addr)))
			return true;
	}
	return false;
}
