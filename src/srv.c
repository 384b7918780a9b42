/* SPDX-License-Identifier: ISC */
/*
 * srv.c - SRV records through glibc's resolver (contract: srv.h).  The
 * DNS message is parsed by libresolv (ns_parserr, dn_expand), not here.
 */
#include <sys/types.h>

#include <netinet/in.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

#include "srv.h"

static int
srv_cmp(const void *x, const void *y)
{
	const struct srv *a = x, *b = y;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return b->weight - a->weight;
}

/* a host name of letters, digits, '-' and '.' only: a target that is
   anything else (dn_expand's \DDD escapes included) is not written into
   a configuration file */
static int
host_ok(const char *h)
{
	return h[0] != '\0' && h[strspn(h, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")] == '\0';
}

/* one answer record into *s: 1 when it is a usable SRV record */
static int
srv_record(ns_msg *m, ns_rr *rr, struct srv *s)
{
	const unsigned char *d = ns_rr_rdata(*rr);

	if (ns_rr_type(*rr) != ns_t_srv || ns_rr_rdlen(*rr) < 7)
		return 0;
	s->priority = (d[0] << 8) | d[1];
	s->weight = (d[2] << 8) | d[3];
	s->port = (d[4] << 8) | d[5];
	if (dn_expand(ns_msg_base(*m), ns_msg_end(*m), d + 6, s->target,
	    sizeof(s->target)) < 0)
		return 0;
	return host_ok(s->target) && strcmp(s->target, ".") != 0 &&
	    s->port > 0;
}

int
srv_lookup(const char *name, struct srv *out, size_t max, size_t *n,
    struct err *e)
{
	unsigned char ans[LIMIT_DNS_ANSWER];
	ns_msg m;
	ns_rr rr;
	int len, i;

	*n = 0;
	h_errno = 0;
	len = res_query(name, ns_c_in, ns_t_srv, ans, sizeof(ans));
	if (len < 0)
		return h_errno == HOST_NOT_FOUND || h_errno == NO_DATA ? 0 :
		    err_set(e, EX_TEMPFAIL, "no answer from the DNS for %s",
		    name);
	if (ns_initparse(ans, len, &m) < 0)
		return err_set(e, EX_TEMPFAIL, "a malformed DNS answer for "
		    "%s", name);
	for (i = 0; i < ns_msg_count(m, ns_s_an) && *n < max; i++)
		if (ns_parserr(&m, ns_s_an, i, &rr) == 0 &&
		    srv_record(&m, &rr, &out[*n]))
			(*n)++;
	qsort(out, *n, sizeof(*out), srv_cmp);
	return 0;
}
