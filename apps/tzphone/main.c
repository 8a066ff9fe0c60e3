/*
 * main.c  tzphone, the scriptable softphone: one command per line on
 * stdin, one JSON event per line on stdout (flushed). The SIP work is the
 * library's UA (tz_ua.h); this file is the command line, the stdin
 * reader, the call policies (auto-answer, auto-reject, busy, call
 * waiting, anonymous-call rejection) and the JSON printer.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tz/tz_loop.h"
#include "tz/tz_timer.h"
#include "tz/tz_ua.h"

#define MAX_CALLS 32
#define LINE_MAX_ 8192

static const char usage[] =
        "usage: tzphone --aor USER@DOMAIN [options]\n"
        "\n"
        "A SIP softphone for scripts: commands on stdin, one per line; "
        "events on\n"
        "stdout, one JSON object per line. EOF on stdin is `quit`.\n"
        "\n"
        "options:\n"
        "  --aor USER@DOMAIN     who we are (required)\n"
        "  --password PW         digest password (401 / 407 answered)\n"
        "  --proxy udp:IP:PORT   outbound proxy for requests outside "
        "calls\n"
        "  --listen udp:IP:PORT  where to listen (default "
        "udp:127.0.0.1:0)\n"
        "  --no-register         do not REGISTER at start\n"
        "  --expires SECS        registration lifetime (default 600)\n"
        "  --auto-answer         answer incoming calls at once\n"
        "  --auto-reject CODE    refuse incoming calls with CODE\n"
        "  --reject-anonymous CODE  refuse anonymous callers with CODE\n"
        "  --call-waiting        a call while busy gets 182 Queued (not "
        "486)\n"
        "  --t1 MS               SIP timer T1 (default 500)\n"
        "  --dns-hosts FILE      a, aaaa, srv, naptr records answered\n"
        "                        before DNS (tests, closed networks)\n"
        "  --session-timer SECS  ask for a session timer (RFC 4028, >= 90 s)\n"
        "  --100rel              reliable provisionals (RFC 3262, PRACK)\n"
        "  --help                this text\n"
        "\n"
        "commands (CALL defaults to the most recent active call):\n"
        "  call URI [anonymous]   answer [CALL]   reject CODE [CALL]\n"
        "  hangup [CALL]   hold [CALL]   resume [CALL]   swap\n"
        "  dtmf DIGITS [CALL]   update [CALL]   message URI TEXT\n"
        "  options URI   register   unregister   quit\n"
        "  transfer URI [CALL]   transfer-attended CALL_A CALL_C\n"
        "\n"
        "events ({\"event\": NAME, ...}):\n"
        "  ready (local, aor), registered, registration_failed (code),\n"
        "  unregistered, calling (call, peer), incoming (call, peer,\n"
        "  anonymous), progress (call, code), established (call), held,\n"
        "  resumed (call, by), ended (call, code or null, by: local or\n"
        "  remote), message (from, text), dtmf (call, digit), response\n"
        "  (method, code), transfer_progress (call, code), transferred\n"
        "  (call), error (what)\n"
        "A REFER received in a call is accepted and carried out; a MESSAGE\n"
        "is answered 200 and reported.\n";

struct phone {
	struct tz_loop *loop;
	struct tz_ua *ua;
	bool auto_answer;
	int auto_reject;
	int reject_anon;
	bool call_waiting;
	bool quitting;
	uint64_t quit_deadline;
	struct tz_timer quit_timer;
	struct tz_timer stdin_timer;
	/* live calls, oldest first: the last one is "the most recent" */
	char calls[MAX_CALLS][16];
	unsigned ncalls;
	char swap_to[16]; /* swap: resume this call once the hold is done */
	char line[LINE_MAX_];
	size_t linelen;
	bool overlong;
};

static void emit(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		free(s);
	}
	json_decref(o);
}

