/* SPDX-License-Identifier: ISC */
/*
 * t_conf.c - conf_parse: syntax, inheritance, every error message, and
 * account_copy/account_free.  Golden files live in tests/unit/data/conf/
 * (NAME.rc with the expected dump in NAME.out).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "t.h"

#define HOME	"/home/u"

static int
parse(const char *text, struct conf *c, struct err *e)
{
	err_clear(e);
	return conf_parse(text, strlen(text), "rc", HOME, NULL, NULL, c, e);
}

static const struct account *
acct(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nacct; i++)
		if (strcmp(c->acct[i].name, name) == 0)
			return &c->acct[i];
	return NULL;
}

/* string equality that tolerates NULL (a NULL never equals) */
static int
eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

#define ISSET(a, k)	conf_keys_has(&(a)->set, (k))

/* the set of the n keys that follow */
static struct conf_keys
keys_of(int n, ...)
{
	struct conf_keys s;
	va_list ap;

	memset(&s, 0, sizeof(s));
	va_start(ap, n);
	while (n-- > 0)
		conf_keys_put(&s, (enum conf_key)va_arg(ap, int), 1);
	va_end(ap);
	return s;
}

/* every key of the table */
static struct conf_keys
all_keys(void)
{
	struct conf_keys s;
	int k;

	memset(&s, 0, sizeof(s));
	for (k = 0; k < K__COUNT; k++)
		conf_keys_put(&s, (enum conf_key)k, 1);
	return s;
}

/* an input must fail with exactly this message and leave *c empty */
static void
fails(const char *text, size_t len, const char *home, const char *msg)
{
	struct conf c;
	struct err e;
	int rc;

	err_clear(&e);
	memset(&c, 0x5a, sizeof(c));
	rc = conf_parse(text, len, "rc", home, NULL, NULL, &c, &e);
	T_EQ_INT(rc, -1);
	T_EQ_INT(e.code, EX_CONFIG);
	T_EQ_STR(e.msg, msg);
	T_OK(c.acct == NULL && c.nacct == 0 && c.default_name == NULL &&
	    c.warnings == NULL, "conf not emptied after error: %s", msg);
	conf_free(&c);
}

#define FAILS(text, msg)	fails(text, strlen(text), HOME, msg)

