/*
 * branch.c  The branch parameters this server puts in its Via (RFC 3261
 * 16.6 item 8, 8.1.1.7): "z9hG4bKtz" WORKER "." LOOPHASH "." RANDOM. The
 * worker lets any worker send a response to the one that owns the client
 * transaction; the loop hash lets a proxy tell a loop from a spiral (16.3
 * item 4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "srv_int.h"
#include "tz/tz_hdr.h"
#include "tz/tz_rand.h"
#include "tz/tz_siphash.h"

/* One field into the loop hash (and the stateless branch), 8 bytes a
 * step (multiply and xorshift); its length goes in with its last word,
 * so no two splittings of the same bytes hash alike. The values are
 * this server's own (RFC3261 16.3 item 4: its own Via entries). */
static uint64_t mix(uint64_t h, const char *p, size_t n)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	if (n > i)
		memcpy(&w, p + i, n - i);
	h = (h ^ w ^ ((uint64_t)n << 56)) * k;
	return h ^ (h >> 32);
}

size_t srv_put_dec(char *p, uint32_t v)
{
	char t[10];
	size_t k = 0, n;

	do {
		t[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (n = 0; n < k; n++)
		p[n] = t[k - 1 - n];
	return k;
}

static uint64_t mix_hdrs(uint64_t h, const struct tz_msg *m, enum tz_hdr_id id)
{
	const struct tz_hdr *hd;

	for (unsigned nth = 0; (hd = tz_msg_hdr_find(m, id, nth)); nth++)
		h = mix(h, m->buf + hd->value.off, hd->value.len);
	return h;
}

uint32_t loop_hash(const struct tz_msg *m, struct tz_span topvia)
{
	/* RFC3261 16.6 item 8: To tag, From tag, Call-ID, Request-URI as
	 * received, the topmost Via as received, the CSeq number, and any
	 * Proxy-Require and Proxy-Authorization */
	uint64_t h = 0x6a09e667f3bcc908ull;
	char cseq[16];

	h = mix(h, m->buf + m->to.tag.off, m->to.tag.len);
	h = mix(h, m->buf + m->from.tag.off, m->from.tag.len);
	h = mix(h, m->buf + m->call_id.off, m->call_id.len);
	h = mix(h, m->buf + m->ruri.off, m->ruri.len);
	h = mix(h, m->buf + topvia.off, topvia.len);
	h = mix(h, cseq, srv_put_dec(cseq, m->cseq));
	h = mix_hdrs(h, m, TZ_HDR_PROXY_REQUIRE);
	h = mix_hdrs(h, m, TZ_HDR_PROXY_AUTHORIZATION);
	return (uint32_t)h;
}

char *srv_put_hex(char *p, uint64_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	int k = digits;

	if (!k)
		for (uint64_t x = v; x || !k; x >>= 4)
			k++;
	for (int i = k - 1; i >= 0; i--, v >>= 4)
		p[i] = hex[v & 15];
	return p + k;
}

/* BRANCH_MAGIC WORKER "." HASH "." then @p tail_hex random hex digits,
 * or "s" when 0 (stateless): by hand, not printf (one per forwarded
 * request) */
static int branch_text(char *out, size_t n, unsigned worker, uint32_t lh,
                       int tail_hex)
{
	char t[64], *p = t;

	memcpy(p, BRANCH_MAGIC, sizeof(BRANCH_MAGIC) - 1);
	p += sizeof(BRANCH_MAGIC) - 1;
	p = srv_put_hex(p, worker, 0);
	*p++ = '.';
	p = srv_put_hex(p, lh, 8);
	*p++ = '.';
	if (tail_hex)
		p = srv_put_hex(p, tz_rand64(), tail_hex);
	else
		*p++ = 's';
	*p = '\0';
	if (n)
		tz_str_copy(out, n, t);
	return (int)(p - t);
}

/* one field into the tag's hash: its length first, so that no two
 * splittings of the same bytes hash alike */
static void tag_field(struct tz_siphash *h, const char *p, uint32_t len)
{
	tz_siphash_update(h, &len, sizeof(len));
	tz_siphash_update(h, p, len);
}

void stateless_tag(const struct tz_msg *m, const uint64_t key[2], char *out,
                   size_t n)
{
	struct tz_siphash h;
	char t[24], *p = t;

	/* RFC3261 8.2.7: a retransmission gets the same tag; a keyed PRF
	 * of what identifies the request, so tags cannot be foreseen */
	tz_siphash_init(&h, key[0], key[1], 0);
	tag_field(&h, m->buf + m->call_id.off, m->call_id.len);
	tag_field(&h, m->buf + m->from.tag.off, m->from.tag.len);
	tag_field(&h, m->buf + m->via1.branch.off, m->via1.branch.len);
	tz_siphash_update(&h, &m->cseq, sizeof(m->cseq));
	memcpy(p, "tzs", 3);
	p = srv_put_hex(p + 3, tz_siphash_final(&h), 16);
	*p = '\0';
	tz_str_copy(out, n, t);
}

int make_branch(char *out, size_t n, unsigned worker, uint32_t lh)
{
	return branch_text(out, n, worker, lh, 16);
}

static int stateless_branch(char *out, size_t n, unsigned worker, uint32_t h)
{
	return branch_text(out, n, worker, h, 0);
}

int branch_worker(const char *b, size_t n)
{
	size_t k = sizeof(BRANCH_MAGIC) - 1;
	int w = 0;

	if (n <= k || memcmp(b, BRANCH_MAGIC, k) != 0)
		return -1;
	for (; k < n && b[k] != '.'; k++) {
		int d = b[k] >= '0' && b[k] <= '9'   ? b[k] - '0'
		        : b[k] >= 'a' && b[k] <= 'f' ? b[k] - 'a' + 10
		                                     : -1;

		if (d < 0 || w > 0xffff)
			return -1;
		w = w * 16 + d;
	}
	return k < n ? w : -1;
}

/* The loop hash in one of our branches, or false. */
static bool branch_hash(const char *b, size_t n, uint32_t *lh)
{
	const char *dot = memchr(b, '.', n);
	char hex[9];

	if (branch_worker(b, n) < 0 || !dot || (size_t)(b + n - dot) < 10)
		return false;
	memcpy(hex, dot + 1, 8);
	hex[8] = 0;
	*lh = (uint32_t)strtoul(hex, NULL, 16);
	return true;
}

bool via_loop(const struct tz_config *c, const struct tz_msg *m)
{
	/* RFC3261 16.3 item 4: a Via with our sent-by means we forwarded
	 * this request before; it loops when the branch computed now equals
	 * the one we put there (the same Request-URI and Via below ours),
	 * else it spirals */
	struct tz_via v, prev;
	const struct tz_hdr *h;
	bool have_prev = false;

	memset(&prev, 0, sizeof(prev));
	/* only a Via whose branch is one of ours can make a loop: without
	 * our magic cookie in any Via, nothing to decode */
	for (unsigned nth = 0;; nth++) {
		h = tz_msg_hdr_find(m, TZ_HDR_VIA, nth);
		if (!h)
			return false;
		if (memmem(m->buf + h->value.off, h->value.len, BRANCH_MAGIC,
		           sizeof(BRANCH_MAGIC) - 1))
			break;
	}
	for (unsigned nth = 0; (h = tz_msg_hdr_find(m, TZ_HDR_VIA, nth));
	     nth++) {
		uint32_t pos = h->value.off, end = h->value.off + h->value.len;
		struct tz_span elem;

		while (tz_hdr_list_split(m->buf, &pos, end, &elem) == 0) {
			uint32_t vp = elem.off, lh;

			if (tz_via_decode(&v, m->buf, &vp,
			                  elem.off + elem.len) != 0)
				return false;
			if (have_prev &&
			    branch_hash(m->buf + prev.branch.off,
			                prev.branch.len, &lh) &&
			    srv_is_local(c, m->buf + prev.host.off,
			                 prev.host.len, prev.port, TZ_TP_UDP) &&
			    loop_hash(m, elem) == lh)
				return true;
			prev = v;
			have_prev = true;
		}
	}
	return false;
}

int fwd_branch(char *out, size_t n, unsigned worker, const struct tz_msg *m,
               bool stateless)
{
	const struct tz_hdr *h = tz_msg_hdr_find(m, TZ_HDR_VIA, 0);
	struct tz_span top = {0, 0};

	if (stateless)
		/* RFC3261 16.11: a retransmission, and the CANCEL or non-2xx
		 * ACK of an INVITE, get the branch the INVITE got: derived
		 * from the branch they carry */
		return stateless_branch(
		        out, n, worker,
		        (uint32_t)mix(0x6a09e667f3bcc908ull,
		                      m->buf + m->via1.branch.off,
		                      m->via1.branch.len));
	if (h) {
		uint32_t pos = h->value.off;

		tz_hdr_list_split(m->buf, &pos, h->value.off + h->value.len,
		                  &top);
	}
	return make_branch(out, n, worker, loop_hash(m, top));
}