/* A JSON string from network text: invalid UTF-8 (which jansson
 * refuses) has its non-ASCII bytes replaced by '?'. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *c;

	if (j || !s)
		return j;
	c = strdup(s);
	if (!c)
		return json_null();
	for (char *q = c; *q; q++)
		if ((unsigned char)*q >= 0x80)
			*q = '?';
	j = json_string(c);
	free(c);
	return j ? j : json_null();
}

static void result(const char *cmd, int err);

static void emit_error(const char *what)
{
	json_t *o = json_object();

	json_object_set_new(o, "event", json_string("error"));
	json_object_set_new(o, "what", jstr(what));
	emit(o);
}

static void calls_add(struct phone *p, const char *id)
{
	if (p->ncalls == MAX_CALLS) {
		memmove(p->calls[0], p->calls[1],
		        sizeof(p->calls[0]) * (MAX_CALLS - 1));
		p->ncalls--;
	}
	snprintf(p->calls[p->ncalls++], sizeof(p->calls[0]), "%s", id);
}

static void calls_del(struct phone *p, const char *id)
{
	for (unsigned i = 0; i < p->ncalls; i++) {
		if (strcmp(p->calls[i], id))
			continue;
		memmove(p->calls[i], p->calls[i + 1],
		        sizeof(p->calls[0]) * (p->ncalls - i - 1));
		p->ncalls--;
		return;
	}
}

static bool known(struct phone *p, const char *id)
{
	for (unsigned i = 0; i < p->ncalls; i++)
		if (!strcmp(p->calls[i], id))
			return true;
	return false;
}

/* Another live call than @p id (busy). */
static bool busy_besides(struct phone *p, const char *id)
{
	for (unsigned i = 0; i < p->ncalls; i++)
		if (strcmp(p->calls[i], id))
			return true;
	return false;
}

static const char *const ev_names[] = {
        [TZ_UA_EV_REGISTERED] = "registered",
        [TZ_UA_EV_REGISTRATION_FAILED] = "registration_failed",
        [TZ_UA_EV_UNREGISTERED] = "unregistered",
        [TZ_UA_EV_INCOMING] = "incoming",
        [TZ_UA_EV_PROGRESS] = "progress",
        [TZ_UA_EV_ESTABLISHED] = "established",
        [TZ_UA_EV_HELD] = "held",
        [TZ_UA_EV_RESUMED] = "resumed",
        [TZ_UA_EV_ENDED] = "ended",
        [TZ_UA_EV_MESSAGE] = "message",
        [TZ_UA_EV_DTMF] = "dtmf",
        [TZ_UA_EV_RESPONSE] = "response",
        [TZ_UA_EV_ERROR] = "error",
        [TZ_UA_EV_CALLING] = "calling",
        [TZ_UA_EV_TRANSFER_PROGRESS] = "transfer_progress",
        [TZ_UA_EV_TRANSFERRED] = "transferred",
};

/* The policies for a new incoming call. */
static void incoming(struct phone *p, const struct tz_ua_event *ev)
{
	if (p->auto_reject) {
		tz_ua_reject(p->ua, ev->call, p->auto_reject);
		return;
	}
	if (p->reject_anon && ev->anonymous) {
		tz_ua_reject(p->ua, ev->call, p->reject_anon);
		return;
	}
	if (busy_besides(p, ev->call)) {
		/* busy: 486, or with call waiting 182 Queued and let it
		 * ring (the network may forward on no answer) */
		if (p->call_waiting) {
			tz_ua_ring(p->ua, ev->call, 180);
			tz_ua_ring(p->ua, ev->call, 182);
		} else {
			tz_ua_reject(p->ua, ev->call, 486);
		}
		return;
	}
	if (p->auto_answer)
		tz_ua_answer(p->ua, ev->call);
	else
		tz_ua_ring(p->ua, ev->call, 180);
}

static void on_event(const struct tz_ua_event *ev, void *arg)
{
	struct phone *p = arg;
	json_t *o = json_object();

	json_object_set_new(o, "event", json_string(ev_names[ev->type]));
	if (ev->call)
		json_object_set_new(o, "call", json_string(ev->call));
	switch (ev->type) {
	case TZ_UA_EV_MESSAGE:
		json_object_set_new(o, "from", jstr(ev->peer));
		json_object_set_new(o, "text", jstr(ev->text));
		break;
	case TZ_UA_EV_DTMF:
		json_object_set_new(o, "digit", jstr(ev->text));
		break;
	case TZ_UA_EV_ERROR:
		json_object_set_new(o, "what", jstr(ev->text));
		break;
	case TZ_UA_EV_RESPONSE:
		json_object_set_new(o, "method", json_string(ev->method));
		json_object_set_new(o, "code", json_integer(ev->code));
		break;
	case TZ_UA_EV_ENDED:
		json_object_set_new(o, "code",
		                    ev->code ? json_integer(ev->code)
		                             : json_null());
		json_object_set_new(
		        o, "by", json_string(ev->remote ? "remote" : "local"));
		break;
	case TZ_UA_EV_HELD:
	case TZ_UA_EV_RESUMED:
		json_object_set_new(
		        o, "by", json_string(ev->remote ? "remote" : "local"));
		break;
	case TZ_UA_EV_INCOMING:
		json_object_set_new(o, "anonymous",
		                    json_boolean(ev->anonymous));
		break;
	case TZ_UA_EV_ESTABLISHED:
		break;
	default:
		if (ev->code)
			json_object_set_new(o, "code", json_integer(ev->code));
		break;
	}
	if (ev->peer && ev->type != TZ_UA_EV_MESSAGE)
		json_object_set_new(o, "peer", jstr(ev->peer));
	emit(o);
	if (ev->type == TZ_UA_EV_INCOMING) {
		calls_add(p, ev->call);
		incoming(p, ev);
	} else if (ev->type == TZ_UA_EV_CALLING) {
		/* a call the UA placed for a REFER it accepted */
		if (!known(p, ev->call))
			calls_add(p, ev->call);
	} else if (ev->type == TZ_UA_EV_HELD && !ev->remote && p->swap_to[0]) {
		if (tz_ua_call_held(p->ua, p->swap_to))
			result("swap", tz_ua_hold(p->ua, p->swap_to, false));
		p->swap_to[0] = 0;
	} else if (ev->type == TZ_UA_EV_ENDED) {
		calls_del(p, ev->call);
	}
}

