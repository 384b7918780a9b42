/* SPDX-License-Identifier: ISC */
/*
 * http.c - one HTTPS POST for the OAuth2 client (contract: http.h).
 *
 * Why our own client and not libcurl: libcurl would load some 25 shared
 * libraries into every run of smtps, password-only ones included, and
 * bring a second TLS verification policy; an OAuth2 token request is one
 * POST whose response we parse with a bounded, tested parser.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "io.h"
#include "net.h"
#include "tls.h"
#include "url.h"

#ifndef SMTPS_VERSION
#define SMTPS_VERSION	"?"	/* a build without the Makefile's (fuzzers) */
#endif

#define HTTP_READ	16384		/* bytes per read */
#define HTTP_MAX	(LIMIT_HTTP_HEAD + 2 * LIMIT_HTTP_BODY)

static int
left(long long deadline)
{
	long long n = deadline - io_now_ms();

	return n > 0 ? (int)n : 1;
}

static int
send_request(struct transport *t, const struct url *u, const char *body,
    long long deadline, struct err *e)
{
	char *req, port[16] = "";
	int v6 = strchr(u->host, ':') != NULL, n, rc;

	if (u->port != 443)
		snprintf(port, sizeof(port), ":%d", u->port);
	n = xasprintf(&req, "POST %s HTTP/1.1\r\nHost: %s%s%s%s\r\n"
	    "User-Agent: smtps/%s\r\nAccept: application/json\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", u->path,
	    v6 ? "[" : "", u->host, v6 ? "]" : "", port, SMTPS_VERSION,
	    strlen(body), body);
	rc = t->write(t->ctx, req, (size_t)n, left(deadline), e);
	freezero(req, (size_t)n + 1);
	return rc;
}

/* read until the response is complete or the peer closes */
static int
read_response(struct transport *t, long long deadline, struct httpresp *r,
    struct err *e)
{
	char *buf = xmalloc(HTTP_MAX);
	size_t len = 0;
	ssize_t n;
	int rc;

	for (;;) {
		n = t->read(t->ctx, buf + len, HTTP_MAX - len < HTTP_READ ?
		    HTTP_MAX - len : HTTP_READ, left(deadline), e);
		if (n < 0) {
			rc = -1;
			break;
		}
		len += (size_t)n;
		if ((rc = httpresp_parse(buf, len, n == 0, r, e)) != 0)
			break;
		if (len == HTTP_MAX) {
			rc = err_set(e, EX_PROTOCOL, "HTTP response: larger "
			    "than %d bytes", HTTP_MAX);
			break;
		}
	}
	freezero(buf, HTTP_MAX);
	return rc == 1 ? 0 : -1;
}

static int
exchange(int fd, const struct url *u, const char *body,
    const char *trust_file, long long deadline, struct httpresp *r,
    struct err *e)
{
	struct tls_conf tc;
	struct transport t;
	struct tls *tls;
	int rc;

	memset(&tc, 0, sizeof(tc));
	tc.verify_name = u->host;
	tc.trust_file = trust_file;
	tc.certcheck = 1;
	if ((tls = tls_start(fd, &tc, left(deadline), e)) == NULL)
		return -1;
	t = tls_transport(tls);
	rc = send_request(&t, u, body, deadline, e);
	if (rc == 0)
		rc = read_response(&t, deadline, r, e);
	tls_close(tls, left(deadline) < LIMIT_TIMEOUT_TLS_CLOSE ?
	    left(deadline) : LIMIT_TIMEOUT_TLS_CLOSE);
	return rc;
}

/* TCP to the URL's host the way the account reaches its server: through
   its proxy_host, from its source_ip (never its unix socket) */
static int
connect_via(const struct url *u, const struct account *via, int timeout_ms,
    struct err *e)
{
	struct account a;

	if (via == NULL)
		return net_connect(u->host, u->port, timeout_ms, e);
	a = *via;			/* shallow: only read by net_open */
	a.host = (char *)(uintptr_t)u->host;
	a.port = u->port;
	a.socket = NULL;
	return net_open(&a, timeout_ms, e);
}

int
http_post(const char *url, const char *body, const struct account *via,
    const char *trust_file, int timeout_ms, struct httpresp *r,
    struct err *e)
{
	long long deadline = io_now_ms() + timeout_ms;
	struct url u;
	int fd, rc;

	memset(r, 0, sizeof(*r));
	if (url_parse(url, 0, &u, e) == -1)
		return err_prefix(e, "%s", url);
	if ((fd = connect_via(&u, via, timeout_ms, e)) == -1)
		return -1;
	rc = exchange(fd, &u, body, trust_file, deadline, r, e);
	close(fd);
	if (rc == -1)
		return err_prefix(e, "%s", u.host);
	if (r->status >= 300 && r->status < 400) {
		httpresp_free(r);
		return err_set(e, EX_PROTOCOL, "%s answered with a redirect "
		    "(3xx), which smtps does not follow", u.host);
	}
	return 0;
}
