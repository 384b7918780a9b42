/* SPDX-License-Identifier: ISC */
/*
 * subproto.c - the submission service's wire format, argument allowlist
 * and Received: field (contract: subproto.h).  No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subproto.h"

#define REQ_MAGIC	"smtps-submit 1\n"

static const char name_chars[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";

char *
subproto_req_build(int argc, char *const *argv, long long size,
    size_t *len, struct err *e)
{
	char *out, *p;
	size_t need = sizeof(REQ_MAGIC) + 32 + 1, n;
	int i;

	if (argc > LIMIT_SUBMIT_ARGS)
		return err_set(e, EX_USAGE, "too many arguments for the "
		    "submission service (limit %d)", LIMIT_SUBMIT_ARGS),
		    NULL;
	for (i = 0; i < argc; i++) {
		n = strlen(argv[i]);
		if (n > LIMIT_SUBMIT_ARG || memchr(argv[i], '\n', n))
			return err_set(e, EX_USAGE, "argument %d is too long "
			    "or has a line break", i + 1), NULL;
		need += n + 5;
	}
	if (need > LIMIT_SUBMIT_HEAD)
		return err_set(e, EX_USAGE, "arguments too long for the "
		    "submission service (limit %d bytes)",
		    LIMIT_SUBMIT_HEAD), NULL;
	p = out = xmalloc(need);
	p += snprintf(p, need, "%ssize %lld\n", REQ_MAGIC, size);
	for (i = 0; i < argc; i++)
		p += snprintf(p, need - (size_t)(p - out), "arg %s\n",
		    argv[i]);
	*p++ = '\n';
	*len = (size_t)(p - out);
	return out;
}

/* "size N" with N in 0..LIMIT_MESSAGE */
static int
parse_size(const char *v, long long *size)
{
	const char *es = NULL;

	if (*v == '\0' || v[strspn(v, "0123456789")] != '\0' ||
	    strlen(v) > 12)
		return -1;
	*size = strtonum(v, 0, LIMIT_MESSAGE, &es);
	return es == NULL ? 0 : -1;
}

/* a list request's line after the first */
static int
list_line(struct subproto_req *r, const char *line, int nth, struct err *e)
{
	if (nth > 1)
		return err_set(e, EX_PROTOCOL, "list request: line %d is one "
		    "too many", nth + 1);
	if (strcmp(line, "format text") == 0 || strcmp(line, "format json") ==
	    0) {
		r->json = line[7] == 'j';
		return 0;
	}
	return err_set(e, EX_PROTOCOL, "list request: expected \"format "
	    "text\" or \"format json\"");
}

/* one header line (NUL-terminated in place) into r */
static int
req_line(struct subproto_req *r, char *line, int nth, struct err *e)
{
	if (nth == 0 && strcmp(line, "smtps-list 1") == 0)
		r->list = 1;
	else if (nth == 0)
		return strcmp(line, "smtps-submit 1") == 0 ? 0 :
		    err_set(e, EX_PROTOCOL, "submission request: not a "
		    "version 1 request");
	if (nth == 0 || r->list)
		return nth == 0 ? 0 : list_line(r, line, nth, e);
	if (nth == 1)
		return strncmp(line, "size ", 5) == 0 &&
		    parse_size(line + 5, &r->size) == 0 ? 0 :
		    err_set(e, EX_PROTOCOL, "submission request: bad size "
		    "line");
	if (strncmp(line, "arg ", 4) != 0)
		return err_set(e, EX_PROTOCOL, "submission request: line %d "
		    "is not an argument", nth + 1);
	if (strlen(line + 4) > LIMIT_SUBMIT_ARG)
		return err_set(e, EX_PROTOCOL, "submission request: argument "
		    "longer than %d bytes", LIMIT_SUBMIT_ARG);
	if (r->argc > LIMIT_SUBMIT_ARGS)
		return err_set(e, EX_PROTOCOL, "submission request: more than "
		    "%d arguments", LIMIT_SUBMIT_ARGS);
	r->argv[r->argc++] = line + 4;
	return 0;
}