/* ---- commands ---- */

static char *next_word(char **sp)
{
	char *s = *sp, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		*sp = s;
		return NULL;
	}
	w = s;
	while (*s && *s != ' ' && *s != '\t')
		s++;
	if (*s)
		*s++ = 0;
	*sp = s;
	return w;
}

/* CALL, or the most recent live call (for answer: the most recent one
 * still ringing). */
static const char *pick(struct phone *p, const char *given, bool ringing)
{
	if (given)
		return given;
	for (unsigned i = p->ncalls; i-- > 0;) {
		enum tz_ua_call_state st = tz_ua_call_state(p->ua, p->calls[i]);

		if (!ringing || st == TZ_UA_CALL_INCOMING)
			return p->calls[i];
	}
	return NULL;
}

static void result(const char *cmd, int err)
{
	char what[160];

	if (!err)
		return;
	snprintf(what, sizeof(what), "%s: %s", cmd,
	         err == -ENOENT   ? "no such call"
	         : err == -EPROTO ? "not possible in this call state"
	         : err == -EBUSY  ? "a request is pending, try again"
	         : err == -EINVAL ? "invalid argument"
	                          : strerror(-err));
	emit_error(what);
}

static void start_quit(struct phone *p);

static int parse_code(const char *s, int lo, int hi)
{
	char *end;
	long v;

	if (!s)
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < lo || v > hi ? -1 : (int)v;
}

static void cmd_call(struct phone *p, char *rest)
{
	char *uri = next_word(&rest), *opt = next_word(&rest), id[16];
	unsigned flags = 0;
	int err;

	if (!uri || (opt && strcmp(opt, "anonymous")) || next_word(&rest)) {
		emit_error("usage: call URI [anonymous]");
		return;
	}
	if (opt)
		flags |= TZ_UA_CALL_ANONYMOUS;
	err = tz_ua_call(p->ua, uri, flags, id, sizeof(id));
	if (err) {
		result("call", err);
		return;
	}
	calls_add(p, id);
}

/* swap: hold the most recent call, then, once that hold is done,
 * resume the one before it (one re-INVITE at a time, in that order). */
static void cmd_swap(struct phone *p)
{
	char cur[16], other[16];
	int err = 0;

	if (p->ncalls < 2) {
		emit_error("swap: needs two calls");
		return;
	}
	snprintf(cur, sizeof(cur), "%s", p->calls[p->ncalls - 1]);
	snprintf(other, sizeof(other), "%s", p->calls[p->ncalls - 2]);
	if (!tz_ua_call_held(p->ua, cur)) {
		err = tz_ua_hold(p->ua, cur, true);
		if (!err)
			snprintf(p->swap_to, sizeof(p->swap_to), "%s", other);
	} else if (tz_ua_call_held(p->ua, other)) {
		err = tz_ua_hold(p->ua, other, false);
	}
	if (err) {
		result("swap", err);
		return;
	}
	/* the call swapped to becomes the most recent */
	snprintf(p->calls[p->ncalls - 2], sizeof(p->calls[0]), "%s", cur);
	snprintf(p->calls[p->ncalls - 1], sizeof(p->calls[0]), "%s", other);
}

