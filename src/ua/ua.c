/*
 * ua.c  The UA itself: its transport, resolver and transaction layer on
 * one loop, the local RTP port its SDP names, the receive path (parse,
 * RFC 3261 8.1.3.3 and 8.2 checks, transaction layer, then the request
 * dispatch of 8.2 and 12.2.2), events, and the response helpers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tz/tz_build.h"
#include "tz/tz_hval.h"
#include "tz/tz_loop.h"
#include "tz/tz_mem.h"
#include "tz/tz_msg_typed.h"
#include "tz/tz_rand.h"
#include "tz/tz_transport.h"
#include "ua_int.h"

void ua_rand_hex(char *out, size_t cap)
{
	snprintf(out, cap, "%016llx", (unsigned long long)tz_rand64());
}

/* A queued event: delivered from the loop, never from inside a tz_ua_*
 * call (STYLE.md rule 4), so handlers may call back into the UA. */
struct ua_evq {
	struct ua_evq *next;
	struct tz_ua_event ev;
	char call[16];
	char method[16];
	char *peer;
	char *text;
};

static char *dup_or_null(const char *s, bool *fail)
{
	char *p;
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = tz_malloc(n);
	if (!p)
		*fail = true;
	else
		memcpy(p, s, n);
	return p;
}

static void evq_free(struct ua_evq *q)
{
	tz_free(q->peer);
	tz_free(q->text);
	tz_free(q);
}

static void evq_run(void *arg)
{
	struct tz_ua *ua = arg;

	while (ua->evq) {
		struct ua_evq *q = ua->evq;

		ua->evq = q->next;
		if (!ua->evq)
			ua->evq_tail = NULL;
		ua->h(&q->ev, ua->arg);
		evq_free(q);
	}
}

void ua_post(struct tz_ua *ua, const struct tz_ua_event *ev)
{
	struct ua_evq *q = tz_malloc(sizeof(*q));
	bool fail = false;

	if (!q)
		return; /* out of memory: the event is lost, nothing else */
	memset(q, 0, sizeof(*q));
	q->ev = *ev;
	q->peer = dup_or_null(ev->peer, &fail);
	q->text = dup_or_null(ev->text, &fail);
	if (fail) {
		evq_free(q);
		return;
	}
	if (ev->call)
		snprintf(q->call, sizeof(q->call), "%s", ev->call);
	if (ev->method)
		snprintf(q->method, sizeof(q->method), "%s", ev->method);
	q->ev.call = ev->call ? q->call : NULL;
	q->ev.method = ev->method ? q->method : NULL;
	q->ev.peer = q->peer;
	q->ev.text = q->text;
	if (ua->evq_tail)
		ua->evq_tail->next = q;
	else
		ua->evq = q;
	ua->evq_tail = q;
	if (!tz_timer_active(&ua->evq_timer))
		tz_timer_start(ua->wheel, &ua->evq_timer, 0, evq_run, ua);
}

void ua_event(struct tz_ua *ua, enum tz_ua_ev_type type,
              const struct ua_call *c, int code, bool remote, const char *text)
{
	struct tz_ua_event ev = {0};

	ev.type = type;
	ev.call = c ? c->id : NULL;
	ev.peer = c ? c->peer : NULL;
	ev.code = code;
	ev.remote = remote;
	ev.anonymous = c && c->anonymous;
	ev.text = text;
	ua_post(ua, &ev);
}

void ua_error(struct tz_ua *ua, const char *what)
{
	ua_event(ua, TZ_UA_EV_ERROR, NULL, 0, false, what);
}

int ua_reply(struct tz_ua *ua, struct tz_tsx *st, int status,
             const char *to_tag, const char *hdrs, const char *ctype,
             const char *body, size_t body_len, bool dialog)
{
	struct tz_resp_build rb = {0};
	char h[1024];

	/* RFC3261 13.3.1.4: a 2xx (and any dialog-making response) says
	 * what we allow and support */
	snprintf(h, sizeof(h), "%s%s%sUser-Agent: %s\r\n", hdrs ? hdrs : "",
	         dialog ? "Allow: " UA_ALLOW "\r\n" : "",
	         dialog ? UA_SUPPORTED : "", UA_AGENT);
	rb.status = (uint16_t)status;
	rb.to_tag = to_tag;
	/* RFC3261 12.1.1: a response that makes a dialog copies
	 * Record-Route and carries our Contact */
	rb.record_route = dialog;
	rb.contact = dialog ? ua->contact : NULL;
	rb.headers = h;
	rb.ctype = body ? ctype : NULL;
	rb.body = body;
	rb.body_len = body_len;
	tz_buf_reset(&ua->out);
	if (tz_build_response(&ua->out, tz_tsx_request(st), &rb))
		return ua->out.err ? ua->out.err : -EINVAL;
	return tz_tsx_reply(st, ua->out.p, ua->out.len);
}

