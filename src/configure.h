/* SPDX-License-Identifier: ISC */
/*
 * configure.h - smtps --configure ADDRESS [--write]: find the submission
 * server of ADDRESS's domain and print a ready account block.
 *
 * Where the server comes from, first found first: the domain's SRV
 * records, _submissions._tcp (RFC 8314: TLS at once) then
 * _submission._tcp (RFC 6186: STARTTLS), each sorted as srv.h says;
 * then the provider table (presets.h); then the common host names
 * smtp.DOMAIN and mail.DOMAIN on ports 465 and 587.  Each candidate is
 * probed (probe.h, LIMIT_TIMEOUT_PROBE each): a port that greets in
 * plaintext is STARTTLS, one that completes a TLS handshake at once is
 * implicit TLS, whatever the candidate said; the first that answers is
 * taken.  When none answers, the first candidate is written, marked
 * unchecked.
 *
 * The block: account DOMAIN with host, port, tls, tls_starttls, auth,
 * user and from ADDRESS, the provider's sign-in notes (app password,
 * OAuth2 keywords as comments) and page, the password source left to
 * the user as a commented passwordeval line, then "account default".
 * Printed on stdout; with --write it goes to the configuration file
 * instead (-C FILE, else the user file of account.h): created 0600 when
 * it does not exist; an existing one is never overwritten: on a
 * terminal the user is asked whether to append the account (without
 * the "account default" line), otherwise nothing is written and the
 * result is EX_CANTCREAT.  0, or -1 with e (EX_USAGE for an address
 * without a domain, EX_UNAVAILABLE when no candidate could be found).
 */
#ifndef SMTPS_CONFIGURE_H
#define SMTPS_CONFIGURE_H

#include "err.h"
#include "flags.h"

int	configure_run(const struct opts *, struct err *);

#endif