static void
test_errors(void)
{
	char big[400], want[LIMIT_ERR_MSG];

	FAILS("account a\nhots x\n", "rc:2: unknown keyword 'hots'");
	FAILS("account a\noauth2_provider yahoo\n", "rc:2: keyword "
	    "'oauth2_provider' expects microsoft, google or generic, got "
	    "'yahoo'");
	FAILS("account a\noauth2_provider\n",
	    "rc:2: keyword 'oauth2_provider' needs a value");
	FAILS("account a\noauth2_grant password\n", "rc:2: keyword "
	    "'oauth2_grant' expects device, code or client_credentials, got "
	    "'password'");
	FAILS("account a\noauth2_token_url http://idp/token\n", "rc:2: "
	    "invalid oauth2_token_url 'http://idp/token': must begin with "
	    "https://");
	FAILS("account a\noauth2_device_url https://u@idp/\n", "rc:2: "
	    "invalid oauth2_device_url 'https://u@idp/': user names in URLs "
	    "are not supported");
	FAILS("account a\noauth2_auth_url https://idp:0/\n", "rc:2: "
	    "invalid oauth2_auth_url 'https://idp:0/': port out of range "
	    "(1-65535)");
	FAILS("account a\noauth2_tenant a/b\n", "rc:2: invalid oauth2_tenant "
	    "'a/b' (expected a tenant ID or domain: letters, digits, '.', "
	    "'-')");
	FAILS("account a\noauth2_redirect_port 0\n",
	    "rc:2: invalid port '0' (expected 1-65535)");
	FAILS("account a\nsubmit_allow root (x)\n", "rc:2: submit_allow: "
	    "'(x)' is not a user name, @group or *");
	FAILS("account a\nsubmit_allow\n",
	    "rc:2: keyword 'submit_allow' needs a value");
	FAILS("account a\nsubmit_rate 100\n", "rc:2: submit_rate: expected "
	    "N/DURATION (100/1h) or off");
	FAILS("account a\nsubmit_received maybe\n", "rc:2: keyword "
	    "'submit_received' expects on or off, got 'maybe'");

	FAILS("account a\nHost x\n", "rc:2: unknown keyword 'Host'");
	FAILS("account a\nhost h\nport 70000\n",
	    "rc:3: invalid port '70000' (expected 1-65535)");
	FAILS("account a\nport 0\n",
	    "rc:2: invalid port '0' (expected 1-65535)");
	FAILS("account a\nport 25x\n",
	    "rc:2: invalid port '25x' (expected 1-65535)");
	FAILS("account a\nport -1\n",
	    "rc:2: invalid port '-1' (expected 1-65535)");
	FAILS("account a\nport \" 25\"\n",
	    "rc:2: invalid port ' 25' (expected 1-65535)");
	FAILS("account a\nport 0x19\n",
	    "rc:2: invalid port '0x19' (expected 1-65535)");
	FAILS("account a\nport +25\n",
	    "rc:2: invalid port '+25' (expected 1-65535)");
	FAILS("account a\n\n\n\ntls maybe\n",
	    "rc:5: keyword 'tls' expects on or off, got 'maybe'");
	FAILS("account a\ntls_certcheck 1\n",
	    "rc:2: keyword 'tls_certcheck' expects on or off, got '1'");
	FAILS("account a\nallow_plaintext_auth yes\n",
	    "rc:2: keyword 'allow_plaintext_auth' expects on or off, got "
	    "'yes'");
	FAILS("account a\ntls_starttls \"\"x\n",
	    "rc:2: unterminated quote");
	FAILS("account a\nhost\n", "rc:2: keyword 'host' needs a value");
	FAILS("account a\nhost \"\"\n", "rc:2: keyword 'host' needs a value");
	FAILS("account a\nport\n", "rc:2: keyword 'port' needs a value");
	FAILS("account a\ntimeout   \n",
	    "rc:2: keyword 'timeout' needs a value");
	FAILS("account a\ntimeout 0\n",
	    "rc:2: invalid timeout '0' (expected seconds 1-2147483 or off)");
	FAILS("account a\ntimeout 2147484\n",
	    "rc:2: invalid timeout '2147484' (expected seconds 1-2147483 or "
	    "off)");
	FAILS("account a\ntimeout 5s\n",
	    "rc:2: invalid timeout '5s' (expected seconds 1-2147483 or off)");
	FAILS("account a\ntls_fingerprint 00:11\n",
	    "rc:2: invalid tls_fingerprint '00:11' (expected SHA-256: 64 hex "
	    "digits, colons allowed)");
	/* SHA-1 (20 bytes) is not accepted */
	FAILS("account a\ntls_fingerprint 00112233445566778899AABBCCDDEEFF"
	    "00112233\n", "rc:2: invalid tls_fingerprint '00112233445566778899"
	    "AABBCCDDEEFF00112233' (expected SHA-256: 64 hex digits, colons "
	    "allowed)");
	/* 33 bytes: one too many */
	FAILS("account a\ntls_fingerprint 00112233445566778899AABBCCDDEEFF"
	    "00112233445566778899AABBCCDDEEFF00\n", "rc:2: invalid "
	    "tls_fingerprint '00112233445566778899AABBCCDDEEFF0011223344556677"
	    "8899AABBCCDDEEFF00' (expected SHA-256: 64 hex digits, colons "
	    "allowed)");
	FAILS("account a\ntls_fingerprint 0g112233445566778899AABBCCDDEEFF"
	    "00112233445566778899AABBCCDDEEFF\n", "rc:2: invalid "
	    "tls_fingerprint '0g112233445566778899AABBCCDDEEFF0011223344556677"
	    "8899AABBCCDDEEFF' (expected SHA-256: 64 hex digits, colons "
	    "allowed)");
	FAILS("account a\nauth kerberos\n",
	    "rc:2: keyword 'auth' expects on, off, plain, login, "
	    "scram-sha-256[-plus], scram-sha-1[-plus], xoauth2, oauthbearer, "
	    "external or cram-md5, got 'kerberos'");
	FAILS("account a\nauth NTLM\n", "rc:2: auth ntlm: NTLM is not "
	    "supported; use xoauth2 (Microsoft 365) or plain over TLS");
	FAILS("account a\nsyslog LOG_KERN\n", "rc:2: keyword 'syslog' expects "
	    "on, off, LOG_USER, LOG_MAIL or LOG_LOCAL0..7, got 'LOG_KERN'");
	FAILS("account a\ndsn_notify never,failure\n", "rc:2: keyword "
	    "'dsn_notify' expects off, never, or a comma list of success, "
	    "failure, delay; got 'never,failure'");
	FAILS("account a\ndsn_notify success,,delay\n", "rc:2: keyword "
	    "'dsn_notify' expects off, never, or a comma list of success, "
	    "failure, delay; got 'success,,delay'");
	FAILS("account a\ndsn_notify always\n", "rc:2: keyword "
	    "'dsn_notify' expects off, never, or a comma list of success, "
	    "failure, delay; got 'always'");
	FAILS("account a\nset_date_header on\n", "rc:2: keyword "
	    "'set_date_header' expects auto or off, got 'on'");
	FAILS("account a\nset_from_header maybe\n", "rc:2: keyword "
	    "'set_from_header' expects auto, on or off, got 'maybe'");
	FAILS("account a\ndsn_return body\n", "rc:2: keyword 'dsn_return' "
	    "expects off, headers or full, got 'body'");
	FAILS("account a\nhost \"smtp.example.com\n",
	    "rc:2: unterminated quote");
	FAILS("account a\nhost \"\n", "rc:2: unterminated quote");
	FAILS("account a\npassword \"abc\\\"\n", "rc:2: unterminated quote");
	FAILS("account a\naccount a\n", "rc:2: account 'a' defined twice");
	FAILS("account a\naccount b\naccount  a : b\n",
	    "rc:3: account 'a' defined twice");
	FAILS("account a : y\n", "rc:1: unknown parent account 'y'");
	FAILS("account a : a\n", "rc:1: unknown parent account 'a'");
	FAILS("account b\naccount a : b, y\n",
	    "rc:2: unknown parent account 'y'");
	/* parents must be defined before */
	FAILS("account a : b\naccount b\n", "rc:1: unknown parent account 'b'");
	FAILS("account b\naccount a : b,\n",
	    "rc:2: account 'a': missing parent account name");
	FAILS("account b\naccount a : , b\n",
	    "rc:2: account 'a': missing parent account name");
	FAILS("account a :\n",
	    "rc:1: account 'a': missing parent account name");
	FAILS("account\n", "rc:1: keyword 'account' needs an account name");
	FAILS("account : b\n", "rc:1: keyword 'account' needs an account name");
	FAILS("account a,b\n",
	    "rc:1: account name 'a,b' must not contain ',' or ':'");
	FAILS("defaults x\n", "rc:1: keyword 'defaults' takes no value");
	FAILS("account a\nhost a\rb\n",
	    "rc:2: control character in the value of 'host'");
	FAILS("account a\nfrom \"a\x1b[31mb\"\n",
	    "rc:2: control character in the value of 'from'");
	FAILS("account a\x7f\n",
	    "rc:1: control character in the value of 'account'");
	FAILS("account a\nsource_ip localhost\n",
	    "rc:2: keyword 'source_ip' expects a numeric IPv4 or IPv6 address, "
	    "got 'localhost'");
	FAILS("account a\nproxy_port 0\n",
	    "rc:2: invalid port '0' (expected 1-65535)");
	FAILS("account a\nprotocol esmtp\n",
	    "rc:2: keyword 'protocol' expects smtp or lmtp, got 'esmtp'");
	FAILS("account a\nkeepbcc maybe\n",
	    "rc:2: keyword 'keepbcc' expects on or off, got 'maybe'");
	FAILS("account a\nset_to_header undisclosed\n",
	    "rc:2: keyword 'set_to_header' expects on, off or "
	    "undisclosed_recipients, got 'undisclosed'");
	FAILS("account a\nundisclosed_recipients undisclosed_recipients\n",
	    "rc:2: keyword 'undisclosed_recipients' expects on or off, got "
	    "'undisclosed_recipients'");
	FAILS("account a\neval echo host x\n",
	    "rc:2: keyword 'eval' is not available here");
	FAILS("account a\nqueue maybe\n",
	    "rc:2: keyword 'queue' expects on or off, got 'maybe'");
	FAILS("account a\nqueue_lifetime\n",
	    "rc:2: keyword 'queue_lifetime' needs a value");
	FAILS("account a\nqueue_lifetime 5x\n",
	    "rc:2: invalid duration '5x' for 'queue_lifetime' (expected "
	    "seconds, or a number with s, m, h or d; at most 365d)");
	FAILS("account a\nqueue_backoff_min 0\n",
	    "rc:2: invalid duration '0' for 'queue_backoff_min' (expected "
	    "seconds, or a number with s, m, h or d; at most 365d)");
	FAILS("account a\nqueue_backoff_max 366d\n",
	    "rc:2: invalid duration '366d' for 'queue_backoff_max' (expected "
	    "seconds, or a number with s, m, h or d; at most 365d)");
	FAILS("account a\nqueue_backoff_max d\n",
	    "rc:2: invalid duration 'd' for 'queue_backoff_max' (expected "
	    "seconds, or a number with s, m, h or d; at most 365d)");
	FAILS("account a\nqueue_backoff_max -5\n",
	    "rc:2: invalid duration '-5' for 'queue_backoff_max' (expected "
	    "seconds, or a number with s, m, h or d; at most 365d)");
	FAILS("account a\nqueue_dir ~bob/q\n",
	    "rc:2: cannot expand '~bob/q': only ~/ is supported");
	fails("account a\nqueue_dir ~/q\n", 24, NULL,
	    "rc:2: cannot expand '~/q': no home directory");
	fails("account a\ntls_trust_file ~\n", 27, "",
	    "rc:2: cannot expand '~': no home directory");
	fails("account a\nhost a\0b\n", 18, HOME, "rc:2: NUL byte in line");
	/* unknown keyword shown made visible, not raw */
	FAILS("account a\nho\x1bst x\n", "rc:2: unknown keyword 'ho\\est'");
	/* values of 255 bytes are fine for host names, 256 are not */
	memset(big, 'a', sizeof(big));
	memcpy(big, "account a\nhost ", 15);
	big[15 + 256] = '\n';
	big[15 + 257] = '\0';
	snprintf(want, sizeof(want), "rc:2: value of 'host' is too long: "
	    "'%.95s' (max 255 bytes)", big + 15);
	FAILS(big, want);
	big[15 + 255] = '\n';			/* 255 bytes: accepted */
	{
		struct conf c;
		struct err e;

		T_EQ_INT(parse(big, &c, &e), 0);
		T_EQ_INT(c.nacct == 1 ? strlen(c.acct[0].host) : 0, 255);
		conf_free(&c);
	}
	memset(big, 'a', sizeof(big));
	memcpy(big, "account a\ndomain ", 17);
	big[17 + 256] = '\n';
	big[17 + 257] = '\0';
	snprintf(want, sizeof(want), "rc:2: value of 'domain' is too long: "
	    "'%.95s' (max 255 bytes)", big + 17);
	FAILS(big, want);
}