/* A final response through a server transaction made for it. */
int ua_reply_sl(struct tz_ua *ua, const struct tz_msg *req,
                const struct tz_tp_dest *src, int status, const char *hdrs)
{
	struct tz_tsx *st;
	char tag[24];
	int err;

	if (tz_span_eq(req->buf, req->method, "ACK"))
		return 0;
	err = tz_tsx_server_alloc(&st, ua->tsx, req, src, 0, NULL, NULL);
	if (err)
		return err;
	ua_rand_hex(tag, sizeof(tag));
	err = ua_reply(ua, st, status, tag, hdrs, NULL, NULL, 0, false);
	tz_mem_deref(st);
	return err;
}

/* RFC3261 8.2.2.3: a Require naming an extension we do not support
 * (we support replaces and timer): 420 listing them. */
static bool unsupported(struct tz_ua *ua, const struct tz_msg *m,
                        const struct tz_tp_dest *src)
{
	const struct tz_hdr *h;
	struct tz_buf b;
	char hdrs[600];
	bool any = false;

	if (tz_span_eq(m->buf, m->method, "ACK") ||
	    tz_span_eq(m->buf, m->method, "CANCEL"))
		return false;
	tz_buf_init_fixed(&b, hdrs, sizeof(hdrs) - 3);
	tz_buf_puts(&b, "Unsupported: ");
	for (unsigned i = 0; (h = tz_msg_hdr_find(m, TZ_HDR_REQUIRE, i)); i++) {
		uint32_t pos = h->value.off, end = pos + h->value.len;
		struct tz_span tok;

		while (tz_toklist_next(&tok, m->buf, &pos, end) == 0) {
			if (tz_span_eqi(m->buf, tok, "replaces") ||
			    tz_span_eqi(m->buf, tok, "timer") ||
			    (ua->rel100 && tz_span_eqi(m->buf, tok, "100rel")))
				continue;
			if (any)
				tz_buf_puts(&b, ", ");
			tz_buf_put_span(&b, m->buf, tok);
			any = true;
		}
	}
	if (!any || b.err)
		return false;
	tz_buf_puts(&b, "\r\n");
	tz_buf_putc(&b, 0);
	ua_reply_sl(ua, m, src, 420, hdrs);
	return true;
}

static void request(struct tz_ua *ua, struct tz_msg *m,
                    const struct tz_tp_dest *src)
{
	const char *b = m->buf;
	struct ua_call *c;

	if (tz_span_eq(b, m->method, "ACK")) {
		ua_call_ack(ua, m);
		return;
	}
	if (tz_span_eq(b, m->method, "CANCEL")) {
		ua_call_cancel(ua, m, src);
		return;
	}
	if (unsupported(ua, m, src))
		return;
	if (m->to.has_tag && m->to.tag.len) {
		/* RFC3515 2.4.4, RFC 6665 4.1.3: a NOTIFY belongs to a REFER
		 * of ours (481 when none) */
		if (tz_span_eq(b, m->method, "NOTIFY")) {
			ua_refer_notify(ua, m, src);
			return;
		}
		/* RFC3261 12.2.2: a request in a dialog we do not know: 481 */
		c = ua_call_match(ua, m);
		if (!c) {
			ua_reply_sl(ua, m, src, 481, NULL);
			return;
		}
		/* RFC3261 12.2.2: lower CSeq than the last one: 500 */
		if (tz_dlg_recv_cseq(c->dlg, m)) {
			ua_reply_sl(ua, m, src, 500, "Retry-After: 1\r\n");
			return;
		}
		if (tz_span_eq(b, m->method, "INVITE") ||
		    tz_span_eq(b, m->method, "BYE"))
			ua_call_request(ua, c, m, src);
		else if (tz_span_eq(b, m->method, "REFER"))
			ua_refer_request(ua, c, m, src);
		else if (tz_span_eq(b, m->method, "PRACK"))
			ua_prack_request(ua, c, m, src);
		else
			ua_misc_request(ua, c, m, src);
		return;
	}
	if (tz_span_eq(b, m->method, "INVITE")) {
		ua_call_invite(ua, m, src);
		return;
	}
	ua_misc_request(ua, NULL, m, src);
}

