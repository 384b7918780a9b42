/* SPDX-License-Identifier: ISC */
/*
 * logline.c - PURE formatter of the logfile/syslog line.
 * The contract is in logline.h.
 */
#include <sysexits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "logline.h"

#define LOGLINE_MORE	" ..."

struct lb {
	char	*out;
	size_t	 sz, len;
	int	 full;
};

static int
needs_quotes(const char *v)
{
	const unsigned char *p;

	if (*v == '\0')
		return 1;
	for (p = (const unsigned char *)v; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\'' || *p == '"' ||
		    *p == '=' || *p == '\\')
			return 1;
	return 0;
}

/* the escaped (and maybe quoted) value; caller frees */
static char *
escape(const char *v)
{
	size_t n = strlen(v), o = 0;
	char *s = xmalloc(n * 4 + 3);
	int q = needs_quotes(v);
	const unsigned char *p;

	if (q)
		s[o++] = '\'';
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (*p < ' ' || *p >= 0x7f)
			o += (size_t)snprintf(s + o, 5, "\\x%02X", *p);
		else {
			if (*p == '\'' || *p == '\\')
				s[o++] = '\\';
			s[o++] = (char)*p;
		}
	}
	if (q)
		s[o++] = '\'';
	s[o] = '\0';
	return s;
}

/* append raw text if it fits with room for " ..." left over */
static int
put(struct lb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->full)
		return -1;
	if (b->len + n + sizeof(LOGLINE_MORE) > b->sz) {
		b->full = 1;
		if (b->len + sizeof(LOGLINE_MORE) <= b->sz) {
			memcpy(b->out + b->len, LOGLINE_MORE,
			    sizeof(LOGLINE_MORE));
			b->len += sizeof(LOGLINE_MORE) - 1;
		}
		return -1;
	}
	memcpy(b->out + b->len, s, n + 1);
	b->len += n;
	return 0;
}

static void
field(struct lb *b, const char *key, const char *val)
{
	char *v, *kv;

	if (val == NULL || b->full)
		return;
	v = escape(val);
	xasprintf(&kv, "%s%s=%s", b->len > 0 ? " " : "", key, v);
	put(b, kv);
	free(kv);
	free(v);
}

static void
field_num(struct lb *b, const char *key, long long val)
{
	char num[32];

	snprintf(num, sizeof(num), "%lld", val);
	field(b, key, num);
}

static void
field_rcpts(struct lb *b, char * const *rcpts, size_t n)
{
	size_t i, len = 1;
	char *all;

	if (rcpts == NULL || n == 0)
		return;
	for (i = 0; i < n; i++)
		len += strlen(rcpts[i]) + 1;
	all = xmalloc(len);
	all[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(all, ",", len);
		strlcat(all, rcpts[i], len);
	}
	field(b, "recipients", all);
	free(all);
}

static void
put_time(struct lb *b, const struct tm *tm, const char *fmt)
{
	char t[LIMIT_LOG_TIME];
	size_t n;

	if (fmt == NULL || fmt[0] == '\0')
		fmt = "%b %d %H:%M:%S";
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	n = strftime(t, sizeof(t), fmt, tm);
#pragma GCC diagnostic pop
	if (n == 0)			/* too long, or an empty result */
		n = strftime(t, sizeof(t), "%b %d %H:%M:%S", tm);
	t[n] = '\0';
	for (n = 0; t[n] != '\0'; n++)	/* no line breaks from the format */
		if ((unsigned char)t[n] < ' ' || (unsigned char)t[n] >= 0x7f)
			t[n] = (unsigned char)t[n] < ' ' ? ' ' : '?';
	put(b, t);
}

size_t
logline_format(const struct logline *l, const struct tm *tm,
    const char *timefmt, char *out, size_t outsz)
{
	struct lb b = { out, outsz, 0, 0 };

	if (outsz == 0)
		return 0;
	out[0] = '\0';
	if (outsz < sizeof(LOGLINE_MORE) + 1)
		return 0;
	if (tm != NULL && (timefmt == NULL || strcmp(timefmt, "none") != 0))
		put_time(&b, tm, timefmt);
	field(&b, "account", l->account);
	field(&b, "host", l->host);
	if (l->port > 0)
		field_num(&b, "port", l->port);
	if (!l->nosession) {
		field(&b, "tls", l->tls != NULL ? l->tls : "off");
		field(&b, "auth", l->auth != NULL ? l->auth : "off");
		if (l->auth != NULL)
			field(&b, "user", l->user);
	}
	field(&b, "from", l->from);
	field_rcpts(&b, l->rcpts, l->nrcpts);
	if (l->size >= 0)
		field_num(&b, "mailsize", l->size);
	field(&b, "msgid", l->msgid);
	field(&b, "queueid", l->queue_id);
	field(&b, "outcome", l->outcome);
	if (l->status > 0)
		field_num(&b, "smtpstatus", l->status);
	else if (l->reply != NULL && strspn(l->reply, "0123456789") == 3)
		field_num(&b, "smtpstatus", strtol(l->reply, NULL, 10));
	field(&b, "smtpmsg", l->reply);
	field(&b, "errormsg", l->error);
	field(&b, "exitcode", logline_exitname(l->exitcode));
	return b.len;
}

const char *
logline_exitname(int code)
{
	static const struct { int code; const char *name; } names[] = {
		{ EX_OK, "EX_OK" }, { EX_USAGE, "EX_USAGE" },
		{ EX_DATAERR, "EX_DATAERR" }, { EX_NOINPUT, "EX_NOINPUT" },
		{ EX_NOUSER, "EX_NOUSER" }, { EX_NOHOST, "EX_NOHOST" },
		{ EX_UNAVAILABLE, "EX_UNAVAILABLE" },
		{ EX_SOFTWARE, "EX_SOFTWARE" }, { EX_OSERR, "EX_OSERR" },
		{ EX_OSFILE, "EX_OSFILE" }, { EX_CANTCREAT, "EX_CANTCREAT" },
		{ EX_IOERR, "EX_IOERR" }, { EX_TEMPFAIL, "EX_TEMPFAIL" },
		{ EX_PROTOCOL, "EX_PROTOCOL" }, { EX_NOPERM, "EX_NOPERM" },
		{ EX_CONFIG, "EX_CONFIG" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].code == code)
			return names[i].name;
	return "EX_UNKNOWN";
}
