/* SPDX-License-Identifier: ISC */
/*
 * probe.c - what the account's server is, seen from outside an SMTP
 * session (contract: probe.h).  TLS only through tls.c.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "probe.h"
#include "tls.h"

int
probe_resolve(const char *host, char *out, size_t outsz, struct err *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	char a[NI_MAXHOST];
	size_t n = 0;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	out[0] = '\0';
	if ((rc = getaddrinfo(host, NULL, &hints, &res)) != 0)
		return err_set(e, rc == EAI_AGAIN ? EX_TEMPFAIL : EX_NOHOST,
		    "cannot resolve %s: %s", host, gai_strerror(rc));
	for (ai = res; ai != NULL && n < outsz; ai = ai->ai_next)
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof(a),
		    NULL, 0, NI_NUMERICHOST) == 0)
			n += (size_t)snprintf(out + n, outsz - n, "%s%s",
			    n > 0 ? ", " : "", a);
	freeaddrinfo(res);
	return 0;
}

int
probe_first_bytes(const struct account *a, int ms, enum diagnose_bytes *what,
    struct err *e)
{
	unsigned char b[16];
	struct pollfd p;
	ssize_t n = 0;
	int fd;

	*what = DG_BYTES_NONE;
	if ((fd = net_open(a, a->timeout > 0 ? a->timeout * 1000 :
	    LIMIT_TIMEOUT_DEFAULT, e)) == -1)
		return -1;
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, ms) == 1 && (p.revents & (POLLIN | POLLHUP)))
		n = recv(fd, b, sizeof(b), 0);
	close(fd);
	*what = diagnose_first_bytes(b, n > 0 ? (size_t)n : 0);
	return 0;
}

int
probe_tls_at_once(const struct account *a, struct err *e)
{
	struct tls_conf tc;
	struct tls *t;
	struct err ignore;
	int fd;

	if ((fd = net_open(a, a->timeout > 0 ? a->timeout * 1000 :
	    LIMIT_TIMEOUT_DEFAULT, e)) == -1)
		return -1;
	memset(&tc, 0, sizeof(tc));
	tc.verify_name = a->tls_host_override ? a->tls_host_override :
	    a->host;
	tc.certcheck = 0;
	err_clear(&ignore);
	t = tls_start(fd, &tc, LIMIT_TIMEOUT_PROBE, &ignore);
	if (t != NULL)
		tls_close(t, 0);
	close(fd);
	return t != NULL;
}
