/* SPDX-License-Identifier: ISC */
/*
 * httpresp.h - PURE HTTP/1.1 response parser (RFC 9112) for the OAuth2
 * client: status line, header fields, body framed by Content-Length,
 * chunked transfer coding, or the end of the connection.  No I/O, no
 * globals, never exits.
 *
 * httpresp_parse(): buf[0..len) is everything received so far, `eof`
 * says the peer has closed.  Returns 1 when the response is complete (r
 * filled, r->body malloc'ed and NUL-terminated; release with
 * httpresp_free), 0 when more bytes are needed (never with eof), -1 on
 * a malformed or oversized response: EX_PROTOCOL "HTTP response: why".
 * Limits: status line and headers LIMIT_HTTP_HEAD bytes and
 * LIMIT_HTTP_HEADERS lines, body LIMIT_HTTP_BODY bytes (decoded), chunk
 * size lines LIMIT_HTTP_CHUNK_LINE.  Interim 1xx responses are skipped.
 * Refused: a status line that is not "HTTP/1.x NNN", obsolete line
 * folding, a header line without ':', conflicting Content-Length values,
 * a transfer coding other than chunked, Content-Length together with
 * Transfer-Encoding, a body cut short by the end of the connection.
 * Parsing is from the start on every call (the caller's buffer is
 * bounded, so this stays cheap).
 */
#ifndef SMTPS_HTTPRESP_H
#define SMTPS_HTTPRESP_H

#include <stddef.h>

#include "err.h"

struct httpresp {
	int	 status;		/* 200, 400, ... */
	char	 ctype[LIMIT_QUOTE_SHORT]; /* Content-Type, "" when absent */
	char	*body;			/* decoded body, NUL-terminated */
	size_t	 bodylen;
};

int	httpresp_parse(const char *buf, size_t len, int eof,
	    struct httpresp *, struct err *);
void	httpresp_free(struct httpresp *);

#endif
