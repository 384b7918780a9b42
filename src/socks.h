/* SPDX-License-Identifier: ISC */
/*
 * socks.h - PURE SOCKS5 client messages (RFC 1928): build the requests,
 * check the proxy's replies.  No I/O; the conversation is net.c's.
 *
 * The client offers one method, "no authentication" (0x00), and sends one
 * CONNECT.  The target goes as a domain name (ATYP 3) so the proxy
 * resolves it (no local DNS lookup, as msmtp does); an IPv4 or IPv6 literal
 * goes as ATYP 1 or 4.
 *
 * socks_greeting(): the 3 bytes "05 01 00" into buf.
 * socks_method_reply(): the proxy's 2-byte answer.  05 00 -> 0.  Version 5
 * with any other method (0xFF "no acceptable methods", 0x02 username and
 * password, ...) -> EX_UNAVAILABLE: the proxy demands authentication,
 * which smtps does not do.  Another version, or len != 2 -> EX_PROTOCOL.
 * socks_connect_request(): the CONNECT request for host and port into buf
 * (at most SOCKS_REQUEST_MAX bytes), its length in *len.  An empty host,
 * a name longer than 255 bytes or a port outside 1..65535 -> EX_CONFIG.
 * socks_reply(): the proxy's reply to CONNECT, fed as it arrives: buf
 * holds the first len bytes.  Returns 1 with *need = the reply's total
 * length (4 .. SOCKS_REPLY_MAX) when more bytes are needed (the caller
 * reads exactly *need - len more, so no byte of the next protocol is
 * taken), 0 when buf is exactly one complete successful reply, -1 on
 * error.  Errors: version not 5, reserved byte not 0, unknown address
 * type, unknown reply code, or more bytes than the reply holds ->
 * EX_PROTOCOL; reply codes 1 (general failure), 3 (network unreachable),
 * 4 (host unreachable), 5 (connection refused), 6 (TTL expired) ->
 * EX_TEMPFAIL; 2 (not allowed by ruleset), 7 (command not supported),
 * 8 (address type not supported) -> EX_UNAVAILABLE.  The message is the
 * reason in words with the code, e.g. "connection refused (SOCKS reply 5)".
 * An error reply is reported as soon as its first 4 bytes are in.
 */
#ifndef SMTPS_SOCKS_H
#define SMTPS_SOCKS_H

#include <stddef.h>
#include "err.h"
#include "limit.h"

#define SOCKS_GREETING_LEN	3
#define SOCKS_METHOD_REPLY_LEN	2
#define SOCKS_REQUEST_MAX	(4 + 1 + LIMIT_DOMAIN + 2)
#define SOCKS_REPLY_MAX		LIMIT_SOCKS_REPLY

size_t	socks_greeting(unsigned char buf[SOCKS_GREETING_LEN]);
int	socks_method_reply(const unsigned char *buf, size_t len, struct err *);
int	socks_connect_request(unsigned char buf[SOCKS_REQUEST_MAX], size_t *len,
	    const char *host, int port, struct err *);
int	socks_reply(const unsigned char *buf, size_t len, size_t *need,
	    struct err *);
/* the reply code in words ("connection refused"), "unknown" if none */
const char *socks_reply_reason(int rep);

#endif
