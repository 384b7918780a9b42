/* SPDX-License-Identifier: ISC */
/*
 * t_httpresp.c - httpresp.c: complete responses (Content-Length, chunked,
 * until EOF, interim 1xx), every prefix of them is "need more", and the
 * malformed and oversized ones refused with their message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "t.h"
#include "httpresp.h"

static const struct {
	const char *in;
	int status;
	const char *body, *ctype;
	int needs_eof;
} good[] = {
	{ "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Content-Length: 2\r\n\r\n{}", 200, "{}", "application/json", 0 },
	{ "HTTP/1.1 400 Bad Request\r\ncontent-length:  13 \r\n\r\n"
	    "{\"error\":\"x\"}", 400, "{\"error\":\"x\"}", "", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4\r\nab\r\n\r\n3;ext=1\r\ncde\r\n0\r\nX-Trailer: 1\r\n\r\n", 200,
	    "ab\r\ncde", "", 0 },
	{ "HTTP/1.0 503 Busy\n\nno length", 503, "no length", "", 1 },
	{ "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
	    "Content-Length: 1\r\n\r\nx", 200, "x", "", 0 },
	{ "HTTP/1.1 204\r\nContent-Length: 0\r\n\r\n", 204, "", "", 0 },
	{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n"
	    "A\r\n0123456789\r\n0\r\n\r\n", 200, "0123456789", "", 0 },
};

static void
test_good(void)
{
	struct httpresp r;
	struct err e;
	size_t i, k, n;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		n = strlen(good[i].in);
		err_clear(&e);
		T_EQ_INT(httpresp_parse(good[i].in, n, 1, &r, &e), 1);
		T_EQ_INT(r.status, good[i].status);
		T_EQ_STR(r.body, good[i].body);
		T_EQ_INT(r.bodylen, strlen(good[i].body));
		T_EQ_STR(r.ctype, good[i].ctype);
		httpresp_free(&r);
		/* every prefix: more needed, or an error once the peer
		   closed */
		for (k = 0; k < n; k++) {
			T_EQ_INT(httpresp_parse(good[i].in, k, 0, &r, &e), 0);
			err_clear(&e);
			/* a body up to EOF is whatever came before it */
			if (good[i].needs_eof &&
			    k >= (size_t)(strstr(good[i].in,
			    "\n\n") + 2 - good[i].in))
				continue;
			T_EQ_INT(httpresp_parse(good[i].in, k, 1, &r, &e), -1);
			T_EQ_INT(e.code, EX_PROTOCOL);
		}
		T_EQ_INT(httpresp_parse(good[i].in, n, 0, &r, &e),
		    good[i].needs_eof ? 0 : 1);
		httpresp_free(&r);
	}
}

static void
test_bad(void)
{
	static const struct {
		const char *in, *msg;
	} tab[] = {
		{ "HTTP/2 200 OK\r\n\r\n", "HTTP response: not an HTTP/1.x "
		    "status line" },
		{ "SMTP 220 hi\r\n\r\n", "HTTP response: not an HTTP/1.x "
		    "status line" },
		{ "HTTP/1.1 20 OK\r\n\r\n", "HTTP response: not an HTTP/1.x "
		    "status line" },
		{ "HTTP/1.1 600 x\r\n\r\n", "HTTP response: not an HTTP/1.x "
		    "status line" },
		{ "HTTP/1.1 200 OK\r\nX: 1\r\n continued\r\n\r\n",
		    "HTTP response: obsolete header line folding" },
		{ "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
		    "HTTP response: header line without ':'" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2"
		    "\r\n\r\nxx", "HTTP response: conflicting Content-Length "
		    "values" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		    "HTTP response: bad Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\n",
		    "HTTP response: bad Content-Length" },
		{ "HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n",
		    "HTTP response: body too large" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
		    "HTTP response: unsupported Transfer-Encoding" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
		    "Content-Length: 3\r\n\r\n", "HTTP response: both "
		    "Content-Length and Transfer-Encoding" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "zz\r\n", "HTTP response: bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "fffffffff\r\n", "HTTP response: bad chunk size" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "1\r\nab\r\n", "HTTP response: chunk not followed by a "
		    "line end" },
		{ "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		    "ffffff\r\n", "HTTP response: body too large" },
	};
	struct httpresp r;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		err_clear(&e);
		T_EQ_INT(httpresp_parse(tab[i].in, strlen(tab[i].in), 0, &r,
		    &e), -1);
		T_EQ_INT(e.code, EX_PROTOCOL);
		T_EQ_STR(e.msg, tab[i].msg);
		T_OK(r.body == NULL, "body left after error %zu", i);
	}
}

static void
test_limits(void)
{
	size_t n = LIMIT_HTTP_HEAD + 64, k;
	char *b = malloc(n + LIMIT_HTTP_BODY + 64);
	struct httpresp r;
	struct err e;

	/* a header block over the limit, without its end yet */
	k = (size_t)snprintf(b, n, "HTTP/1.1 200 OK\r\nX: ");
	memset(b + k, 'a', n - k);
	err_clear(&e);
	T_EQ_INT(httpresp_parse(b, n, 0, &r, &e), -1);
	T_EQ_STR(e.msg, "HTTP response: header block too large");
	/* too many header lines */
	for (k = (size_t)snprintf(b, n, "HTTP/1.1 200 OK\r\n");
	    k + 8 < n && k < 2000; k += 6)
		memcpy(b + k, "X: 1\r\n", 6);
	err_clear(&e);
	T_EQ_INT(httpresp_parse(b, k, 0, &r, &e), -1);
	T_EQ_STR(e.msg, "HTTP response: too many header lines");
	/* a body to EOF larger than LIMIT_HTTP_BODY */
	k = (size_t)snprintf(b, n, "HTTP/1.1 200 OK\r\n\r\n");
	memset(b + k, 'b', LIMIT_HTTP_BODY + 1);
	err_clear(&e);
	T_EQ_INT(httpresp_parse(b, k + LIMIT_HTTP_BODY + 1, 1, &r, &e), -1);
	T_EQ_STR(e.msg, "HTTP response: body too large");
	/* exactly LIMIT_HTTP_BODY is fine */
	err_clear(&e);
	T_EQ_INT(httpresp_parse(b, k + LIMIT_HTTP_BODY, 1, &r, &e), 1);
	T_EQ_INT(r.bodylen, LIMIT_HTTP_BODY);
	httpresp_free(&r);
	free(b);
}

int
main(void)
{
	test_good();
	test_bad();
	test_limits();
	return t_done("t_httpresp");
}
