/* SPDX-License-Identifier: ISC */
/*
 * srv.h - DNS SRV lookups (RFC 2782) for smtps --configure: the
 * submission servers a domain publishes (RFC 6186 _submission._tcp,
 * RFC 8314 _submissions._tcp).
 *
 * srv_lookup(): query name (e.g. "_submissions._tcp.example.org") with
 * the system resolver (res_query, /etc/resolv.conf) and parse the answer
 * with libresolv's own parser (ns_initparse, ns_parserr, dn_expand).  Up
 * to max records into out, sorted by priority (lowest first), then
 * weight (highest first: a fixed order, not RFC 2782's weighted random
 * pick, so the written configuration does not change from run to run);
 * a record whose target is "." (the service is decidedly not available,
 * RFC 2782) is left out, and so is one whose target is not a plain host
 * name (letters, digits, '-', '.').  *n is 0 when the name has no SRV
 * record (or does not exist).  0, or -1 with e (EX_TEMPFAIL) when the
 * resolver did not answer.
 */
#ifndef SMTPS_SRV_H
#define SMTPS_SRV_H

#include <stddef.h>

#include "err.h"
#include "limit.h"

struct srv {
	char	target[LIMIT_DOMAIN + 1];
	int	port, priority, weight;
};

int	srv_lookup(const char *name, struct srv *out, size_t max, size_t *n,
	    struct err *);

#endif