/* Is the header line at @p p (to @p e) one a response copies (Via,
 * From, To, Call-ID, CSeq, long or compact)? */
static bool copied_line(const char *p, const char *e)
{
	const char *c = memchr(p, ':', (size_t)(e - p));
	enum tz_hdr_id id;
	size_t n;

	if (!c)
		return false;
	for (n = (size_t)(c - p); n && (p[n - 1] == ' ' || p[n - 1] == '\t');)
		n--;
	id = tz_hdr_id_lookup(p, n);
	return id == TZ_HDR_VIA || id == TZ_HDR_FROM || id == TZ_HDR_TO ||
	       id == TZ_HDR_CALL_ID || id == TZ_HDR_CSEQ;
}

/* A malformed request cut down to its start line and the fields a
 * response copies (with their folds), into @p b: the parser stops at the
 * first bad field, and those after it are still needed for the reply. */
static void salvage(struct tz_buf *b, const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len, *nl;
	bool keep = true, first = true;

	for (; p < e; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(e - p));
		if (!nl || nl == p || (nl == p + 1 && *p == '\r'))
			break;
		if (!first && *p != ' ' && *p != '\t')
			keep = copied_line(p, nl);
		if (keep)
			tz_buf_put(b, p, (size_t)(nl + 1 - p));
		first = false;
	}
	tz_buf_puts(b, "Content-Length: 0\r\n\r\n");
}

/* RFC3261 8.2, 21.4.1, 18.2.2: a malformed request is answered
 * statelessly (400, 505, 513 naming the defect) when the fields a
 * response copies can be read; anything else is dropped. */
static void reply_bad(struct tz_ua *ua, const struct tz_msg *bad,
                      const char *buf, size_t len, const struct tz_tp_dest *src)
{
	struct tz_resp_build rb = {0};
	char reason[160], tag[24];
	struct tz_hdr hdrs[16];
	struct tz_msg m;
	struct tz_buf b;

	if (!bad->request || !bad->err_status)
		return;
	tz_buf_init(&b);
	salvage(&b, buf, len);
	tz_msg_init(&m, hdrs, 16);
	if (b.err || tz_msg_parse(&m, b.p, b.len, NULL) || !m.request ||
	    tz_span_eq(m.buf, m.method, "ACK"))
		goto out;
	snprintf(reason, sizeof(reason), "%s%s%.100s",
	         tz_status_phrase(bad->err_status), bad->err_what ? ": " : "",
	         bad->err_what ? bad->err_what : "");
	ua_rand_hex(tag, sizeof(tag));
	rb.status = bad->err_status;
	rb.reason = reason;
	rb.to_tag = tag;
	tz_buf_reset(&ua->out);
	if (!tz_build_response(&ua->out, &m, &rb)) {
		struct tz_tp_dest rd;

		tz_resp_dest(&m, src, &rd);
		tz_transport_send(ua->tp, ua->out.p, ua->out.len, &rd);
	}
out:
	tz_buf_free(&b);
}

static void rx(const char *buf, size_t len, unsigned flags,
               const struct tz_tp_dest *src, void *arg)
{
	struct tz_ua *ua = arg;
	struct tz_msg m;

	if (flags & (TZ_RX_TOOBIG | TZ_RX_BROKEN))
		return;
	tz_msg_init(&m, ua->hdrs, UA_MAX_HDRS);
	if (tz_msg_parse(&m, buf, len, NULL)) {
		/* RFC3261 8.2: a malformed request gets its 400 when a reply
		 * can be built; a malformed response is dropped */
		reply_bad(ua, &m, buf, len, src);
		return;
	}
	/* RFC3261 8.1.3.3: a response with more than one Via is not for
	 * us (a UAC put only its own): discarded before any transaction
	 * sees it */
	if (!m.request && m.nvia > 1)
		return;
	/* typed values (Session-Expires, Refer-To, ...) are decoded into
	 * the arena while the message is handled, responses included */
	tz_msg_set_arena(&m, &ua->arena);
	if (!tz_tsx_layer_recv(ua->tsx, &m, src) && m.request) {
		/* RFC3261 18.2.2, RFC3581 4: responses go where the top Via
		 * says, which is not always the source port */
		struct tz_tp_dest rd;

		tz_resp_dest(&m, src, &rd);
		request(ua, &m, &rd);
	}
	tz_msg_set_arena(&m, NULL);
	tz_arena_free(&ua->arena);
}

