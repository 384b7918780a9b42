/* SPDX-License-Identifier: ISC */
/*
 * probe.h - --doctor's looks at the account's server that are not an SMTP
 * session: the host's addresses, what speaks on its port, and whether it
 * speaks TLS at once.  Each opens its own connection (net_open, the
 * account's way: proxy_host, source_ip, socket) and closes it.
 *
 * probe_resolve(): the host's addresses (getaddrinfo, TCP) into out as
 * "A, B" (cut to outsz); 0, or -1 with e: EX_NOHOST when the name is
 * unknown, EX_TEMPFAIL when the resolver could not answer.
 *
 * probe_first_bytes(): connect, then wait up to ms for the first bytes
 * the server sends unasked and classify them (diagnose_first_bytes:
 * DG_BYTES_NONE when nothing came in time or the server closed).
 * Nothing is sent.  0, or -1 with e (net_open's error).
 *
 * probe_tls_at_once(): connect and start a TLS handshake at once
 * (tls_start, certificate checks off: only "does it speak TLS" is
 * asked); 1 when the handshake completed, 0 when it did not, -1 with e
 * when the connection failed.  The session is closed without a byte
 * of SMTP.
 */
#ifndef SMTPS_PROBE_H
#define SMTPS_PROBE_H

#include <stddef.h>

#include "conf.h"
#include "diagnose.h"
#include "err.h"

int	probe_resolve(const char *host, char *out, size_t outsz,
	    struct err *);
int	probe_first_bytes(const struct account *, int ms,
	    enum diagnose_bytes *what, struct err *);
int	probe_tls_at_once(const struct account *, struct err *);

#endif