static void command(struct phone *p, char *line)
{
	char *rest = line, *cmd = next_word(&rest), *a, *b;
	const char *id;
	int code;

	if (!cmd)
		return;
	if (!strcmp(cmd, "call")) {
		cmd_call(p, rest);
	} else if (!strcmp(cmd, "answer")) {
		a = next_word(&rest);
		id = pick(p, a, true);
		result("answer", id ? tz_ua_answer(p->ua, id) : -ENOENT);
	} else if (!strcmp(cmd, "reject")) {
		a = next_word(&rest);
		b = next_word(&rest);
		code = parse_code(a, 300, 699);
		if (code < 0) {
			emit_error("usage: reject CODE [CALL]");
			return;
		}
		id = pick(p, b, true);
		result("reject", id ? tz_ua_reject(p->ua, id, code) : -ENOENT);
	} else if (!strcmp(cmd, "hangup")) {
		id = pick(p, next_word(&rest), false);
		result("hangup", id ? tz_ua_hangup(p->ua, id) : -ENOENT);
	} else if (!strcmp(cmd, "hold") || !strcmp(cmd, "resume")) {
		id = pick(p, next_word(&rest), false);
		result(cmd,
		       id ? tz_ua_hold(p->ua, id, cmd[0] == 'h') : -ENOENT);
	} else if (!strcmp(cmd, "swap")) {
		cmd_swap(p);
	} else if (!strcmp(cmd, "dtmf")) {
		a = next_word(&rest);
		if (!a) {
			emit_error("usage: dtmf DIGITS [CALL]");
			return;
		}
		id = pick(p, next_word(&rest), false);
		result("dtmf", id ? tz_ua_dtmf(p->ua, id, a) : -ENOENT);
	} else if (!strcmp(cmd, "update")) {
		id = pick(p, next_word(&rest), false);
		result("update", id ? tz_ua_update(p->ua, id) : -ENOENT);
	} else if (!strcmp(cmd, "message")) {
		a = next_word(&rest);
		/* TEXT is the rest of the line, verbatim */
		if (*rest == ' ' || *rest == '\t')
			rest++;
		if (!a || !*rest) {
			emit_error("usage: message URI TEXT");
			return;
		}
		result("message", tz_ua_message(p->ua, a, rest));
	} else if (!strcmp(cmd, "options")) {
		a = next_word(&rest);
		if (!a) {
			emit_error("usage: options URI");
			return;
		}
		result("options", tz_ua_options(p->ua, a));
	} else if (!strcmp(cmd, "register")) {
		result("register", tz_ua_register(p->ua));
	} else if (!strcmp(cmd, "unregister")) {
		result("unregister", tz_ua_unregister(p->ua));
	} else if (!strcmp(cmd, "quit")) {
		start_quit(p);
	} else if (!strcmp(cmd, "transfer")) {
		a = next_word(&rest);
		if (!a) {
			emit_error("usage: transfer URI [CALL]");
			return;
		}
		id = pick(p, next_word(&rest), false);
		result("transfer", id ? tz_ua_transfer(p->ua, id, a) : -ENOENT);
	} else if (!strcmp(cmd, "transfer-attended")) {
		a = next_word(&rest);
		b = next_word(&rest);
		if (!a || !b) {
			emit_error("usage: transfer-attended CALL_A CALL_C");
			return;
		}
		result("transfer-attended",
		       tz_ua_transfer_attended(p->ua, a, b));
	} else {
		char what[96];

		snprintf(what, sizeof(what), "unknown command: %.40s", cmd);
		emit_error(what);
	}
}

/* ---- stdin and exit ---- */

static void quit_tick(void *arg)
{
	struct phone *p = arg;

	/* bounded: what is not done in 4 s is left undone */
	if (tz_ua_idle(p->ua) || tz_loop_now() >= p->quit_deadline) {
		tz_loop_stop(p->loop);
		return;
	}
	tz_timer_start(tz_loop_wheel(p->loop), &p->quit_timer, 20, quit_tick,
	               p);
}

static void start_quit(struct phone *p)
{
	if (p->quitting)
		return;
	p->quitting = true;
	tz_loop_fd(p->loop, 0, 0, NULL, NULL);
	p->quit_deadline = tz_loop_now() + 4000;
	tz_ua_shutdown(p->ua);
	tz_timer_start(tz_loop_wheel(p->loop), &p->quit_timer, 20, quit_tick,
	               p);
}

