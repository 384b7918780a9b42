/* SPDX-License-Identifier: ISC */
/*
 * err.c - the one error model: filling struct err, the audited
 * temporary/permanent policy for SMTP replies, making server text visible,
 * and the allocators that cannot fail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#include "err.h"

void
err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

int
err_set(struct err *e, int code, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char pre[LIMIT_ERR_MSG], old[LIMIT_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	strlcpy(old, e->msg, sizeof(old));
	err_fmt(e->msg, sizeof(e->msg), "%s: %s", pre, old);
	return -1;
}

size_t
err_fmt(char *out, size_t outsz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, outsz, fmt, ap);
	va_end(ap);
	if (n < 0)
		out[0] = '\0';
	else if ((size_t)n >= outsz)
		memcpy(out + outsz - 4, "...", 4);
	return strlen(out);
}

/* the arguments may point into e->msg (or anywhere): formatted first */
void
err_append(struct err *e, const char *fmt, ...)
{
	char add[LIMIT_ERR_MSG];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(add, sizeof(add), fmt, ap);
	va_end(ap);
	strlcat(e->msg, add, sizeof(e->msg));
}

void
err_set_reply(struct err *e, const char *text, size_t len)
{
	err_visible(e->reply, sizeof(e->reply), text, len);
}

/*
 * The policy.  4xx is temporary everywhere, with no exception: the server
 * says "try again".  5xx is permanent; which permanent code depends on the
 * phase: a refused recipient is EX_NOUSER, a refused login EX_NOPERM.
 * A code outside 2xx-5xx, or a reply that makes no sense where it came,
 * is the server breaking the protocol.
 */
int
err_from_reply(struct err *e, enum err_phase ph, int code, const char *text,
    size_t textlen, const char *what)
{
	int ex;

	if (code >= 400 && code < 500)
		ex = EX_TEMPFAIL;
	else if (code >= 500 && code < 600) {
		switch (ph) {
		case PH_RCPT:
			ex = EX_NOUSER;
			break;
		case PH_AUTH:
			ex = (code == 535 || code == 534 || code == 530) ?
			    EX_NOPERM : EX_UNAVAILABLE;
			break;
		default:
			ex = EX_UNAVAILABLE;
			break;
		}
	} else
		ex = EX_PROTOCOL;
	err_set(e, ex, "%s: %s (%d)", what,
	    ex == EX_TEMPFAIL ? "temporary failure" :
	    ex == EX_PROTOCOL ? "unexpected reply" : "refused", code);
	if (text != NULL) {
		char line[LIMIT_ERR_REPLY];
		char full[LIMIT_ERR_REPLY];

		snprintf(line, sizeof(line), "%d %.*s", code, (int)(textlen >
		    LIMIT_REPLY_QUOTED ? LIMIT_REPLY_QUOTED : textlen), text);
		err_visible(full, sizeof(full), line, strlen(line));
		strlcpy(e->reply, full, sizeof(e->reply));
	}
	return -1;
}

int
err_is_temporary(int code)
{
	return code == EX_TEMPFAIL;
}

size_t
err_visible(char *out, size_t outsz, const char *in, size_t inlen)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;
	char tmp[5];
	size_t tl;

	if (outsz == 0)
		return 0;
	for (i = 0; i < inlen; i++) {
		unsigned char c = (unsigned char)in[i];

		tl = 0;
		if (c == '\r') {
			tmp[tl++] = '\\'; tmp[tl++] = 'r';
		} else if (c == '\n') {
			tmp[tl++] = '\\'; tmp[tl++] = 'n';
		} else if (c == '\t') {
			tmp[tl++] = '\\'; tmp[tl++] = 't';
		} else if (c == 0x1b) {
			tmp[tl++] = '\\'; tmp[tl++] = 'e';
		} else if (c == '\\') {
			tmp[tl++] = '\\'; tmp[tl++] = '\\';
		} else if (c < 0x20 || c >= 0x7f) {
			tmp[tl++] = '\\'; tmp[tl++] = 'x';
			tmp[tl++] = hex[c >> 4]; tmp[tl++] = hex[c & 15];
		} else
			tmp[tl++] = (char)c;
		if (o + tl >= outsz)
			break;
		memcpy(out + o, tmp, tl);
		o += tl;
	}
	out[o] = '\0';
	return o;
}

void
err_print(const struct err *e)
{
	if (e->reply[0] != '\0')
		fprintf(stderr, "smtps: %s [server said: %s]\n", e->msg,
		    e->reply);
	else
		fprintf(stderr, "smtps: %s\n", e->msg);
}

static void
oom(void)
{
	fputs("smtps: out of memory\n", stderr);
	exit(EX_OSERR);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom();
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t sz)
{
	void *p = reallocarray(old, n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom();
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oom();
	return p;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(ret, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return n;
}
