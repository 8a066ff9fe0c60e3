/*
 * addr.c  IPv4 and IPv6 socket addresses: compare, hash, read a numeric
 * host, print (see tz_tp.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "tz/tz_siphash.h"
#include "tz/tz_tp.h"

bool tz_sa_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a;
		const struct sockaddr_in *y = (const void *)b;

		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a;
		const struct sockaddr_in6 *y = (const void *)b;

		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return false;
}

/* The address bytes of @p a and their count. */
static const unsigned char *ip_bytes(const struct sockaddr *a, size_t *n)
{
	if (a->sa_family == AF_INET6) {
		*n = 16;
		return (const unsigned char *)&((const struct sockaddr_in6 *)a)
		        ->sin6_addr;
	}
	*n = 4;
	return (const unsigned char *)&((const struct sockaddr_in *)a)
	        ->sin_addr;
}

uint32_t tz_sa_hash(const struct sockaddr *a, bool with_port)
{
	size_t n;
	const unsigned char *p = ip_bytes(a, &n);
	uint16_t port = tz_sa_port((const struct sockaddr_storage *)a);
	unsigned char k[18];

	/* an IPv6 peer picks from 2^64 addresses or more: keyed */
	memcpy(k, p, n);
	memcpy(k + n, &port, sizeof(port));
	return tz_table_hash(k, n + (with_port ? sizeof(port) : 0));
}

uint16_t tz_sa_port(const struct sockaddr_storage *a)
{
	/* sin_port and sin6_port share their offset */
	return ntohs(((const struct sockaddr_in *)a)->sin_port);
}

void tz_sa_set_port(struct sockaddr_storage *a, uint16_t port)
{
	((struct sockaddr_in *)a)->sin_port = htons(port);
}

bool tz_sa_is_any(const struct sockaddr_storage *a)
{
	static const unsigned char zero[16];
	size_t n;
	const unsigned char *p = ip_bytes((const struct sockaddr *)a, &n);

	return memcmp(p, zero, n) == 0;
}

/* Dotted-decimal IPv4, read as inet_pton(AF_INET) reads it (four parts
 * of 0-255, no leading zero), without the copy into a C string and the
 * library call: every request's Via is compared with its source. */
static bool ipv4_read(const char *h, size_t n, uint8_t out[4])
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0, d;
		size_t s;

		if (part > 0) {
			if (i >= n || h[i] != '.')
				return false;
			i++;
		}
		/* at most 3 digits: a fourth is where a '.' or the end
		 * must be */
		for (s = i; i < n && i - s < 3 &&
		            (d = (unsigned)(unsigned char)h[i] - '0') <= 9;
		     i++)
			v = v * 10 + d;
		if (i == s || v > 255 || (h[s] == '0' && i - s > 1))
			return false;
		out[part] = (uint8_t)v;
	}
	return i == n;
}

int tz_sa_from_host(const char *h, size_t n, uint16_t port,
                    struct sockaddr_storage *out, socklen_t *outlen)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
	char tmp[INET6_ADDRSTRLEN];

	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (n >= sizeof(tmp))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (ipv4_read(h, n, (uint8_t *)&a4->sin_addr)) {
		a4->sin_family = AF_INET;
		*outlen = sizeof(*a4);
		tz_sa_set_port(out, port);
		return 0;
	}
	memcpy(tmp, h, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		*outlen = sizeof(*a6);
	} else {
		return -EINVAL;
	}
	tz_sa_set_port(out, port);
	return 0;
}

bool tz_sa_same_ip(const struct sockaddr *a, const struct sockaddr *b)
{
	size_t k;
	const unsigned char *x, *y;

	if (a->sa_family != b->sa_family)
		return false;
	x = ip_bytes(a, &k);
	y = ip_bytes(b, &k);
	return memcmp(x, y, k) == 0;
}

bool tz_sa_host_is(const char *h, size_t n, const struct sockaddr *sa)
{
	struct sockaddr_storage a;
	socklen_t len;
	uint8_t v4[4];

	/* the usual case, a dotted IPv4 against an IPv4 socket: read into
	 * four bytes, no sockaddr to clear */
	if (sa->sa_family == AF_INET && ipv4_read(h, n, v4))
		return memcmp(v4, &((const struct sockaddr_in *)sa)->sin_addr,
		              4) == 0;
	if (tz_sa_from_host(h, n, 0, &a, &len) != 0)
		return false;
	return tz_sa_same_ip((const struct sockaddr *)&a, sa);
}

/* The decimal digits of @p v at @p p; how many. */
static size_t put_dec(char *p, unsigned v)
{
	char t[10];
	size_t k = 0;

	do
		t[k++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (size_t i = 0; i < k; i++)
		p[i] = t[k - 1 - i];
	return k;
}

const char *tz_sa_print(const struct sockaddr_storage *a, bool port, char *out,
                        size_t n)
{
	/* on every forwarded request and Via fix: IPv4 by hand, not
	 * inet_ntop and printf */
	char t[INET6_ADDRSTRLEN + 8];
	size_t len = 0, k;

	if (a->ss_family == AF_INET) {
		const unsigned char *b =
		        ip_bytes((const struct sockaddr *)a, &k);

		for (size_t i = 0; i < 4; i++) {
			if (i)
				t[len++] = '.';
			len += put_dec(t + len, b[i]);
		}
	} else if (a->ss_family == AF_INET6) {
		if (port)
			t[len++] = '[';
		inet_ntop(AF_INET6, ip_bytes((const struct sockaddr *)a, &k),
		          t + len, INET6_ADDRSTRLEN);
		len += strlen(t + len);
		if (port)
			t[len++] = ']';
	} else {
		t[len++] = '?';
	}
	if (port) {
		t[len++] = ':';
		len += put_dec(t + len, tz_sa_port(a));
	}
	if (n) {
		k = len < n ? len : n - 1;
		memcpy(out, t, k);
		out[k] = 0;
	}
	return out;
}
