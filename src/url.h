/* SPDX-License-Identifier: ISC */
/*
 * url.h - PURE URL handling for the OAuth2 client: parse an https URL,
 * build an application/x-www-form-urlencoded body, read one parameter of
 * a query string.  No I/O, no globals, never exits; every input bounded.
 *
 * url_parse(): "https://HOST[:PORT][/PATH][?QUERY]" (scheme case-
 * insensitive; "http://" only when allow_http is set, which only the
 * loopback redirect listener's own URL uses).  HOST: a DNS name (letters,
 * digits, '-', '.') of at most LIMIT_DOMAIN bytes, or an IPv6 literal in
 * brackets (stored without them); PORT 1..65535 (default 443, 80 for
 * http); PATH+QUERY ("/" when empty) at most LIMIT_URL bytes.  No user
 * info ('@'), no fragment ('#'), no spaces or control bytes.  Failure:
 * EX_CONFIG "URL ...: why" (the caller prefixes where it came from).
 *
 * url_form_add(): append "name=value" (with '&' between pairs) to a
 * malloc'ed string, both percent-encoded (RFC 3986 unreserved bytes kept,
 * everything else %XX, space as %20).
 *
 * url_query_get(): the value of parameter `name` in a query string (or a
 * whole URL: everything up to the first '?' is skipped, a '#' ends it),
 * percent-decoded ('+' as space) into out; 1 found, 0 absent, -1 too
 * long for outsz or a bad %XX or a decoded NUL.
 */
#ifndef SMTPS_URL_H
#define SMTPS_URL_H

#include <stddef.h>

#include "err.h"

struct url {
	char	host[LIMIT_DOMAIN + 1];
	int	port;
	int	https;			/* 0: http (allow_http only) */
	char	path[LIMIT_URL + 1];	/* path and query, starts with '/' */
};

int	url_parse(const char *, int allow_http, struct url *, struct err *);
void	url_form_add(char **body, const char *name, const char *value);
int	url_query_get(const char *query, const char *name, char *out,
	    size_t outsz);

#endif
