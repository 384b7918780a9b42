#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# -S/--serverinfo: what the server offers (TLS, certificate chain,
# capabilities), verified as always, without AUTH and without mail.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# SHA-256 of the DER form of a PEM certificate, AA:BB:... upper case
fingerprint() {
	"$PYTHON" -c '
import hashlib, ssl, sys
der = ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read())
h = hashlib.sha256(der).hexdigest().upper()
print(":".join(h[i:i + 2] for i in range(0, len(h), 2)))' "$1"
}

@test "-S over implicit TLS: version, chain with fingerprint, capabilities; no AUTH" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth
	run_smtps -S
	assert_status 0
	echo "$output" | grep -Eq "^SMTP server: +127\.0\.0\.1 port $PORT \(implicit TLS\)$" ||
		fail "no server line: $output"
	echo "$output" | grep -Eq '^TLS: +TLS1\.[23]' || fail "no TLS line: $output"
	echo "$output" | grep -q '^certificate 1 (server):$' || fail "no chain: $output"
	echo "$output" | grep -Eq '^    subject: +.*CN=' || fail "no subject: $output"
	echo "$output" | grep -Eq '^    issuer: +' || fail "no issuer: $output"
	echo "$output" | grep -Eq '^    valid until: +[0-9]{4}-' || fail "no validity"
	echo "$output" | grep -Fq "    SHA-256:     $(fingerprint "$CERTS/server.pem")" ||
		fail "wrong or no fingerprint: $output"
	echo "$output" | grep -q '^    AUTH PLAIN LOGIN$' || fail "no AUTH capability"
	refute_transcript 'C[:+] AUTH.*'
	refute_transcript 'C[:+] MAIL.*'
	assert_transcript 'C: QUIT'
}

@test "--serverinfo over STARTTLS: capabilities after TLS" {
	scenario <<EOF
$(sc_starttls)
ehlo PIPELINING
ehlo AUTH PLAIN
ehlo_tls PIPELINING
ehlo_tls DSN
ehlo_tls AUTH LOGIN
EOF
	start_server
	write_config starttls+auth
	run_smtps --serverinfo
	assert_status 0
	echo "$output" | grep -q '(STARTTLS)$' || fail "$output"
	echo "$output" | grep -q '^    DSN$' || fail "post-TLS capabilities missing: $output"
	echo "$output" | grep -q '^    AUTH LOGIN$' || fail "$output"
	refute_transcript 'C[:+] AUTH.*'
}

@test "-S with a certificate that fails verification: exit 69, nothing printed" {
	scenario <<EOF
$(sc_tls expired)
EOF
	start_server
	write_config tls+auth
	run_smtps -S
	assert_status 69
	assert_error_line 'certificate'
	[ -z "$output" ] || fail "printed: $output"
}

@test "-S takes no recipients" {
	write_config tls
	run_smtps -S bob@example.net
	assert_status 64
}

@test "-S: the AUTH mechanisms offered and the one smtps would use" {
	scenario <<EOF
$(sc_tls)
ehlo AUTH PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256 XOAUTH2
EOF
	start_server
	write_config tls+auth
	run_smtps -S
	assert_status 0
	echo "$output" | grep -qx 'AUTH offered:   PLAIN LOGIN SCRAM-SHA-1 SCRAM-SHA-256 XOAUTH2' ||
		fail "no offered line: $output"
	echo "$output" | grep -qx 'smtps would use: SCRAM-SHA-256 (auth on, channel binding tls-exporter)' ||
		fail "no choice line: $output"
	refute_transcript 'C[:+] AUTH.*'
}

@test "-S: an xoauth2 account on a server without it: none, and why" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "auth xoauth2"
	run_smtps -S
	assert_status 0
	echo "$output" | grep -qx 'smtps would use: none: server does not offer AUTH xoauth2 (offered: PLAIN LOGIN) (auth xoauth2, channel binding tls-exporter)' ||
		fail "no choice line: $output"
}
