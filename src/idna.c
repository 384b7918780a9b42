/* SPDX-License-Identifier: ISC */
/*
 * idna.c - domain names to A-labels with libidn2 (contract: idna.h).
 * The only file that uses libidn2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "idna.h"
#include "limit.h"
#include "path.h"

static int
ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

static int
bad(const char *addr, const char *why, struct err *e)
{
	char vis[LIMIT_QUOTE];

	err_visible(vis, sizeof(vis), addr, strlen(addr));
	return err_set(e, EX_DATAERR, "invalid internationalised domain in "
	    "'%s': %s", vis, why);
}

int
idna_addr(const char *addr, char *out, size_t outsz, struct err *e)
{
	const char *dom = path_domain(addr);
	char *a = NULL;
	int rc;

	if (dom == NULL || dom[0] == '[' || ascii(dom)) {
		if (strlcpy(out, addr, outsz) >= outsz)
			return bad(addr, "too long", e);
		return 0;
	}
	rc = idn2_to_ascii_8z(dom, &a, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
	if (rc != IDN2_OK)
		return bad(addr, idn2_strerror(rc), e);
	rc = snprintf(out, outsz, "%.*s%s", (int)(dom - addr), addr, a);
	idn2_free(a);
	if (rc < 0 || (size_t)rc >= outsz)
		return bad(addr, "too long", e);
	return 0;
}
