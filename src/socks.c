/* SPDX-License-Identifier: ISC */
/*
 * socks.c - PURE SOCKS5 client messages (contract: socks.h).
 *
 * RFC 1928 layouts used here:
 *   greeting        VER=5 NMETHODS=1 METHOD=0 (no authentication)
 *   method reply    VER=5 METHOD
 *   CONNECT         VER=5 CMD=1 RSV=0 ATYP DST.ADDR DST.PORT (network order)
 *   reply           VER=5 REP RSV=0 ATYP BND.ADDR BND.PORT
 * ATYP 1: 4 address bytes; 3: one length byte, then the name; 4: 16 bytes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "socks.h"

#define SOCKS_VER	5
#define ATYP_IPV4	1
#define ATYP_NAME	3
#define ATYP_IPV6	4

size_t
socks_greeting(unsigned char buf[SOCKS_GREETING_LEN])
{
	buf[0] = SOCKS_VER;
	buf[1] = 1;		/* one method offered */
	buf[2] = 0;		/* no authentication */
	return SOCKS_GREETING_LEN;
}

static const char *
method_name(int m)
{
	switch (m) {
	case 0x01:
		return "GSSAPI";
	case 0x02:
		return "username/password";
	case 0xff:
		return "none of the offered methods";
	default:
		return "an unknown method";
	}
}

int
socks_method_reply(const unsigned char *buf, size_t len, struct err *e)
{
	if (len != SOCKS_METHOD_REPLY_LEN)
		return err_set(e, EX_PROTOCOL, "malformed SOCKS5 method reply "
		    "(%zu bytes, expected %d)", len, SOCKS_METHOD_REPLY_LEN);
	if (buf[0] != SOCKS_VER)
		return err_set(e, EX_PROTOCOL, "not a SOCKS5 proxy (version "
		    "byte 0x%02x)", buf[0]);
	if (buf[1] != 0)
		return err_set(e, EX_UNAVAILABLE, "the proxy demands "
		    "authentication (it chose %s, method 0x%02x); smtps only "
		    "speaks SOCKS5 without authentication", method_name(buf[1]),
		    buf[1]);
	return 0;
}

int
socks_connect_request(unsigned char buf[SOCKS_REQUEST_MAX], size_t *len,
    const char *host, int port, struct err *e)
{
	size_t n = host != NULL ? strlen(host) : 0, i = 4;

	if (n == 0 || n > LIMIT_DOMAIN)
		return err_set(e, EX_CONFIG, "host name for the SOCKS5 proxy "
		    "must be 1 to %d bytes", LIMIT_DOMAIN);
	if (port < 1 || port > 65535)
		return err_set(e, EX_CONFIG, "invalid port %d", port);
	buf[0] = SOCKS_VER;
	buf[1] = 1;		/* CONNECT */
	buf[2] = 0;
	if (inet_pton(AF_INET, host, buf + 5) == 1) {
		buf[3] = ATYP_IPV4;
		memmove(buf + 4, buf + 5, 4);
		i += 4;
	} else if (inet_pton(AF_INET6, host, buf + 5) == 1) {
		buf[3] = ATYP_IPV6;
		memmove(buf + 4, buf + 5, 16);
		i += 16;
	} else {
		buf[3] = ATYP_NAME;
		buf[4] = (unsigned char)n;
		memcpy(buf + 5, host, n);
		i += 1 + n;
	}
	buf[i++] = (unsigned char)(port >> 8);
	buf[i++] = (unsigned char)(port & 0xff);
	*len = i;
	return 0;
}

const char *
socks_reply_reason(int rep)
{
	static const char *const why[] = {
		"succeeded",
		"general SOCKS server failure",
		"connection not allowed by ruleset",
		"network unreachable",
		"host unreachable",
		"connection refused",
		"TTL expired",
		"command not supported",
		"address type not supported",
	};

	if (rep < 0 || (size_t)rep >= sizeof(why) / sizeof(why[0]))
		return "unknown";
	return why[rep];
}

/* the sysexits class of a reply code other than 0 */
static int
rep_class(int rep)
{
	switch (rep) {
	case 1: case 3: case 4: case 5: case 6:
		return EX_TEMPFAIL;
	case 2: case 7: case 8:
		return EX_UNAVAILABLE;
	default:
		return EX_PROTOCOL;
	}
}

/* total length of the reply from its first bytes (len >= 4), 0 = bad */
static size_t
reply_len(const unsigned char *buf, size_t len)
{
	switch (buf[3]) {
	case ATYP_IPV4:
		return 4 + 4 + 2;
	case ATYP_IPV6:
		return 4 + 16 + 2;
	case ATYP_NAME:
		return len < 5 ? 5 : 4 + 1 + (size_t)buf[4] + 2;
	default:
		return 0;
	}
}

int
socks_reply(const unsigned char *buf, size_t len, size_t *need,
    struct err *e)
{
	size_t total;

	*need = 4;
	if (len < 4)
		return 1;
	if (buf[0] != SOCKS_VER)
		return err_set(e, EX_PROTOCOL, "malformed SOCKS5 reply "
		    "(version byte 0x%02x)", buf[0]);
	if (buf[1] != 0)
		return err_set(e, rep_class(buf[1]), "%s (SOCKS reply %d)",
		    socks_reply_reason(buf[1]), buf[1]);
	if (buf[2] != 0)
		return err_set(e, EX_PROTOCOL, "malformed SOCKS5 reply "
		    "(reserved byte 0x%02x)", buf[2]);
	if ((total = reply_len(buf, len)) == 0)
		return err_set(e, EX_PROTOCOL, "malformed SOCKS5 reply "
		    "(address type 0x%02x)", buf[3]);
	*need = total;
	if (len < total)
		return 1;
	if (len > total)
		return err_set(e, EX_PROTOCOL, "malformed SOCKS5 reply (%zu "
		    "bytes, the reply holds %zu)", len, total);
	return 0;
}