static int tsx_send(const char *buf, size_t len, const struct tz_tp_dest *dst,
                    void *arg)
{
	struct tz_ua *ua = arg;

	return tz_transport_send(ua->tp, buf, len, dst);
}

static void tp_error(const struct tz_tp_dest *dst, int err, void *arg)
{
	struct tz_ua *ua = arg;

	tz_tsx_layer_tp_error(ua->tsx, dst, err);
}

/* "udp:127.0.0.1:5060", "tcp:[::1]:5060": protocol and address. */
static int addr_parse(const char *s, enum tz_tp_proto *tp,
                      struct sockaddr_storage *sa, socklen_t *len)
{
	const char *c = strchr(s, ':'), *pc;
	unsigned long port;
	char *end;

	if (!c || tz_tp_from_name(s, (size_t)(c - s), tp))
		return -EINVAL;
	if (*tp != TZ_TP_UDP && *tp != TZ_TP_TCP)
		return -EPROTONOSUPPORT;
	s = c + 1;
	pc = strrchr(s, ':');
	if (!pc || (strchr(s, ']') && pc < strchr(s, ']')))
		return -EINVAL;
	port = strtoul(pc + 1, &end, 10);
	if (*end || port > 65535 || end == pc + 1)
		return -EINVAL;
	return tz_sa_from_host(s, (size_t)(pc - s), (uint16_t)port, sa, len);
}

static int rtp_bind(struct tz_ua *ua, const struct sockaddr_storage *sa,
                    socklen_t len)
{
	struct sockaddr_storage a = *sa;
	socklen_t al = sizeof(a);

	/* a real port for the SDP (RFC 3264 5.1); no media flows yet */
	tz_sa_set_port(&a, 0);
	ua->rtp_fd = socket(a.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ua->rtp_fd < 0)
		return -errno;
	if (bind(ua->rtp_fd, (struct sockaddr *)&a, len) ||
	    getsockname(ua->rtp_fd, (struct sockaddr *)&a, &al))
		return -errno;
	ua->rtp_port = tz_sa_port(&a);
	return 0;
}

static int setup(struct tz_ua *ua, const struct tz_ua_conf *conf, char *err,
                 size_t errlen)
{
	const char *at = strchr(conf->aor, '@');
	struct sockaddr_storage sa, bound;
	socklen_t salen, blen;
	struct tz_tsx_config tc;
	struct tz_tp_limits lim = {65536, 600000, 30000, 64, 256};
	int e;

	if (!at || at == conf->aor || !at[1] ||
	    (size_t)(at - conf->aor) >= sizeof(ua->user) ||
	    strlen(at + 1) >= sizeof(ua->domain) || strchr(conf->aor, ':')) {
		snprintf(err, errlen, "bad AOR (want user@domain)");
		return -EINVAL;
	}
	snprintf(ua->user, sizeof(ua->user), "%.*s", (int)(at - conf->aor),
	         conf->aor);
	snprintf(ua->domain, sizeof(ua->domain), "%s", at + 1);
	snprintf(ua->aor_uri, sizeof(ua->aor_uri), "sip:%s@%s", ua->user,
	         ua->domain);
	if (conf->password) {
		snprintf(ua->password, sizeof(ua->password), "%s",
		         conf->password);
		ua->has_password = true;
	}
	if (conf->proxy) {
		enum tz_tp_proto ptp;

		if (addr_parse(conf->proxy, &ptp, &sa, &salen)) {
			snprintf(err, errlen, "bad --proxy (want udp:IP:PORT)");
			return -EINVAL;
		}
		snprintf(ua->proxy_uri, sizeof(ua->proxy_uri), "sip:%s%s",
		         tz_sa_print(&sa, true, ua->local, sizeof(ua->local)),
		         ptp == TZ_TP_TCP ? ";transport=tcp" : "");
	}
	if (addr_parse(conf->listen ? conf->listen : "udp:127.0.0.1:0",
	               &ua->ltp, &sa, &salen)) {
		snprintf(err, errlen, "bad --listen (want udp:IP:PORT)");
		return -EINVAL;
	}
	e = tz_hub_alloc(&ua->hub, 1, &lim);
	if (!e)
		e = tz_transport_alloc(&ua->tp, ua->hub, 0, ua->loop, rx, ua);
	if (!e) {
		/* one port: Contact, Via and source agree */
		tz_transport_single_port(ua->tp);
		e = tz_transport_listen(ua->tp, ua->ltp, (struct sockaddr *)&sa,
		                        salen);
	}
	if (e) {
		snprintf(err, errlen, "listen: %s", strerror(-e));
		return e;
	}
	tz_transport_bound(ua->tp, &bound, &blen);
	tz_sa_print(&bound, true, ua->local, sizeof(ua->local));
	tz_sa_print(&bound, false, ua->lhost, sizeof(ua->lhost));
	snprintf(ua->contact, sizeof(ua->contact), "<sip:%s@%s%s>", ua->user,
	         ua->local, ua->ltp == TZ_TP_TCP ? ";transport=tcp" : "");
	e = rtp_bind(ua, &bound, blen);
	if (e) {
		snprintf(err, errlen, "rtp port: %s", strerror(-e));
		return e;
	}
	{
		struct tz_resolve_opts ro = {.hosts_file = conf->hosts_file};

		e = tz_resolver_alloc(&ua->res, ua->loop, &ro, err, errlen);
	}
	if (e)
		return e;
	tz_tsx_config_default(&tc);
	if (conf->t1)
		tc.t1 = conf->t1;
	ua->t1 = tc.t1;
	ua->t2 = tc.t2;
	e = tz_tsx_layer_alloc(&ua->tsx, ua->wheel, &tc, tsx_send, ua);
	if (e) {
		snprintf(err, errlen, "transactions: %s", strerror(-e));
		return e;
	}
	tz_transport_set_error(ua->tp, tp_error, ua);
	ua->sdp = tz_malloc(sizeof(*ua->sdp));
	if (!ua->sdp)
		return -ENOMEM;
	return 0;
}