/* limits: accounts, parents, value length */
static void
test_limits(void)
{
	size_t cap = 64 * LIMIT_ACCOUNTS + 2 * LIMIT_CONF_VALUE, n = 0;
	char *buf = xmalloc(cap), want[128];
	struct conf c;
	struct err e;
	int i;

	for (i = 0; i < LIMIT_ACCOUNTS; i++)
		n += (size_t)snprintf(buf + n, cap - n, "account a%d\n", i);
	T_EQ_INT(parse(buf, &c, &e), 0);
	T_EQ_INT(c.nacct, LIMIT_ACCOUNTS);
	conf_free(&c);
	snprintf(buf + n, cap - n, "account one_too_many\n");
	snprintf(want, sizeof(want), "rc:%d: too many accounts (max %d)",
	    LIMIT_ACCOUNTS + 1, LIMIT_ACCOUNTS);
	FAILS(buf, want);

	/* a parent list of LIMIT_ACCOUNTS names is fine, one more is not */
	n = (size_t)snprintf(buf, cap, "account p\nport 7\naccount c : p");
	for (i = 1; i < LIMIT_ACCOUNTS; i++)
		n += (size_t)snprintf(buf + n, cap - n, ",p");
	snprintf(buf + n, cap - n, "\n");
	T_EQ_INT(parse(buf, &c, &e), 0);
	T_OK(c.nacct == 2 && c.acct[1].port == 7, "many parents");
	conf_free(&c);
	snprintf(buf + n, cap - n, ",p\n");
	snprintf(want, sizeof(want), "rc:3: too many parent accounts (max %d)",
	    LIMIT_ACCOUNTS);
	FAILS(buf, want);

	/* values: LIMIT_CONF_VALUE bytes are fine, one more is not */
	n = (size_t)snprintf(buf, cap, "account a\npassword ");
	memset(buf + n, 'x', LIMIT_CONF_VALUE);
	buf[n + LIMIT_CONF_VALUE] = '\0';
	T_EQ_INT(parse(buf, &c, &e), 0);
	T_EQ_INT(c.nacct == 1 ? strlen(c.acct[0].password) : 0,
	    LIMIT_CONF_VALUE);
	conf_free(&c);
	memcpy(buf + n + LIMIT_CONF_VALUE, "x", 2);
	snprintf(want, sizeof(want), "rc:2: value of 'password' is too long "
	    "(max %d bytes)", LIMIT_CONF_VALUE);
	FAILS(buf, want);
	free(buf);
}