/* the end of the header ("\n\n") in buf, or 0 */
static size_t
head_end(const char *buf, size_t len)
{
	size_t i;

	for (i = 1; i < len; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\n')
			return i + 1;
	return 0;
}

long
subproto_req_parse(const char *buf, size_t len, struct subproto_req *r,
    struct err *e)
{
	size_t end = head_end(buf, len > LIMIT_SUBMIT_HEAD ?
	    LIMIT_SUBMIT_HEAD : len);
	char *line, *nl;
	const char *what;
	int nth = 0;

	memset(r, 0, sizeof(*r));
	r->argv[r->argc++] = (char *)"sendmail";
	if (end == 0)
		return len >= LIMIT_SUBMIT_HEAD ? err_set(e, EX_PROTOCOL,
		    "submission request: header longer than %d bytes",
		    LIMIT_SUBMIT_HEAD) : 0;
	if (memchr(buf, '\0', end) != NULL)
		return err_set(e, EX_PROTOCOL, "submission request: NUL byte "
		    "in the header");
	r->text = xstrndup(buf, end - 1);	/* the last "\n" dropped */
	for (line = r->text; *line != '\0'; line = nl + 1, nth++) {
		nl = strchr(line, '\n');
		*nl = '\0';
		if (req_line(r, line, nth, e) == -1) {
			subproto_req_free(r);
			return -1;
		}
	}
	if (nth < 2) {
		what = r->list ? "list" : "submission";
		subproto_req_free(r);
		return err_set(e, EX_PROTOCOL, "%s request: header "
		    "incomplete", what);
	}
	r->argv[r->argc] = NULL;
	return (long)end;
}

void
subproto_req_free(struct subproto_req *r)
{
	free(r->text);
	memset(r, 0, sizeof(*r));
}

/* "WORD CODE LEN\n" and at most max bytes of text; malloc'ed */
static char *
framed(const char *word, int code, const char *text, size_t n, size_t max,
    size_t *len)
{
	char *out;
	int h;

	if (n > max)
		n = max;
	out = xmalloc(n + 40);
	h = snprintf(out, 40, "%s %d %zu\n", word, code & 0xff, n);
	memcpy(out + h, text, n);
	*len = (size_t)h + n;
	return out;
}

char *
subproto_reply_build(int code, const char *text, size_t n, size_t *len)
{
	return framed("status", code, text, n, LIMIT_SUBMIT_REPLY, len);
}

/* "status CODE LEN" (line without its LF) */
static int
status_line(const char *s, struct subproto_reply *r)
{
	char *end;
	long c;
	unsigned long long n;

	if (strncmp(s, "status ", 7) != 0 || s[7] < '0' || s[7] > '9')
		return -1;
	c = strtol(s + 7, &end, 10);
	if (c < 0 || c > 255 || *end != ' ' || end[1] < '0' || end[1] > '9')
		return -1;
	n = strtoull(end + 1, &end, 10);
	if (*end != '\0' || n > LIMIT_SUBMIT_REPLY)
		return -1;
	r->code = (int)c;
	r->len = (size_t)n;
	return 0;
}

long
subproto_reply_parse(const char *buf, size_t len, struct subproto_reply *r,
    struct err *e)
{
	const char *nl = memchr(buf, '\n', len < 64 ? len : 64);
	char line[64];

	memset(r, 0, sizeof(*r));
	if (nl == NULL)
		return len >= 64 ? err_set(e, EX_PROTOCOL, "submission "
		    "service: bad reply line") : 0;
	memcpy(line, buf, (size_t)(nl - buf));
	line[nl - buf] = '\0';
	if (strcmp(line, "ready") == 0) {
		r->ready = 1;
		return (long)(nl - buf + 1);
	}
	if (memchr(line, '\0', (size_t)(nl - buf)) != NULL ||
	    status_line(line, r) == -1)
		return err_set(e, EX_PROTOCOL, "submission service: bad reply "
		    "line");
	if (len - (size_t)(nl - buf + 1) < r->len)
		return 0;
	memcpy(r->text, nl + 1, r->len);
	r->text[r->len] = '\0';
	return (long)(nl - buf + 1 + r->len);
}

char *
subproto_list_req_build(int json, size_t *len)
{
	char *out;

	xasprintf(&out, "smtps-list 1\nformat %s\n\n", json ? "json" :
	    "text");
	*len = strlen(out);
	return out;
}

char *
subproto_list_build(int code, const char *text, size_t n, size_t *len)
{
	return framed("list", code, text, n, LIMIT_LIST_REPLY, len);
}

long
subproto_list_head(const char *buf, size_t len, int *code, size_t *n,
    struct err *e)
{
	const char *nl = memchr(buf, '\n', len < 64 ? len : 64);
	char line[64], *end;
	unsigned long long v;
	long c;

	if (nl == NULL)
		return len >= 64 ? err_set(e, EX_PROTOCOL, "submission "
		    "service: bad list line") : 0;
	memcpy(line, buf, (size_t)(nl - buf));
	line[nl - buf] = '\0';
	if (memchr(line, '\0', (size_t)(nl - buf)) != NULL ||
	    strncmp(line, "list ", 5) != 0 || line[5] < '0' || line[5] > '9')
		goto bad;
	c = strtol(line + 5, &end, 10);
	if (c < 0 || c > 255 || *end != ' ' || end[1] < '0' || end[1] > '9')
		goto bad;
	v = strtoull(end + 1, &end, 10);
	if (*end != '\0' || v > LIMIT_LIST_REPLY)
		goto bad;
	*code = (int)c;
	*n = (size_t)v;
	return (long)(nl - buf + 1);
bad:
	return err_set(e, EX_PROTOCOL, "submission service: bad list line");
}

/* what a caller of the service may not choose */
static const char *
refused_opt(const struct opts *o)
{
	if (o->mode != MODE_SEND)
		return "a mode flag (only sending is offered)";
	if (o->conffile != NULL)
		return "-C/--file";
	if (o->account != NULL)
		return "-a/--account";
	if (o->novr > 0)
		return "a keyword option (--host=..., --from=...)";
	if (o->no_queue)
		return "--no-queue";
	if (o->submitter != NULL)
		return "--submitter";
	if (o->socket != NULL)
		return "--socket";
	return NULL;
}

int
subproto_args(int argc, char **argv, struct opts *o, struct err *e)
{
	const char *why;

	if (flags_parse(argc, argv, o, e) == -1)
		return -1;
	if ((why = refused_opt(o)) != NULL)
		return err_set(e, EX_USAGE, "the submission service does not "
		    "take %s", why);
	return 0;
}

int
subproto_child_argv(const struct opts *o, const char *conf,
    const char *submitter, char ***out, struct err *e)
{
	char **v;
	int n = 0, i;

	if (o->nrcpts > LIMIT_RCPTS)
		return err_set(e, EX_USAGE, "too many recipients (limit %d)",
		    LIMIT_RCPTS);
	v = xcalloc((size_t)o->nrcpts + 24, sizeof(char *));
	v[n++] = (char *)"smtps";
	v[n++] = (char *)"--submitter";
	v[n++] = (char *)submitter;
	if (conf != NULL) {
		v[n++] = (char *)"-C";
		v[n++] = (char *)conf;
	}
	if (o->read_rcpts)
		v[n++] = (char *)"-t";
	if (o->read_envelope_from)
		v[n++] = (char *)"--read-envelope-from";
#define PAIR(flag, val) \
	if ((val) != NULL) { v[n++] = (char *)flag; v[n++] = (char *)(val); }
	PAIR("-f", o->from)
	PAIR("-F", o->fullname)
	PAIR("-N", o->dsn_notify)
	PAIR("-R", o->dsn_return)
	PAIR("-V", o->envid)
	PAIR("-O", o->smtputf8 ? "smtputf8" : NULL)
	PAIR("-O", o->requiretls ? "requiretls" : NULL)
#undef PAIR
	v[n++] = (char *)"--";
	for (i = 0; i < o->nrcpts; i++)
		v[n++] = o->rcpts[i];
	v[n] = NULL;
	*out = v;
	return 0;
}

int
subproto_submitter_ok(const char *s)
{
	size_t d = strspn(s, "0123456789"), n;

	if (d == 0 || d > 10 || s[d] != ' ')
		return 0;
	n = strspn(s + d + 1, name_chars);
	return n > 0 && n <= LIMIT_USER_NAME && s[d + 1 + n] == '\0';
}

int
subproto_received(char *buf, size_t sz, const char *submitter,
    const char *host, time_t now, int tzoff_min)
{
	static const char *const day[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = now + (time_t)tzoff_min * 60;
	int off = tzoff_min < 0 ? -tzoff_min : tzoff_min, d, n;
	struct tm tm;

	if (!subproto_submitter_ok(submitter) || gmtime_r(&t, &tm) == NULL ||
	    host[strspn(host, name_chars)] != '\0' || *host == '\0')
		return -1;
	d = (int)strspn(submitter, "0123456789");
	n = snprintf(buf, sz, "Received: from uid %.*s (%s)\r\n\tby %s "
	    "(smtps submission service);\r\n\t%s, %d %s %d %02d:%02d:%02d "
	    "%c%02d%02d\r\n", d, submitter, submitter + d + 1, host,
	    day[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec, tzoff_min < 0 ? '-' : '+',
	    off / 60, off % 60);
	return n > 0 && (size_t)n < sz ? 0 : -1;
}
