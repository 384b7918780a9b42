/* SPDX-License-Identifier: ISC */
/*
 * url.c - PURE URL parsing, form encoding and query lookup (contract:
 * url.h).  Nothing is resolved or fetched here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"

static int
bad(struct err *e, const char *why)
{
	return err_set(e, EX_CONFIG, "URL: %s", why);
}

static int
url_scheme(const char **s, int allow_http, struct url *u, struct err *e)
{
	if (strncasecmp(*s, "https://", 8) == 0) {
		*s += 8;
		u->https = 1;
		u->port = 443;
		return 0;
	}
	if (allow_http && strncasecmp(*s, "http://", 7) == 0) {
		*s += 7;
		u->port = 80;
		return 0;
	}
	return bad(e, allow_http ? "must begin with https:// or http://" :
	    "must begin with https://");
}

static int
url_host(const char **s, struct url *u, struct err *e)
{
	const char *p = *s, *end;
	size_t n;

	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL)
			return bad(e, "unterminated [IPv6 address]");
		p++;
		n = (size_t)(end - p);
		if (n == 0 || strspn(p, "0123456789abcdefABCDEF:.") < n)
			return bad(e, "bad [IPv6 address]");
		end++;
	} else {
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");
		end = p + n;
		if (n == 0)
			return bad(e, "no host name");
		if (*end == '@')
			return bad(e, "user names in URLs are not supported");
	}
	if (n > LIMIT_DOMAIN)
		return bad(e, "host name too long");
	memcpy(u->host, p, n);
	u->host[n] = '\0';
	*s = end;
	return 0;
}

static int
url_port(const char **s, struct url *u, struct err *e)
{
	const char *p = *s + 1, *es = NULL;
	char num[8];
	size_t n;

	if (**s != ':')
		return 0;
	n = strspn(p, "0123456789");
	if (n == 0 || n >= sizeof(num))
		return bad(e, "bad port");
	memcpy(num, p, n);
	num[n] = '\0';
	u->port = (int)strtonum(num, 1, 65535, &es);
	if (es != NULL)
		return bad(e, "port out of range (1-65535)");
	*s = p + n;
	return 0;
}

int
url_parse(const char *in, int allow_http, struct url *u, struct err *e)
{
	const char *s = in, *p;

	memset(u, 0, sizeof(*u));
	if (url_scheme(&s, allow_http, u, e) == -1 ||
	    url_host(&s, u, e) == -1 || url_port(&s, u, e) == -1)
		return -1;
	if (*s != '\0' && *s != '/' && *s != '?')
		return bad(e, "unexpected character after the host name");
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return bad(e, "space or control character");
		if (*p == '#')
			return bad(e, "fragments (#) are not allowed");
	}
	if (strlen(s) + 1 > LIMIT_URL)
		return bad(e, "path too long");
	snprintf(u->path, sizeof(u->path), "%s%s", *s == '/' ? "" : "/", s);
	return 0;
}

static void
enc(char **out, size_t *len, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(v), i;
	char *p;

	*out = xreallocarray(*out, *len + 3 * n + 2, 1);
	p = *out + *len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			*p++ = (char)c;
			continue;
		}
		*p++ = '%';
		*p++ = hex[c >> 4];
		*p++ = hex[c & 15];
	}
	*p = '\0';
	*len = (size_t)(p - *out);
}

void
url_form_add(char **body, const char *name, const char *value)
{
	size_t len = *body != NULL ? strlen(*body) : 0;

	if (len > 0) {
		*body = xreallocarray(*body, len + 2, 1);
		(*body)[len++] = '&';
		(*body)[len] = '\0';
	}
	enc(body, &len, name);
	*body = xreallocarray(*body, len + 2, 1);
	(*body)[len++] = '=';
	(*body)[len] = '\0';
	enc(body, &len, value);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* percent-decode v[0..n) into out; -1: bad escape, NUL or too long */
static int
dec(const char *v, size_t n, char *out, size_t outsz)
{
	size_t i, o = 0;
	int h, l;

	for (i = 0; i < n; i++) {
		char c = v[i];

		if (c == '%') {
			if (i + 2 >= n ||
			    (h = hexval(v[i + 1])) < 0 ||
			    (l = hexval(v[i + 2])) < 0)
				return -1;
			c = (char)(h * 16 + l);
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (c == '\0' || o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int
url_query_get(const char *q, const char *name, char *out, size_t outsz)
{
	const char *p = strchr(q, '?'), *end, *amp;
	size_t nl = strlen(name);

	if (outsz == 0)
		return -1;
	if (p != NULL)
		q = p + 1;
	end = q + strcspn(q, "#");
	for (p = q; p < end; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		if ((size_t)(amp - p) > nl && strncmp(p, name, nl) == 0 &&
		    p[nl] == '=')
			return dec(p + nl + 1, (size_t)(amp - p - nl - 1), out,
			    outsz) == -1 ? -1 : 1;
		if ((size_t)(amp - p) == nl && strncmp(p, name, nl) == 0) {
			out[0] = '\0';
			return 1;
		}
		if (amp == end)
			break;
	}
	return 0;
}
