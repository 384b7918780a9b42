/* SPDX-License-Identifier: ISC */
/*
 * serverinfo.h - PURE the TLS part of the -S/--serverinfo report, from
 * the plain data tls.c gathers into struct serverinfo_peer (tls_peer(), tls.h):
 * no GnuTLS here; the structs are defined here so that this module needs
 * nothing of tls.
 *
 * serverinfo_tls(): "TLS:            VERSION (CIPHER...)", then for each
 * certificate "certificate N (server):" (the first) or "certificate N:",
 * and indented its subject, issuer, validity (UTC; "(unknown)" when the
 * date cannot be read) and SHA-256 fingerprint (colon-separated hex);
 * "(cannot be parsed)" for a certificate GnuTLS cannot read.  Certificate
 * text is made visible (err_visible): it is the server's.  With p NULL
 * (no TLS): "TLS:            none".  Returns text the caller frees.
 */
#ifndef SMTPS_SERVERINFO_H
#define SMTPS_SERVERINFO_H

#include <stddef.h>
#include <time.h>

/* filled in by tls_peer() (tls.c, the only reader of certificates) */
enum { SERVERINFO_CERT_NONE, SERVERINFO_CERT_BROKEN, SERVERINFO_CERT_OK };
struct serverinfo_cert {
	int		 status;	/* NONE: nothing known; BROKEN: not
					   parseable; OK: the fields below */
	char		*subject, *issuer;	/* NULL: not available */
	size_t		 subject_len, issuer_len;
	time_t		 from, until;		/* (time_t)-1: unknown */
	unsigned char	 sha256[32];
	size_t		 sha256_len;		/* 0: not available */
};
struct serverinfo_peer {
	char		 desc[LIMIT_QUOTE];	/* tls_describe() */
	size_t		 n;
	struct serverinfo_cert	*cert;	/* n of them, the server's first */
};

char	*serverinfo_tls(const struct serverinfo_peer *p);
/* frees what tls_peer() filled in */
void	serverinfo_peer_free(struct serverinfo_peer *);

#endif
