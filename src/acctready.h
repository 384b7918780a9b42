/* SPDX-License-Identifier: ISC */
/*
 * acctready.h - the account a run uses, ready: loaded and validated by
 * account.c (which prints nothing and needs no TLS), then checked where
 * that needs more than the config file, with what the user should see.
 *
 * acctready_load(): account_load(); the parser's warnings (deprecated
 * keywords) on stderr when someone can read them (a terminal, -v, -P,
 * -S), never into a cron job's mail, even when the load then fails;
 * with tls, the client certificate, key and CRL files loaded as
 * tls_start() will (tls_check_files; failure -> EX_CONFIG prefixed with
 * "account 'NAME' (FILE:LINE)"); the account's warning
 * (account_warning); with -v "using account 'NAME' from FILE".
 * Returns 0 or -1.
 */
#ifndef SMTPS_ACCTREADY_H
#define SMTPS_ACCTREADY_H

#include "account.h"

int	acctready_load(const struct opts *, struct account *out,
	    struct err *);

#endif
