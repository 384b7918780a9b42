/* SPDX-License-Identifier: ISC */
/*
 * http.h - the HTTPS client of the OAuth2 code: one POST, nothing else.
 *
 * http_post(): POST `body` (application/x-www-form-urlencoded) to the
 * https URL, HTTP/1.1 with "Connection: close", over TCP the way the
 * account `via` reaches its server (net_open: its proxy_host and
 * source_ip; not its socket) or straight (via NULL: net_connect), and
 * tls_start() with the SMTP side's verification policy (tls.h: the
 * system trust store or `trust_file`, TLS >= 1.2, the URL's host name
 * checked, nothing sent before that), the whole exchange within
 * timeout_ms.  The response is read until the peer closes or the
 * response is complete, at most LIMIT_HTTP_HEAD + 2 * LIMIT_HTTP_BODY
 * bytes, and parsed by httpresp.h; *r is the caller's (httpresp_free).
 * Any status is returned (OAuth2 errors come as 400 with a JSON body)
 * except a redirect: 3xx -> EX_PROTOCOL "HOST answered with a redirect
 * (3xx), which smtps does not follow".  Errors keep the codes of the
 * layers below: cannot connect / timeout / reset -> EX_TEMPFAIL, a
 * certificate that does not verify -> EX_UNAVAILABLE, a malformed
 * response -> EX_PROTOCOL; the message begins with the host name.  The
 * request (which holds secrets) is wiped after it is sent; the body and
 * the response are never logged.
 */
#ifndef SMTPS_HTTP_H
#define SMTPS_HTTP_H

#include "conf.h"
#include "httpresp.h"

int	http_post(const char *url, const char *body, const struct account *via,
	    const char *trust_file, int timeout_ms, struct httpresp *,
	    struct err *);

#endif