static void on_stdin(int fd, unsigned events, void *arg)
{
	struct phone *p = arg;
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	(void)events;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		if (p->linelen && !p->overlong) {
			p->line[p->linelen] = 0;
			command(p, p->line);
		}
		p->linelen = 0;
		start_quit(p);
		return;
	}
	for (ssize_t i = 0; i < n && !p->quitting; i++) {
		char c = buf[i];

		if (c == '\n') {
			if (p->overlong)
				emit_error("line too long");
			else {
				if (p->linelen &&
				    p->line[p->linelen - 1] == '\r')
					p->linelen--;
				p->line[p->linelen] = 0;
				command(p, p->line);
			}
			p->linelen = 0;
			p->overlong = false;
		} else if (p->linelen < sizeof(p->line) - 1) {
			p->line[p->linelen++] = c;
		} else {
			p->overlong = true;
		}
	}
}

static void stdin_tick(void *arg)
{
	struct phone *p = arg;

	if (p->quitting)
		return;
	on_stdin(0, TZ_LOOP_READ, p);
	if (!p->quitting)
		tz_timer_start(tz_loop_wheel(p->loop), &p->stdin_timer, 10,
		               stdin_tick, p);
}

static int opt_code(const char *s, const char *name)
{
	int v = parse_code(s, 300, 699);

	if (v < 0) {
		fprintf(stderr, "tzphone: %s wants a status code 300-699\n",
		        name);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"aor", required_argument, NULL, 'a'},
	        {"password", required_argument, NULL, 'p'},
	        {"proxy", required_argument, NULL, 'x'},
	        {"listen", required_argument, NULL, 'l'},
	        {"no-register", no_argument, NULL, 'n'},
	        {"auto-answer", no_argument, NULL, 'A'},
	        {"auto-reject", required_argument, NULL, 'R'},
	        {"reject-anonymous", required_argument, NULL, 'N'},
	        {"call-waiting", no_argument, NULL, 'W'},
	        {"100rel", no_argument, NULL, '1'},
	        {"session-timer", required_argument, NULL, 'S'},
	        {"expires", required_argument, NULL, 'e'},
	        {"t1", required_argument, NULL, 'T'},
	        {"dns-hosts", required_argument, NULL, 'D'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct tz_ua_conf conf = {0};
	struct phone p = {0};
	bool reg = true;
	char err[256] = "";
	json_t *o;
	int c, e;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			conf.aor = optarg;
			break;
		case 'p':
			conf.password = optarg;
			break;
		case 'x':
			conf.proxy = optarg;
			break;
		case 'l':
			conf.listen = optarg;
			break;
		case 'n':
			reg = false;
			break;
		case 'A':
			p.auto_answer = true;
			break;
		case 'R':
			p.auto_reject = opt_code(optarg, "--auto-reject");
			break;
		case 'N':
			p.reject_anon = opt_code(optarg, "--reject-anonymous");
			break;
		case 'W':
			p.call_waiting = true;
			break;
		case '1':
			conf.rel100 = true;
			break;
		case 'S':
			conf.session_expires =
			        (uint32_t)strtoul(optarg, NULL, 10);
			if (conf.session_expires < 90) {
				fputs("tzphone: --session-timer wants 90 "
				      "seconds or more\n",
				      stderr);
				return 2;
			}
			break;
		case 'e':
			conf.expires = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'T':
			conf.t1 = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'D':
			conf.hosts_file = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (!conf.aor || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	e = tz_loop_alloc(&p.loop, 1024);
	if (e) {
		fprintf(stderr, "tzphone: loop: %s\n", strerror(-e));
		return 1;
	}
	e = tz_ua_alloc(&p.ua, p.loop, &conf, on_event, &p, err, sizeof(err));
	if (e) {
		fprintf(stderr, "tzphone: %s\n", err[0] ? err : strerror(-e));
		tz_loop_free(p.loop);
		return 1;
	}
	tz_timer_init(&p.quit_timer);
	tz_timer_init(&p.stdin_timer);
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);
	/* a regular file cannot be polled: read it on a timer instead */
	if (tz_loop_fd(p.loop, 0, TZ_LOOP_READ, on_stdin, &p))
		tz_timer_start(tz_loop_wheel(p.loop), &p.stdin_timer, 10,
		               stdin_tick, &p);
	o = json_object();
	json_object_set_new(o, "event", json_string("ready"));
	json_object_set_new(o, "aor", json_string(conf.aor));
	json_object_set_new(o, "local", json_string(tz_ua_local(p.ua)));
	emit(o);
	if (reg)
		result("register", tz_ua_register(p.ua));
	tz_loop_run(p.loop);
	tz_timer_cancel(&p.quit_timer);
	tz_timer_cancel(&p.stdin_timer);
	tz_ua_free(p.ua);
	tz_loop_free(p.loop);
	return 0;
}
