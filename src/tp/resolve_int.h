/*
 * resolve_int.h  What the resolver files share: the resolver and query
 * structures, one record shape for DNS answers and override-file lines,
 * and the functions each file gives the others. resolve.c: the resolver,
 * c-ares on the loop, the API; resolve_rfc3263.c: the RFC 3263 stages and
 * RFC 2782 ordering; resolve_hosts.c: the override file.
 */
#ifndef TZ_RESOLVE_INT_H
#define TZ_RESOLVE_INT_H

#include <ares.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz/tz_resolve.h"
#include "tz/tz_timer.h"

/* Record types (RFC 1035 3.2.2, RFC 3596, RFC 2782, RFC 3403). */
#define RES_T_A     1
#define RES_T_AAAA  28
#define RES_T_SRV   33
#define RES_T_NAPTR 35

/* Longest domain name in text form, without the trailing dot (RFC 1035
 * 2.3.4: 255 octets on the wire). */
#define RES_NAME_MAX 253

/* One resource record, from a DNS answer or an override line. Strings are
 * NUL-terminated, without a trailing dot; "" is the root ("."). */
struct res_rr {
	const char *name;    /* owner */
	const char *target;  /* SRV target, NAPTR replacement */
	const char *flags;   /* NAPTR */
	const char *service; /* NAPTR */
	uint32_t line;       /* override file line (keeps file order) */
	uint16_t type;       /* RES_T_* */
	uint16_t n[3];       /* SRV: priority, weight, port;
	                        NAPTR: order, preference */
	uint8_t ip[16];      /* A: 4 bytes; AAAA: 16 */
};

struct res_hosts;

#define RES_SQ_MAX     4                   /* SRV queries of one resolution */
#define RES_SRV_MAX    TZ_RESOLVE_MAX      /* SRV targets looked up */
#define RES_LK_MAX     (2 * RES_SRV_MAX)   /* lookups of one stage */
#define RES_ANS_MAX    32                  /* records taken from one answer */
#define RES_NAME_LEN   (RES_NAME_MAX + 16) /* room for "_sips._tcp." + name */
#define RES_TP_UNKNOWN 127                 /* a transport parameter we lack */

enum res_stage {
	RES_ST_START,
	RES_ST_NAPTR,
	RES_ST_SRV,
	RES_ST_ADDR,
	RES_ST_DONE,
	RES_ST_DELIVER
};

/* One lookup in flight: the c-ares callback argument. */
struct res_lookup {
	struct tz_resolve_q *q;
	uint16_t type; /* RES_T_* */
	uint8_t idx;   /* SRV: index in q->sq; A/AAAA: index in q->srv */
};

/* An SRV query: from a NAPTR replacement, or _service._proto.host. */
struct res_srvq {
	char name[RES_NAME_LEN];
	int8_t tp;
};

/* A target to look up as A/AAAA, in failover order. */
struct res_target {
	char target[RES_NAME_LEN];
	uint16_t port;
	int8_t tp;
	uint8_t group; /* the SRV query it came from: orders the groups */
};

struct tz_resolve_q {
	struct tz_resolve_q *next, **pprev; /* r->qs; pprev NULL: unlinked */
	struct tz_resolver *r;
	tz_resolve_h *h;
	void *arg;
	struct tz_timer tmr; /* start, then hand the result over */
	uint8_t st;          /* enum res_stage */
	bool sips, numeric, issuing, cancelled;
	int8_t tp;        /* transport parameter; -1 none */
	int8_t fb_tp;     /* transport when no SRV answers; -1 none usable */
	uint16_t port;    /* 0: none */
	int err;          /* most telling error so far; the result once done */
	unsigned pending; /* lookups of this stage not answered yet */
	unsigned nlk, nsq, nsrv, ndest;
	char host[RES_NAME_MAX + 1]; /* hostname, canonical */
	struct res_srvq sq[RES_SQ_MAX];
	struct res_target srv[RES_SRV_MAX];
	struct res_lookup lk[RES_LK_MAX];
	uint32_t key[TZ_RESOLVE_MAX]; /* dest order: target, family, rank */
	struct tz_tp_dest dest[TZ_RESOLVE_MAX];
};

struct tz_resolver {
	struct tz_loop *loop; /* borrowed */
	ares_channel ch;
	struct res_hosts *hosts; /* NULL: no override file */
	struct tz_timer tmr;     /* c-ares timeouts */
	struct tz_resolve_q *qs; /* queries not handed over yet */
	unsigned supported;
	int family;
	bool ipv4_first;
};

/* resolve.c */

/* Follow c-ares' next timeout with the resolver's wheel timer. */
void res_rearm(struct tz_resolver *r);

/* Take @q off its resolver's list (idempotent). */
void res_unlink(struct tz_resolve_q *q);

/* Look @name up as @type for the current stage of @q: from the override
 * file when it knows the name (answered at once), else through c-ares. */
void res_lookup_start(struct tz_resolve_q *q, uint16_t type, unsigned idx,
                      const char *name);

/* resolve_rfc3263.c */

/* A destination at address @ip (4 or 16 bytes as @af says). */
void res_dest_make(struct tz_tp_dest *d, int af, const uint8_t *ip,
                   uint16_t port, int tp);

/* Records (or the error @err) for lookup @lk of its query's stage. */
void res_answer(struct res_lookup *lk, int err, const struct res_rr *rr,
                size_t n);

/* One lookup of the stage answered: start the next stage after the last. */
void res_lookup_done(struct tz_resolve_q *q);

/* The query's start timer: the first stage (RFC 3263 4.1). */
void res_start(void *arg);

/*
 * Read the override file at @path. On failure, @err (when not NULL)
 * receives "PATH:LINE: what" or "PATH: what".
 * Returns 0 with *hp set; -EINVAL for a bad line; -ENOMEM; -EFBIG for a
 * file over 16 MiB; or the negative errno of open/read.
 */
int res_hosts_load(struct res_hosts **hp, const char *path, char *err,
                   size_t errlen);

/* Free what res_hosts_load() made; accepts NULL. */
void res_hosts_free(struct res_hosts *h);

/*
 * The records of @name (canonical: no trailing dot) and @type, in file
 * order, as *rrp[0, *np) (*np may be 0: the file knows the name but has no
 * such records). Returns 0, or -ENOENT when the file has no record at all
 * for @name (ask DNS).
 */
int res_hosts_find(const struct res_hosts *h, const char *name, uint16_t type,
                   const struct res_rr **rrp, size_t *np);

#endif