static void
test_fields(void)
{
	static const char rc[] =
	    "# full account\n"
	    "account full\n"
	    "host smtp.example.com\n"
	    "port 587\n"
	    "tls on\n"
	    "tls_starttls off\n"
	    "tls_trust_file ~/ca.pem\n"
	    "tls_fingerprint 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:"
	    "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF\n"
	    "tls_certcheck off\n"
	    "tls_priorities \"NORMAL:-VERS-TLS1.2\"\n"
	    "tls_host_override mx.example.com\n"
	    "auth PLAIN\n"
	    "user alice\n"
	    "password s3cret\n"
	    "passwordeval pass show mail\n"
	    "from alice@example.com\n"
	    "domain client.example.com\n"
	    "timeout 45\n"
	    "allow_plaintext_auth\n"
	    "queue_dir ~/q\n"
	    "dead_letter /var/dead\n"
	    "queue off\n"
	    "queue_lifetime 2d\n"
	    "queue_backoff_min 90s\n"
	    "queue_backoff_max 2h\n"
	    "aliases ~/aliases\n"
	    "maildomain example.com\n"
	    "logfile -\n"
	    "logfile_time_format %Y-%m-%d\n"
	    "syslog LOG_LOCAL3\n"
	    "dsn_notify failure,Delay\n"
	    "dsn_return headers\n"
	    "from_full_name \"Alice Doe\"\n"
	    "allow_from_override off\n"
	    "set_from_header on\n"
	    "set_date_header off\n"
	    "set_msgid_header auto\n"
	    "remove_bcc_headers off\n"
	    "set_to_header undisclosed_recipients\n"
	    "socket ~/smtp.sock\n"
	    "source_ip ::1\n"
	    "proxy_host proxy.example.com\n"
	    "proxy_port 9050\n"
	    "protocol LMTP\n"
	    "tls_cert_file ~/cert.pem\n"
	    "tls_key_file /k.pem\n"
	    "tls_crl_file crl.pem\n"
	    "auto_from off\n"
	    "tls_resume off\n"
	    "passwordeval_timeout 2m\n"
	    "oauth2_provider Microsoft\n"
	    "oauth2_client_id 9e5f-client\n"
	    "oauth2_client_secret \"s e c\"\n"
	    "oauth2_client_secreteval pass show oauth\n"
	    "oauth2_tenant contoso.onmicrosoft.com\n"
	    "oauth2_scope https://outlook.office.com/SMTP.Send offline_access\n"
	    "oauth2_token_url https://idp.example:8443/token\n"
	    "oauth2_device_url https://idp.example/device\n"
	    "oauth2_auth_url https://idp.example/auth?x=1\n"
	    "oauth2_grant CODE\n"
	    "oauth2_token_file ~/tok\n"
	    "oauth2_trust_file system\n"
	    "oauth2_redirect_port 8765\n"
	    "submit_allow root, @adm www-data\n"
	    "submit_rate 20/10m\n"
	    "submit_received off\n"
	    "admin_address ops@example.org\n"
	    "mailname_file ~/mailname\n";
	static const unsigned char fp[32] = {
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
		0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
		0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	const struct account *a;
	struct conf c;
	struct err e;

	T_EQ_INT(parse(rc, &c, &e), 0);
	T_EQ_INT(c.nacct, 1);
	a = &c.acct[0];
	T_EQ_STR(a->name, "full");
	T_EQ_STR(a->file, "rc");
	T_EQ_INT(a->line, 2);
	T_EQ_STR(a->host, "smtp.example.com");
	T_EQ_INT(a->port, 587);
	T_EQ_INT(a->tls, 1);
	T_EQ_INT(a->tls_starttls, 0);
	T_EQ_STR(a->tls_trust_file, HOME "/ca.pem");
	T_EQ_MEM(a->tls_fingerprint, 32, fp, 32);
	T_EQ_INT(a->tls_certcheck, 0);
	T_EQ_STR(a->tls_priorities, "NORMAL:-VERS-TLS1.2");
	T_EQ_STR(a->tls_host_override, "mx.example.com");
	T_EQ_STR(a->auth, "plain");
	T_EQ_STR(a->user, "alice");
	T_EQ_STR(a->password, "s3cret");
	T_EQ_STR(a->passwordeval, "pass show mail");
	T_EQ_STR(a->from, "alice@example.com");
	T_EQ_STR(a->domain, "client.example.com");
	T_EQ_INT(a->timeout, 45);
	T_EQ_INT(a->allow_plaintext_auth, 1);
	T_EQ_STR(a->queue_dir, HOME "/q");
	T_EQ_STR(a->dead_letter, "/var/dead");
	T_EQ_INT(a->queue, 0);
	T_EQ_INT(a->queue_lifetime, 2 * 86400);
	T_EQ_INT(a->queue_backoff_min, 90);
	T_EQ_INT(a->queue_backoff_max, 7200);
	T_EQ_STR(a->aliases, HOME "/aliases");
	T_EQ_STR(a->maildomain, "example.com");
	T_EQ_STR(a->logfile, "-");
	T_EQ_STR(a->logfile_time_format, "%Y-%m-%d");
	T_EQ_STR(a->syslog, "LOG_LOCAL3");
	T_EQ_STR(a->dsn_notify, "FAILURE,DELAY");
	T_EQ_STR(a->dsn_return, "HDRS");
	T_EQ_STR(a->from_full_name, "Alice Doe");
	T_EQ_INT(a->set_from_header, 1);
	T_EQ_INT(a->set_date_header, 2);
	T_EQ_INT(a->set_msgid_header, 0);
	T_EQ_INT(a->remove_bcc_headers, 0);
	T_EQ_INT(a->set_to_header, 2);
	T_EQ_STR(a->socket, HOME "/smtp.sock");
	T_EQ_STR(a->source_ip, "::1");
	T_EQ_STR(a->proxy_host, "proxy.example.com");
	T_EQ_INT(a->proxy_port, 9050);
	T_EQ_STR(a->protocol, "lmtp");
	T_EQ_STR(a->tls_cert_file, HOME "/cert.pem");
	T_EQ_STR(a->tls_key_file, "/k.pem");
	T_EQ_STR(a->tls_crl_file, "crl.pem");
	T_EQ_INT(a->auto_from, 0);
	T_EQ_INT(a->tls_resume, 0);
	T_EQ_INT(a->passwordeval_timeout, 120);
	T_EQ_STR(a->oauth2_provider, "microsoft");
	T_EQ_STR(a->oauth2_client_id, "9e5f-client");
	T_EQ_STR(a->oauth2_client_secret, "s e c");
	T_EQ_STR(a->oauth2_client_secreteval, "pass show oauth");
	T_EQ_STR(a->oauth2_tenant, "contoso.onmicrosoft.com");
	T_EQ_STR(a->oauth2_scope, "https://outlook.office.com/SMTP.Send "
	    "offline_access");
	T_EQ_STR(a->oauth2_token_url, "https://idp.example:8443/token");
	T_EQ_STR(a->oauth2_device_url, "https://idp.example/device");
	T_EQ_STR(a->oauth2_auth_url, "https://idp.example/auth?x=1");
	T_EQ_STR(a->oauth2_grant, "code");
	T_EQ_STR(a->oauth2_token_file, HOME "/tok");
	T_OK(a->oauth2_trust_file == NULL, "oauth2_trust_file system");
	T_EQ_INT(a->oauth2_redirect_port, 8765);
	T_EQ_STR(a->submit_allow, "root, @adm www-data");
	T_EQ_STR(a->submit_rate, "20/10m");
	T_EQ_INT(a->submit_received, 0);
	T_EQ_STR(a->admin_address, "ops@example.org");
	T_EQ_STR(a->mailname_file, HOME "/mailname");
	/* every keyword of the table was given, so every bit is set */
	{
		struct conf_keys all = all_keys();

		T_OK(conf_keys_eq(&a->set, &all), "every key set");
	}
	T_EQ_INT(c.has_password, 1);
	T_OK(c.default_name == NULL, "no default_name");
	T_OK(c.warnings != NULL && strstr(c.warnings, ": keyword 'auto_from' "
	    "is deprecated") != NULL && strchr(c.warnings, '\n') ==
	    c.warnings + strlen(c.warnings) - 1, "one warning: auto_from");
	conf_free(&c);
	T_OK(c.acct == NULL && c.nacct == 0, "conf_free empties");
	conf_free(&c);				/* twice is harmless */
}

static void
test_values(void)
{
	static const char rc[] =
	    "account a\n"
	    "tls\n"				/* no value = on */
	    "tls_starttls ON\n"
	    "tls_certcheck Off\n"
	    "auth\n"
	    "timeout off\n"
	    "tls_trust_file system\n"
	    "dead_letter off\n"
	    "mailname_file off\n"
	    "queue_dir ~\n"
	    "password\n"			/* empty = not set */
	    "user \"\"\n"
	    "from \"  a b  \"\n"
	    "domain \"q\\\"u\\\\o\\te\"\n"	/* \" \\ escapes, \t literal */
	    "passwordeval \"a\"b\"\n"		/* inner quote literal */
	    "tls_priorities NORMAL:\\\"x\\\\\n"	/* unquoted: no escapes */
	    "tls_host_override    h.example \t \r\n"
	    "host h # not a comment\n"
	    "tls_fingerprint 00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n"
	    "account b\n"
	    "tls_fingerprint 00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n"
	    "tls_fingerprint\n"			/* empty: pinning off again */
	    "password \"\"\n"
	    "auth login\n"
	    "timeout 1";			/* no final newline */
	const struct account *a, *b;
	struct conf c;
	struct err e;

	T_EQ_INT(parse(rc, &c, &e), 0);
	T_EQ_INT(c.nacct, 2);
	a = acct(&c, "a");
	b = acct(&c, "b");
	T_OK(a && b, "accounts a and b");
	if (!a || !b)
		return;
	T_EQ_INT(a->tls, 1);
	T_EQ_INT(a->tls_starttls, 1);
	T_EQ_INT(a->tls_certcheck, 0);
	T_EQ_STR(a->auth, "on");
	T_EQ_INT(a->timeout, 0);
	T_OK(ISSET(a, K_TIMEOUT), "timeout off is set explicitly");
	T_OK(a->tls_trust_file == NULL, "system trust is NULL");
	T_OK(ISSET(a, K_TLS_TRUST_FILE), "tls_trust_file system is set");
	T_EQ_STR(a->dead_letter, "off");
	T_EQ_STR(a->mailname_file, "off");
	T_EQ_STR(a->queue_dir, HOME);
	T_OK(a->password == NULL, "empty password is NULL");
	T_OK(a->user == NULL, "empty quoted user is NULL");
	T_EQ_STR(a->from, "  a b  ");
	T_EQ_STR(a->domain, "q\"u\\o\\te");
	T_EQ_STR(a->passwordeval, "a\"b");
	T_EQ_STR(a->tls_priorities, "NORMAL:\\\"x\\\\");
	T_EQ_STR(a->tls_host_override, "h.example");
	T_EQ_STR(a->host, "h # not a comment");
	T_OK(ISSET(a, K_TLS_FINGERPRINT), "fingerprint without colons");
	T_EQ_INT(a->tls_fingerprint[31], 0xff);
	T_OK(!ISSET(b, K_TLS_FINGERPRINT), "empty fingerprint clears it");
	T_EQ_STR(b->auth, "login");
	T_EQ_INT(b->timeout, 1);
	T_EQ_INT(c.has_password, 0);
	conf_free(&c);
}

static void
test_comments_and_lines(void)
{
	static const char rc[] =
	    "# comment\r\n"
	    "   # indented comment\n"
	    "\t\n"
	    "\n"
	    "account a\r\n"
	    "\thost\th1\r\n"
	    "  port   2525  \n"
	    "#port 1\n"
	    "password \"pa ss # word\"\n";
	struct conf c;
	struct err e;

	T_EQ_INT(parse(rc, &c, &e), 0);
	T_EQ_INT(c.nacct, 1);
	T_EQ_STR(c.acct[0].host, "h1");
	T_EQ_INT(c.acct[0].port, 2525);
	T_EQ_INT(c.acct[0].line, 5);
	T_EQ_STR(c.acct[0].password, "pa ss # word");
	T_EQ_INT(c.has_password, 1);
	conf_free(&c);

	T_EQ_INT(conf_parse("", 0, "rc", HOME, NULL, NULL, &c, &e), 0);
	T_EQ_INT(c.nacct, 0);
	conf_free(&c);
	T_EQ_INT(parse("# only\n\n", &c, &e), 0);
	T_EQ_INT(c.nacct, 0);
	conf_free(&c);
	/* the length bounds the buffer: bytes after it are not read */
	T_EQ_INT(conf_parse("account a\nhost x\nhots", 17, "rc", HOME, NULL,
	    NULL,
	    &c, &e),
	    0);
	T_EQ_INT(c.nacct, 1);
	conf_free(&c);
}

static void
test_inheritance(void)
{
	static const char rc[] =
	    "defaults\n"
	    "port 25\n"
	    "tls off\n"
	    "from d@example.com\n"
	    "account a\n"				/* line 5 */
	    "host ha\n"
	    "user ua\n"
	    "defaults\n"
	    "port 26\n"
	    "account c\n"				/* line 10 */
	    "host hc\n"
	    "user uc\n"
	    "tls_starttls off\n"
	    "account b : a\n"			/* defaults' port 26 wins */
	    "account ac : a, c\n"			/* line 15 */
	    "account ca : c,a\n"
	    "account g : ac\n"			/* grandparent values */
	    "tls on\n"
	    "account default : a\n"
	    "from other@example.com\n";		/* line 20 */
	const struct account *a;
	struct conf c;
	struct err e;

	T_EQ_INT(parse(rc, &c, &e), 0);
	T_EQ_INT(c.nacct, 7);
	a = acct(&c, "a");
	T_OK(a && a->port == 25 && a->tls == 0 && a->line == 5,
	    "a takes defaults");
	T_OK(a && ISSET(a, K_PORT) && ISSET(a, K_TLS) && ISSET(a, K_FROM),
	    "defaults count as set");
	T_OK(a && !ISSET(a, K_TLS_STARTTLS), "unset stays unset");
	a = acct(&c, "b");
	T_OK(a && a->port == 26 && eq(a->host, "ha") &&
	    eq(a->user, "ua"), "b: own settings of a, later defaults");
	a = acct(&c, "ac");
	T_OK(a && eq(a->host, "hc") && eq(a->user, "uc") &&
	    a->tls_starttls == 0 && ISSET(a, K_TLS_STARTTLS),
	    "ac: the last parent wins");
	a = acct(&c, "ca");
	T_OK(a && eq(a->host, "ha") && eq(a->user, "ua") &&
	    ISSET(a, K_TLS_STARTTLS), "ca: the last parent wins");
	a = acct(&c, "g");
	T_OK(a && eq(a->host, "hc") && a->tls == 1 &&
	    a->tls_starttls == 0 && a->line == 17, "g: grandparents, own tls");
	T_EQ_STR(c.default_name, "a");
	a = acct(&c, "default");
	T_OK(a && eq(a->host, "ha") &&
	    eq(a->from, "other@example.com") && a->line == 19,
	    "account default : a, then its own keywords");
	/* the account a itself is untouched by what followed */
	a = acct(&c, "a");
	T_OK(a && eq(a->from, "d@example.com"), "a's from unchanged");
	conf_free(&c);

	/* default_name is the first parent; multiple parents allowed */
	T_EQ_INT(parse("account x\nhost hx\naccount y\nport 2\n"
	    "account default : x , y\n", &c, &e), 0);
	T_EQ_STR(c.default_name, "x");
	a = acct(&c, "default");
	T_OK(a && eq(a->host, "hx") && a->port == 2, "default: x, y");
	conf_free(&c);
	/* a plain account named default does not set default_name */
	T_EQ_INT(parse("account default\nhost h\n", &c, &e), 0);
	T_OK(c.default_name == NULL, "account default without parent");
	conf_free(&c);
}

static void
test_implicit_default(void)
{
	struct conf c;
	struct err e;

	/* msmtp 1.2: keywords before any account form account "default" */
	T_EQ_INT(parse("\nhost h1\nport 25\naccount b\nhost h2\n", &c, &e), 0);
	T_EQ_INT(c.nacct, 2);
	T_EQ_STR(c.acct[0].name, "default");
	T_EQ_STR(c.acct[0].host, "h1");
	T_EQ_INT(c.acct[0].line, 2);
	T_EQ_STR(c.acct[1].host, "h2");
	T_EQ_INT(c.acct[1].port, 0);
	conf_free(&c);
	FAILS("host h1\naccount default\n",
	    "rc:2: account 'default' defined twice");
	/* but keywords under `defaults` do not create an account */
	T_EQ_INT(parse("defaults\nhost h1\n", &c, &e), 0);
	T_EQ_INT(c.nacct, 0);
	T_EQ_INT(c.has_password, 0);
	conf_free(&c);
	T_EQ_INT(parse("defaults\npassword x\n", &c, &e), 0);
	T_EQ_INT(c.has_password, 1);
	conf_free(&c);
}

static void
test_msmtp_keywords(void)
{
	static const char rc[] =
	    "defaults\n"
	    "logfile ~/.msmtp.log\n"
	    "syslog LOG_MAIL\n"
	    "aliases /etc/aliases\n"
	    "logfile\n"
	    "protocol smtp\n"
	    "proxy_host\n"			/* empty = disabled: fine */
	    "account a\n"
	    "host h\n"
	    "tls_crl_file\n"
	    "syslog\n"
	    "tls_min_dh_prime_bits 512\n"
	    "keepbcc\n"
	    "auto_from on\n";
	struct conf c;
	struct err e;

	T_EQ_INT(parse(rc, &c, &e), 0);
	T_EQ_STR(c.warnings,
	    "rc:12: keyword 'tls_min_dh_prime_bits' is deprecated and has no "
	    "effect (use tls_priorities)\n"
	    "rc:13: keyword 'keepbcc' is deprecated (use remove_bcc_headers "
	    "off)\n"
	    "rc:14: keyword 'auto_from' is deprecated (use from %U@DOMAIN)\n");
	T_EQ_INT(c.nacct, 1);
	/* logfile, syslog and aliases are kept (empty logfile = unset) */
	{
		struct conf_keys want = keys_of(9, K_HOST, K_LOGFILE, K_SYSLOG,
		    K_ALIASES, K_PROTOCOL, K_PROXY_HOST, K_TLS_CRL_FILE,
		    K_REMOVE_BCC_HEADERS, K_AUTO_FROM);

		T_OK(conf_keys_eq(&c.acct[0].set, &want), "keys kept");
	}
	T_EQ_INT(c.acct[0].remove_bcc_headers, 0);
	T_EQ_INT(c.acct[0].auto_from, 1);
	T_OK(c.acct[0].proxy_host == NULL, "empty proxy_host unsets it");
	T_EQ_STR(c.acct[0].syslog, "LOG_USER");
	T_EQ_STR(c.acct[0].aliases, "/etc/aliases");
	T_OK(c.acct[0].logfile == NULL, "empty logfile unsets it");
	conf_free(&c);
}

/* set_to_header (msmtp 1.8.29) and its old spelling undisclosed_recipients:
   one setting, the later line wins, inherited like any other */
static void
test_set_to_header(void)
{
	static const char rc[] =
	    "defaults\n"
	    "undisclosed_recipients\n"
	    "account a\n"			/* 2 from the defaults */
	    "host h\n"
	    "account b\n"
	    "host h\n"
	    "set_to_header\n"			/* no value: on */
	    "account c : b\n"
	    "undisclosed_recipients off\n"
	    "account d : b\n"
	    "set_to_header OFF\n"
	    "undisclosed_recipients on\n"
	    "account e : b\n";
	struct conf c;
	struct err e;
	struct conf_keys want = keys_of(2, K_HOST, K_SET_TO_HEADER);
	char *shown;

	T_EQ_INT(parse(rc, &c, &e), 0);
	T_OK(c.warnings == NULL, "old spelling warns: %s", c.warnings);
	T_EQ_INT(c.nacct, 5);
	T_EQ_INT(c.acct[0].set_to_header, 2);
	T_EQ_INT(c.acct[1].set_to_header, 1);
	T_EQ_INT(c.acct[2].set_to_header, 0);
	T_EQ_INT(c.acct[3].set_to_header, 2);
	T_EQ_INT(c.acct[4].set_to_header, 1);
	T_OK(conf_keys_eq(&c.acct[2].set, &want), "keys of c");
	shown = conf_format(&c.acct[0]);
	T_OK(strstr(shown, "\nset_to_header          undisclosed_recipients\n")
	    != NULL, "conf_format: %s", shown);
	free(shown);
	shown = conf_format(&c.acct[2]);
	T_OK(strstr(shown, "\nset_to_header          off\n") != NULL,
	    "conf_format: %s", shown);
	free(shown);
	conf_free(&c);
}

static void
test_copy(void)
{
	struct account a, b;
	struct conf c;
	struct err e;

	T_EQ_INT(parse("account a\nhost h\npassword pw\nuser u\nport 9\n"
	    "tls_fingerprint 00112233445566778899aabbccddeeff"
	    "00112233445566778899aabbccddeeff\n", &c, &e), 0);
	account_copy(&a, &c.acct[0]);
	T_OK(a.host != c.acct[0].host && a.password != c.acct[0].password &&
	    a.name != c.acct[0].name, "deep copy");
	T_EQ_STR(a.host, "h");
	T_EQ_STR(a.password, "pw");
	T_EQ_STR(a.name, "a");
	T_EQ_INT(a.port, 9);
	T_OK(conf_keys_eq(&a.set, &c.acct[0].set), "set copied");
	T_EQ_MEM(a.tls_fingerprint, 32, c.acct[0].tls_fingerprint, 32);
	conf_free(&c);
	T_EQ_STR(a.password, "pw");		/* survives the original */
	/* an owned file name is copied and followed */
	a.owned_file = xstrdup("/x/mailrc");
	a.file = a.owned_file;
	account_copy(&b, &a);
	T_OK(b.owned_file != a.owned_file && b.file == b.owned_file,
	    "owned file copied");
	T_EQ_STR(b.file, "/x/mailrc");
	account_free(&a);
	T_OK(a.password == NULL && a.host == NULL && a.name == NULL,
	    "account_free clears");
	account_free(&a);			/* twice is harmless */
	account_free(&b);
	account_free(NULL);
}

/* a fake eval hook: "say TEXT" prints TEXT, "fail" fails */
static int
fake_eval(void *ctx, const char *cmd, char **line, struct err *e)
{
	++*(int *)ctx;
	if (strncmp(cmd, "say ", 4) == 0) {
		*line = xstrdup(cmd + 4);
		return 0;
	}
	if (strcmp(cmd, "two") == 0) {
		*line = xstrdup("host a\nhost b");
		return 0;
	}
	if (strcmp(cmd, "hang") == 0)
		return err_set(e, EX_TEMPFAIL, "eval timed out after 30 s");
	return err_set(e, EX_CONFIG, "eval failed: command exited with "
	    "status 1");
}

static int
parse_eval(const char *text, struct conf *c, struct err *e, int *calls)
{
	err_clear(e);
	*calls = 0;
	return conf_parse(text, strlen(text), "rc", HOME, fake_eval, calls, c,
	    e);
}

static void
test_eval(void)
{
	struct conf c;
	struct err e;
	int n;

	T_EQ_INT(parse_eval("account a\neval say host h.example\n"
	    "eval \"say password p w\"\neval say from x@y\n", &c, &e, &n), 0);
	T_EQ_INT(n, 3);
	T_EQ_STR(c.acct[0].host, "h.example");
	T_EQ_STR(c.acct[0].password, "p w");
	T_EQ_INT(c.has_password, 1);
	T_EQ_STR(c.acct[0].from, "x@y");
	conf_free(&c);
	/* the evaluated line may start an account, and errors name the line */
	T_EQ_INT(parse_eval("eval say account b\nhost h\n", &c, &e, &n), 0);
	T_EQ_STR(c.acct[0].name, "b");
	conf_free(&c);
	T_EQ_INT(parse_eval("account a\n\neval fail\n", &c, &e, &n), -1);
	T_EQ_STR(e.msg, "rc:3: eval failed: command exited with status 1");
	T_EQ_INT(e.code, EX_CONFIG);
	/* the hook's exit code is kept: a timed-out command is temporary */
	T_EQ_INT(parse_eval("account a\neval hang\n", &c, &e, &n), -1);
	T_EQ_STR(e.msg, "rc:2: eval timed out after 30 s");
	T_EQ_INT(e.code, EX_TEMPFAIL);
	T_EQ_INT(parse_eval("account a\neval say hots x\n", &c, &e, &n), -1);
	T_EQ_STR(e.msg, "rc:2: unknown keyword 'hots'");
	T_EQ_INT(parse_eval("account a\neval say eval say host x\n", &c, &e,
	    &n), -1);
	T_EQ_STR(e.msg, "rc:2: eval: the command printed another 'eval' line");
	T_EQ_INT(parse_eval("account a\neval two\n", &c, &e, &n), -1);
	T_EQ_STR(e.msg, "rc:2: eval: the command's output must be one line");
	T_EQ_INT(parse_eval("account a\neval\n", &c, &e, &n), -1);
	T_EQ_STR(e.msg, "rc:2: keyword 'eval' needs a command");
	T_EQ_INT(n, 0);
}

/* golden files: tests/unit/data/conf/NAME.rc -> NAME.out */
static void
dump(FILE *f, const struct conf *c, const struct err *e, int rc)
{
	size_t i;

	if (rc == -1) {
		fprintf(f, "error %d: %s\n", e->code, e->msg);
		return;
	}
	fprintf(f, "default_name %s\nwarnings %shas_password %d\n",
	    c->default_name ? c->default_name : "-",
	    c->warnings ? c->warnings : "-\n", c->has_password);
	for (i = 0; i < c->nacct; i++) {
		const struct account *a = &c->acct[i];

#define S(x)	((x) ? (x) : "-")
		size_t w;

		fprintf(f, "account %s line %d set %#llx", a->name, a->line,
		    a->set.w[0]);
		for (w = 1; w < CONF_KEYS_WORDS; w++)	/* keys past 63 */
			if (a->set.w[w] != 0)
				fprintf(f, " +%zu:%#llx", w, a->set.w[w]);
		fprintf(f, "\n host %s port %d "
		    "tls %d starttls %d trust %s certcheck %d auth %s user %s "
		    "password %s eval %s from %s domain %s timeout %d queue %s "
		    "dead %s\n", S(a->host), a->port,
		    a->tls, a->tls_starttls, S(a->tls_trust_file),
		    a->tls_certcheck, S(a->auth), S(a->user), S(a->password),
		    S(a->passwordeval), S(a->from), S(a->domain), a->timeout,
		    S(a->queue_dir), S(a->dead_letter));
#undef S
	}
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void
test_golden(const char *dir)
{
	static const char *const names[] = { "msmtp-arch", "two-accounts",
	    "error-auth" };
	size_t i, inlen, outlen, gotlen;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[512], *in, *want, *got = NULL;
		struct conf c;
		struct err e;
		FILE *f;
		int rc;

		snprintf(path, sizeof(path), "%s/%s.rc", dir, names[i]);
		in = slurp(path, &inlen);
		snprintf(path, sizeof(path), "%s/%s.out", dir, names[i]);
		want = slurp(path, &outlen);
		T_OK(in && want, "golden %s present", names[i]);
		if (!in || !want)
			continue;
		err_clear(&e);
		snprintf(path, sizeof(path), "%s.rc", names[i]);
		rc = conf_parse(in, inlen, path, HOME, NULL, NULL, &c, &e);
		f = open_memstream(&got, &gotlen);
		dump(f, &c, &e, rc);
		fclose(f);
		T_EQ_MEM(got, gotlen, want, outlen);
		conf_free(&c);
		free(in);
		free(want);
		free(got);
	}
}

/* command-line overrides (--host=...) and the -P listing */
static void
test_override_format(void)
{
	struct conf c;
	struct err e;
	struct account *a;
	char *text;

	T_EQ_INT(parse("account a\nhost h\npassword s3cret\n", &c, &e), 0);
	a = &c.acct[0];
	T_EQ_INT(conf_override(a, "host", "other.example", HOME, &e), 0);
	T_EQ_STR(a->host, "other.example");
	T_EQ_INT(conf_override(a, "tls", "", HOME, &e), 0);
	T_EQ_INT(a->tls, 1);
	T_OK(ISSET(a, K_TLS), "override sets the bit");
	T_EQ_INT(conf_override(a, "aliases", "~/al", HOME, &e), 0);
	T_EQ_STR(a->aliases, HOME "/al");
	T_EQ_INT(conf_override(a, "port", "0", HOME, &e), -1);
	T_EQ_INT(e.code, EX_USAGE);
	T_EQ_STR(e.msg, "invalid port '0' (expected 1-65535)");
	T_EQ_INT(conf_override(a, "hots", "x", HOME, &e), -1);
	T_EQ_STR(e.msg, "unknown keyword 'hots'");
	text = conf_format(a);
	T_OK(strstr(text, "account                a\n") == text, "%s", text);
	T_OK(strstr(text, "\nhost                   other.example\n") != NULL,
	    "%s", text);
	T_OK(strstr(text, "\npassword               ***\n") != NULL, "%s",
	    text);
	T_OK(strstr(text, "s3cret") == NULL, "password shown: %s", text);
	T_OK(strstr(text, "\ntls                    on\n") != NULL, "%s", text);
	T_OK(strstr(text, "\nuser                   (not set)\n") != NULL,
	    "%s", text);
	free(text);
	T_EQ_INT(conf_override(a, "tls_fingerprint",
	    "0123456789abcdef0123456789"
	    "abcdef0123456789abcdef0123456789abcdef", HOME, &e), 0);
	text = conf_format(a);
	T_OK(strstr(text, "\ntls_fingerprint        01:23:45:67:89:AB:CD:EF:"
	    "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:"
	    "CD:EF\n") != NULL, "%s", text);
	free(text);
	conf_free(&c);
}

int
main(int argc, char **argv)
{
	test_errors();
	test_limits();
	test_fields();
	test_values();
	test_comments_and_lines();
	test_inheritance();
	test_implicit_default();
	test_msmtp_keywords();
	test_set_to_header();
	test_override_format();
	T_EQ_INT(conf_syslog_facility("on"), LOG_USER);
	T_EQ_INT(conf_syslog_facility(""), LOG_USER);
	T_EQ_INT(conf_syslog_facility("LOG_MAIL"), LOG_MAIL);
	T_EQ_INT(conf_syslog_facility("LOG_LOCAL7"), LOG_LOCAL7);
	T_EQ_INT(conf_syslog_facility("log_mail"), -1);
	T_EQ_INT(conf_syslog_facility("LOG_KERN"), -1);
	test_copy();
	test_eval();
	test_golden(argc > 1 ? argv[1] : "tests/unit/data/conf");
	return t_done("t_conf");
}
