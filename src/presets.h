/* SPDX-License-Identifier: ISC */
/*
 * presets.h - PURE the submission settings of well-known mail providers,
 * for smtps --configure: a table from the domain of an address to host,
 * port, TLS mode, how the account signs in and the provider's own page.
 *
 * presets_find(): the preset for domain (case-insensitive, exact domain
 * or a listed suffix such as ".onmicrosoft.com"), or NULL; NULL also for
 * a domain that is not a host name (letters, digits, '-', '.').  The
 * table is in src/presets.c with the page each row was checked against.
 */
#ifndef SMTPS_PRESETS_H
#define SMTPS_PRESETS_H

struct preset {
	const char	*name;		/* "Gmail" */
	const char	*domains;	/* "gmail.com googlemail.com" */
	const char	*host;
	int		 port;
	int		 starttls;	/* 1: STARTTLS, 0: TLS at once */
	const char	*oauth2;	/* oauth2_provider value, or NULL */
	const char	*oauth2_tenant;	/* oauth2_tenant, or NULL */
	const char	*signin;	/* how to sign in, one line */
	const char	*url;		/* the provider's page */
};

const struct preset *presets_find(const char *domain);

#endif
