/* SPDX-License-Identifier: ISC */
/*
 * t_url.c - url.c: https URLs accepted and refused (scheme, host, IPv6
 * literal, port range, user info, fragment, control bytes, length),
 * form encoding byte for byte, and query lookup with percent-decoding.
 */
#include <stdlib.h>

#include "t.h"
#include "url.h"

static void
test_parse(void)
{
	static const struct {
		const char *in;
		int http, rc;
		const char *host;
		int port;
		const char *path, *msg;
	} tab[] = {
		{ "https://login.microsoftonline.com/common/oauth2/v2.0/token",
		    0, 0, "login.microsoftonline.com", 443,
		    "/common/oauth2/v2.0/token", NULL },
		{ "HTTPS://idp.example:8443", 0, 0, "idp.example", 8443, "/",
		    NULL },
		{ "https://127.0.0.1:1/t?a=b&c", 0, 0, "127.0.0.1", 1,
		    "/t?a=b&c", NULL },
		{ "https://[::1]:9/x", 0, 0, "::1", 9, "/x", NULL },
		{ "https://h?q=1", 0, 0, "h", 443, "/?q=1", NULL },
		{ "http://127.0.0.1:5/", 1, 0, "127.0.0.1", 5, "/", NULL },
		{ "http://127.0.0.1:5/", 0, -1, NULL, 0, NULL,
		    "URL: must begin with https://" },
		{ "ftp://h/", 1, -1, NULL, 0, NULL,
		    "URL: must begin with https:// or http://" },
		{ "https://", 0, -1, NULL, 0, NULL, "URL: no host name" },
		{ "https://u:p@h/", 0, -1, NULL, 0, NULL, "URL: bad port" },
		{ "https://u@h/", 0, -1, NULL, 0, NULL,
		    "URL: user names in URLs are not supported" },
		{ "https://h:0/", 0, -1, NULL, 0, NULL,
		    "URL: port out of range (1-65535)" },
		{ "https://h:65536/", 0, -1, NULL, 0, NULL,
		    "URL: port out of range (1-65535)" },
		{ "https://h:/", 0, -1, NULL, 0, NULL, "URL: bad port" },
		{ "https://h:123456789/", 0, -1, NULL, 0, NULL,
		    "URL: bad port" },
		{ "https://h/a b", 0, -1, NULL, 0, NULL,
		    "URL: space or control character" },
		{ "https://h/a\x7f", 0, -1, NULL, 0, NULL,
		    "URL: space or control character" },
		{ "https://h/#frag", 0, -1, NULL, 0, NULL,
		    "URL: fragments (#) are not allowed" },
		{ "https://[::1/", 0, -1, NULL, 0, NULL,
		    "URL: unterminated [IPv6 address]" },
		{ "https://[zz]/", 0, -1, NULL, 0, NULL,
		    "URL: bad [IPv6 address]" },
		{ "https://h_x/", 0, -1, NULL, 0, NULL, "URL: unexpected "
		    "character after the host name" },
	};
	struct url u;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_EQ_INT(url_parse(tab[i].in, tab[i].http, &u, &e), tab[i].rc);
		if (tab[i].rc == 0) {
			T_EQ_STR(u.host, tab[i].host);
			T_EQ_INT(u.port, tab[i].port);
			T_EQ_STR(u.path, tab[i].path);
		} else {
			T_EQ_INT(e.code, EX_CONFIG);
			T_EQ_STR(e.msg, tab[i].msg);
		}
	}
}

static void
test_limits(void)
{
	char big[LIMIT_URL + 64], host[LIMIT_DOMAIN + 32];
	struct url u;
	struct err e;
	size_t n;

	n = (size_t)snprintf(big, sizeof(big), "https://h/");
	memset(big + n, 'a', LIMIT_URL - 2);
	big[n + LIMIT_URL - 2] = '\0';	/* path = LIMIT_URL - 1 bytes */
	err_clear(&e);
	T_EQ_INT(url_parse(big, 0, &u, &e), 0);
	strlcat(big, "a", sizeof(big));
	T_EQ_INT(url_parse(big, 0, &u, &e), -1);
	T_EQ_STR(e.msg, "URL: path too long");
	n = (size_t)snprintf(host, sizeof(host), "https://");
	memset(host + n, 'h', LIMIT_DOMAIN + 1);
	host[n + LIMIT_DOMAIN + 1] = '\0';
	T_EQ_INT(url_parse(host, 0, &u, &e), -1);
	T_EQ_STR(e.msg, "URL: host name too long");
}

static void
test_form(void)
{
	char *f = NULL;

	url_form_add(&f, "grant_type", "refresh_token");
	T_EQ_STR(f, "grant_type=refresh_token");
	url_form_add(&f, "scope", "https://outlook.office.com/SMTP.Send "
	    "offline_access");
	T_EQ_STR(f, "grant_type=refresh_token&scope=https%3A%2F%2Foutlook."
	    "office.com%2FSMTP.Send%20offline_access");
	free(f);
	f = NULL;
	url_form_add(&f, "a&b=", "-._~+\x01\xff");
	T_EQ_STR(f, "a%26b%3D=-._~%2B%01%FF");
	free(f);
	f = NULL;
	url_form_add(&f, "empty", "");
	T_EQ_STR(f, "empty=");
	free(f);
}

static void
test_query(void)
{
	static const struct {
		const char *q, *name;
		int rc;
		const char *want;
	} tab[] = {
		{ "http://127.0.0.1:5/?code=abc&state=x%2By", "code", 1,
		    "abc" },
		{ "http://127.0.0.1:5/?code=abc&state=x%2By", "state", 1,
		    "x+y" },
		{ "/?state=a+b", "state", 1, "a b" },
		{ "code=1&xcode=2", "xcode", 1, "2" },
		{ "xcode=2", "code", 0, NULL },
		{ "/?code", "code", 1, "" },
		{ "/?a=1#code=2", "code", 0, NULL },
		{ "/?code=%4", "code", -1, NULL },
		{ "/?code=%zz", "code", -1, NULL },
		{ "/?code=%00", "code", -1, NULL },
		{ "/?code=0123456789", "code", -1, NULL },	/* outsz 8 */
		{ "/?error=denied&error_description=no%20way", "error", 1,
		    "denied" },
		{ "", "code", 0, NULL },
	};
	char out[8];
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		T_EQ_INT(url_query_get(tab[i].q, tab[i].name, out,
		    sizeof(out)), tab[i].rc);
		if (tab[i].rc == 1)
			T_EQ_STR(out, tab[i].want);
	}
}

int
main(void)
{
	test_parse();
	test_limits();
	test_form();
	test_query();
	return t_done("t_url");
}