int tz_ua_alloc(struct tz_ua **up, struct tz_loop *loop,
                const struct tz_ua_conf *conf, tz_ua_event_h *h, void *arg,
                char *err, size_t errlen)
{
	struct tz_ua *ua = tz_malloc(sizeof(*ua));
	int e;

	if (!ua)
		return -ENOMEM;
	memset(ua, 0, sizeof(*ua));
	ua->loop = loop;
	ua->wheel = tz_loop_wheel(loop);
	ua->h = h;
	ua->arg = arg;
	ua->rtp_fd = -1;
	ua->expires = conf->expires ? conf->expires : 600;
	ua->se = conf->session_expires;
	ua->rel100 = conf->rel100;
	ua->min_se = 90;
	ua->next_call = 1;
	tz_buf_init(&ua->out);
	tz_arena_init(&ua->arena, ua->arena_mem, sizeof(ua->arena_mem));
	tz_timer_init(&ua->reg_timer);
	tz_timer_init(&ua->evq_timer);
	ua_rand_hex(ua->reg_call_id, sizeof(ua->reg_call_id));
	ua_rand_hex(ua->reg_tag, sizeof(ua->reg_tag));
	e = setup(ua, conf, err, errlen);
	if (e) {
		tz_ua_free(ua);
		return e;
	}
	*up = ua;
	return 0;
}

void tz_ua_free(struct tz_ua *ua)
{
	if (!ua)
		return;
	tz_timer_cancel(&ua->reg_timer);
	tz_timer_cancel(&ua->evq_timer);
	while (ua->evq) {
		struct ua_evq *q = ua->evq;

		ua->evq = q->next;
		evq_free(q);
	}
	ua_call_free_all(ua);
	ua_refer_free_all(ua);
	while (ua->reqs)
		ua_req_free(ua->reqs);
	tz_tsx_layer_free(ua->tsx);
	tz_resolver_free(ua->res);
	tz_transport_free(ua->tp);
	tz_hub_free(ua->hub);
	if (ua->rtp_fd >= 0)
		close(ua->rtp_fd);
	tz_free(ua->sdp);
	tz_buf_free(&ua->out);
	tz_arena_free(&ua->arena);
	tz_free(ua);
}

const char *tz_ua_local(const struct tz_ua *ua)
{
	return ua->local;
}

bool tz_ua_idle(const struct tz_ua *ua)
{
	if (ua->evq)
		return false;
	for (const struct ua_req *r = ua->reqs; r; r = r->next)
		if (!r->final && !r->no_tsx)
			return false;
	return true;
}
