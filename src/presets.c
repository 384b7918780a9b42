/* SPDX-License-Identifier: ISC */
/*
 * presets.c - PURE the provider table (contract: presets.h).  Each row was
 * checked against the provider's page in its url field (December 2026).
 * Microsoft 365 domains are the organisation's own and cannot be told
 * from the address; only *.onmicrosoft.com is listed, others come through
 * SRV records or the common host names.
 */
#include <string.h>
#include <strings.h>

#include "presets.h"

static const struct preset presets[] = {
	{ "Gmail", "gmail.com googlemail.com", "smtp.gmail.com", 465, 0,
	  "google", NULL,
	  "an app password (2-Step Verification on), or OAuth2",
	  "https://support.google.com/mail/answer/7126229" },
	{ "Outlook.com", "outlook.com hotmail.com live.com msn.com "
	  "outlook.de hotmail.de hotmail.co.uk hotmail.fr live.de",
	  "smtp-mail.outlook.com", 587, 1, "microsoft", "consumers",
	  "OAuth2 (Microsoft no longer takes passwords for SMTP)",
	  "https://support.microsoft.com/office/"
	  "pop-imap-and-smtp-settings-for-outlook-com-"
	  "d088b986-291d-42b8-9564-9c414e2aa040" },
	{ "Microsoft 365", ".onmicrosoft.com", "smtp.office365.com", 587, 1,
	  "microsoft", NULL,
	  "OAuth2; SMTP AUTH must be on for the mailbox",
	  "https://learn.microsoft.com/exchange/"
	  "clients-and-mobile-in-exchange-online/"
	  "authenticated-client-smtp-submission" },
	{ "Fastmail", "fastmail.com fastmail.fm fastmail.net fastmail.org "
	  "fastmail.us messagingengine.com", "smtp.fastmail.com", 465, 0,
	  NULL, NULL, "an app password (the account's own is refused)",
	  "https://www.fastmail.help/hc/en-us/articles/"
	  "1500000278342-Server-names-and-ports" },
	{ "iCloud", "icloud.com me.com mac.com", "smtp.mail.me.com", 587, 1,
	  NULL, NULL, "an app-specific password (two-factor on)",
	  "https://support.apple.com/102525" },
	{ "Yahoo", "yahoo.com ymail.com rocketmail.com yahoo.co.uk yahoo.de "
	  "yahoo.fr", "smtp.mail.yahoo.com", 465, 0, NULL, NULL,
	  "an app password", "https://help.yahoo.com/kb/SLN4724.html" },
	{ "Zoho", "zoho.com zohomail.com", "smtp.zoho.com", 465, 0, NULL,
	  NULL, "the password, or an app-specific password with two-factor",
	  "https://www.zoho.com/mail/help/zoho-smtp.html" },
	{ "Zoho (EU)", "zoho.eu zohomail.eu", "smtp.zoho.eu", 465, 0, NULL,
	  NULL, "the password, or an app-specific password with two-factor",
	  "https://www.zoho.com/mail/help/zoho-smtp.html" },
};

/* domain is one of the space-separated words of list (a word starting
   with '.' is a suffix) */
static int
listed(const char *list, const char *domain)
{
	size_t dl = strlen(domain), n;
	const char *w;

	for (w = list; *w != '\0'; w += n) {
		w += strspn(w, " ");
		n = strcspn(w, " ");
		if (n == 0)
			break;
		if (w[0] == '.' ? dl > n && strncasecmp(domain + dl - n, w,
		    n) == 0 : dl == n && strncasecmp(domain, w, n) == 0)
			return 1;
	}
	return 0;
}

const struct preset *
presets_find(const char *domain)
{
	size_t i;

	if (domain[strspn(domain, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")] != '\0')
		return NULL;	/* not a host name */

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (listed(presets[i].domains, domain))
			return &presets[i];
	return NULL;
}
