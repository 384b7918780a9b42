/* SPDX-License-Identifier: ISC */
/*
 * tlskey.c - the cache key of a resumable TLS session (contract:
 * tlskey.h).  The bytes are the ones tls.c used to stream into its hash,
 * in the same order, so existing cache files keep their names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlskey.h"

static void
put(struct tlskey *k, const void *p, size_t n)
{
	unsigned char *nb;
	size_t cap = k->cap;

	if (n == 0)
		return;
	while (k->len + n > cap)
		cap = cap == 0 ? 1024 : cap * 2;
	if (cap != k->cap) {		/* by hand: the old copy is wiped */
		nb = xmalloc(cap);
		if (k->len > 0)
			memcpy(nb, k->buf, k->len);
		if (k->buf != NULL)
			freezero(k->buf, k->cap);
		k->buf = nb;
		k->cap = cap;
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
}

void
tlskey_add(struct tlskey *k, const char *tag, const void *data, size_t len)
{
	uint64_t n = len;

	if (!k->on)
		return;
	put(k, tag, strlen(tag) + 1);
	put(k, &n, sizeof(n));
	if (len > 0)
		put(k, data, len);
}

void
tlskey_str(struct tlskey *k, const char *tag, const char *s)
{
	tlskey_add(k, tag, s != NULL ? s : "", s != NULL ? strlen(s) + 1 : 0);
}

void
tlskey_begin(struct tlskey *k, const char *version, const struct tls_conf *c)
{
	int cc = c->certcheck;

	memset(k, 0, sizeof(*k));
	if (!c->resume)
		return;
	k->on = 1;
	tlskey_str(k, "gnutls", version);
	tlskey_str(k, "id", c->session_id);
	tlskey_str(k, "name", c->verify_name);
	tlskey_str(k, "trust", c->trust_file);
	tlskey_add(k, "pin", c->fingerprint, c->fingerprint ?
	    TLSKEY_DIGEST : 0);
	tlskey_add(k, "certcheck", &cc, sizeof(cc));
	tlskey_str(k, "prio", c->priorities);
	tlskey_str(k, "cert", c->cert_file);
	tlskey_str(k, "key", c->key_file);
	tlskey_str(k, "crl", c->crl_file);
}

void
tlskey_name(const unsigned char md[TLSKEY_DIGEST],
    char out[2 * TLSKEY_DIGEST + 1])
{
	size_t i;

	for (i = 0; i < TLSKEY_DIGEST; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
tlskey_free(struct tlskey *k)
{
	if (k->buf != NULL)
		freezero(k->buf, k->cap);
	memset(k, 0, sizeof(*k));
}
