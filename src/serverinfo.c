/* SPDX-License-Identifier: ISC */
/*
 * serverinfo.c - the TLS part of the -S report as text (contract:
 * serverinfo.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "serverinfo.h"

/* append "label: text" with text made visible (certificate fields are
   attacker-controlled) */
static void
info_add(char **out, const char *label, const char *text, size_t len)
{
	char vis[LIMIT_QUOTE_LONG], *old = *out;

	err_visible(vis, sizeof(vis), text, len);
	xasprintf(out, "%s%s%s\n", old, label, vis);
	free(old);
}

static void
info_time(char **out, const char *label, time_t t)
{
	char buf[64];
	struct tm tm;

	if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		strlcpy(buf, "(unknown)", sizeof(buf));
	info_add(out, label, buf, strlen(buf));
}

static void
info_cert(char **out, const struct serverinfo_cert *c, size_t i)
{
	char hex[3 * sizeof(c->sha256) + 1], head[64];
	size_t k;

	snprintf(head, sizeof(head), "certificate %zu%s:", i + 1,
	    i == 0 ? " (server)" : "");
	info_add(out, head, "", 0);
	if (c->status == SERVERINFO_CERT_BROKEN)
		info_add(out, "    ", "(cannot be parsed)", 18);
	if (c->status != SERVERINFO_CERT_OK)
		return;
	if (c->subject != NULL)
		info_add(out, "    subject:     ", c->subject, c->subject_len);
	if (c->issuer != NULL)
		info_add(out, "    issuer:      ", c->issuer, c->issuer_len);
	info_time(out, "    valid from:  ", c->from);
	info_time(out, "    valid until: ", c->until);
	if (c->sha256_len > 0) {
		for (k = 0; k < c->sha256_len && k < sizeof(c->sha256); k++)
			snprintf(hex + (k ? 3 * k - 1 : 0), sizeof(hex) -
			    (k ? 3 * k - 1 : 0), "%s%02X", k ? ":" : "",
			    c->sha256[k]);
		info_add(out, "    SHA-256:     ", hex, strlen(hex));
	}
}

char *
serverinfo_tls(const struct serverinfo_peer *p)
{
	char *out = xstrdup("");
	size_t i;

	if (p == NULL) {
		info_add(&out, "TLS:            ", "none", 4);
		return out;
	}
	info_add(&out, "TLS:            ", p->desc, strlen(p->desc));
	for (i = 0; i < p->n; i++)
		info_cert(&out, &p->cert[i], i);
	return out;
}

void
serverinfo_peer_free(struct serverinfo_peer *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->cert[i].subject);
		free(p->cert[i].issuer);
	}
	free(p->cert);
	memset(p, 0, sizeof(*p));
}
