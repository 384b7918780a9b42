/* SPDX-License-Identifier: ISC */
/*
 * t_presets.c - the provider table: each provider's domains (any case),
 * the suffix row, near misses that must not match, and each row's
 * settings as the providers' pages give them.
 */
#include "t.h"
#include "presets.h"

static void
test_find(void)
{
	static const struct {
		const char *domain, *name, *host;
		int port, starttls;
	} tab[] = {
		{ "gmail.com", "Gmail", "smtp.gmail.com", 465, 0 },
		{ "GoogleMail.COM", "Gmail", "smtp.gmail.com", 465, 0 },
		{ "outlook.com", "Outlook.com", "smtp-mail.outlook.com", 587,
		  1 },
		{ "hotmail.com", "Outlook.com", "smtp-mail.outlook.com", 587,
		  1 },
		{ "contoso.onmicrosoft.com", "Microsoft 365",
		  "smtp.office365.com", 587, 1 },
		{ "fastmail.com", "Fastmail", "smtp.fastmail.com", 465, 0 },
		{ "icloud.com", "iCloud", "smtp.mail.me.com", 587, 1 },
		{ "me.com", "iCloud", "smtp.mail.me.com", 587, 1 },
		{ "yahoo.com", "Yahoo", "smtp.mail.yahoo.com", 465, 0 },
		{ "zohomail.com", "Zoho", "smtp.zoho.com", 465, 0 },
		{ "zoho.eu", "Zoho (EU)", "smtp.zoho.eu", 465, 0 },
	};
	static const char *const none[] = {
		"", "example.org", "gmail.co", "xgmail.com", "gmail.com.evil",
		"onmicrosoft.com", "mail.me.com", "yahoo", "com", "g",
		/* fuzz_presets: not a host name, whatever its suffix */
		"m hot\xff\xff\xff\xffmail.comx.onmicrosoft.com",
		"gmail.com hotmail.com", "a_b.onmicrosoft.com",
	};
	const struct preset *p;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		p = presets_find(tab[i].domain);
		T_OK(p != NULL, "%s: no preset", tab[i].domain);
		if (p == NULL)
			continue;
		T_EQ_STR(p->name, tab[i].name);
		T_EQ_STR(p->host, tab[i].host);
		T_EQ_INT(p->port, tab[i].port);
		T_EQ_INT(p->starttls, tab[i].starttls);
		T_OK(strncmp(p->url, "https://", 8) == 0, "%s url", p->name);
		T_OK(p->signin[0] != '\0', "%s signin", p->name);
	}
	for (i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		T_OK(presets_find(none[i]) == NULL, "'%s' matched", none[i]);
	p = presets_find("gmail.com");
	T_EQ_STR(p->oauth2, "google");
	p = presets_find("outlook.com");
	T_EQ_STR(p->oauth2, "microsoft");
	T_EQ_STR(p->oauth2_tenant, "consumers");
	T_OK(presets_find("icloud.com")->oauth2 == NULL, "icloud oauth2");
}

int
main(void)
{
	test_find();
	return t_done("t_presets");
}
