/*
 * cmd_parse.c  `trapezoid parse [FILE|-]`: a syntax-level verdict on one
 * message with datagram semantics (RFC 3261 18.3).
 *
 * Well-formed: "ok {json}" and exit 0. Malformed: "reject CODE REASON" and
 * exit 1, CODE being what a server answers (0: a response, dropped).
 * Usage or I/O error: a message on stderr and exit 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz/tz_msg.h"
#include "json_out.h"
#include "cmds.h"

/*
 * Read all of @f. At most @cap bytes are kept; *total counts them all, so a
 * message over the limit is still recognised as such.
 */
static int read_all(FILE *f, char *buf, size_t cap, size_t *kept, size_t *total)
{
	char sink[4096];
	size_t n;

	*kept = fread(buf, 1, cap, f);
	*total = *kept;
	while (*kept == cap && (n = fread(sink, 1, sizeof(sink), f)) > 0)
		*total += n;
	return ferror(f) ? -EIO : 0;
}

static void print_vias(const struct tz_msg *msg)
{
	const char *b = msg->buf;
	const struct tz_hdr *h;
	unsigned nth = 0, count = 0;

	fputs("\"vias\":[", stdout);
	while ((h = tz_msg_hdr_find(msg, TZ_HDR_VIA, nth++))) {
		uint32_t p = h->value.off, end = h->value.off + h->value.len;
		struct tz_via via;
		do {
			if (tz_via_decode(&via, b, &p, end))
				break; /* cannot happen: the parse checked */
			fputs(count++ ? ",{" : "{", stdout);
			fputs("\"transport\":", stdout);
			json_span(stdout, b, via.transport, true);
			fputs(",\"host\":", stdout);
			json_span(stdout, b, via.host, true);
			if (via.port >= 0)
				printf(",\"port\":%d", via.port);
			else
				fputs(",\"port\":null", stdout);
			fputs(",\"branch\":", stdout);
			json_span(stdout, b, via.branch,
			          via.has & TZ_VIA_BRANCH);
			fputs(",\"received\":", stdout);
			json_span(stdout, b, via.received,
			          via.has & TZ_VIA_RECEIVED);
			if (via.has & TZ_VIA_RPORT_VALUE)
				printf(",\"rport\":%d}", via.rport);
			else if (via.has & TZ_VIA_RPORT)
				fputs(",\"rport\":true}", stdout);
			else
				fputs(",\"rport\":null}", stdout);
		} while (tz_list_next(b, &p, end));
	}
	fputc(']', stdout);
}

static void print_ok(const struct tz_msg *msg)
{
	const char *b = msg->buf;

	printf("ok {\"type\":\"%s\",\"method\":",
	       msg->request ? "request" : "response");
	json_span(stdout, b, msg->method, msg->request);
	fputs(",\"ruri\":", stdout);
	json_span(stdout, b, msg->ruri, msg->request);
	if (msg->request)
		fputs(",\"status\":null", stdout);
	else
		printf(",\"status\":%u", msg->status);
	fputs(",\"reason\":", stdout);
	json_span(stdout, b, msg->reason, !msg->request);
	fputs(",\"call_id\":", stdout);
	json_span(stdout, b, msg->call_id, true);
	printf(",\"cseq\":%u,\"cseq_method\":", msg->cseq);
	json_span(stdout, b, msg->cseq_method, true);
	fputs(",\"from_tag\":", stdout);
	json_span(stdout, b, msg->from.tag, msg->from.has_tag);
	fputs(",\"to_tag\":", stdout);
	json_span(stdout, b, msg->to.tag, msg->to.has_tag);
	if (msg->max_forwards >= 0)
		printf(",\"max_forwards\":%d,", msg->max_forwards);
	else
		fputs(",\"max_forwards\":null,", stdout);
	print_vias(msg);
	if (msg->content_length >= 0)
		printf(",\"content_length\":%lld",
		       (long long)msg->content_length);
	else
		fputs(",\"content_length\":null", stdout);
	printf(",\"body_length\":%u,\"headers\":%u}\n", msg->body.len,
	       msg->nhdr);
}

int cmd_parse(int argc, char **argv)
{
	const struct tz_msg_limits *lim = &tz_msg_limits_default;
	const char *path = argc > 1 ? argv[1] : "-";
	struct tz_hdr hdrs[TZ_MSG_HDRS_DEFAULT];
	struct tz_msg msg;
	size_t kept, total;
	FILE *f = stdin;
	char *buf;
	int err;

	if (argc > 2 || (argc == 2 && (!strcmp(argv[1], "-h") ||
	                               !strcmp(argv[1], "--help")))) {
		fputs("usage: trapezoid parse [FILE|-]\n", stderr);
		return argc > 2 ? 2 : 0;
	}
	if (strcmp(path, "-") != 0 && !(f = fopen(path, "rb"))) {
		fprintf(stderr, "trapezoid: parse: %s: %s\n", path,
		        strerror(errno));
		return 2;
	}
	buf = malloc(lim->max_msg + 1);
	if (!buf) {
		fputs("trapezoid: parse: out of memory\n", stderr);
		goto out_close;
	}
	if (read_all(f, buf, lim->max_msg + 1, &kept, &total)) {
		fprintf(stderr, "trapezoid: parse: %s: read error\n", path);
		free(buf);
		goto out_close;
	}
	if (f != stdin)
		fclose(f);
	tz_msg_init(&msg, hdrs, TZ_MSG_HDRS_DEFAULT);
	/* total > kept only past the limit: parse then reports 513 */
	err = tz_msg_parse(&msg, buf, kept, lim);
	if (err) {
		printf("reject %u %s: %s\n", msg.err_status,
		       tz_msg_status_phrase(msg.err_status), msg.err_what);
	} else {
		print_ok(&msg);
	}
	free(buf);
	(void)total;
	return err ? 1 : 0;

out_close:
	if (f != stdin)
		fclose(f);
	return 2;
}
