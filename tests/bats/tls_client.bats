#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Client certificates (tls_cert_file, tls_key_file) and CRLs
# (tls_crl_file): the certificate reaches a server that asks for it, a
# half or broken configuration is refused before any network byte, and a
# revoked server certificate is refused before anything is sent.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

CLIENT_SUBJECT='O=smtps tests,CN=smtps test client'

# an implicit-TLS server with certificate $2 (default server) that asks for
# (request) or insists on (require) a client certificate of the test CA
client_cert_server() {
	scenario <<EOF
$(sc_tls "${2:-server}")
client_cert $1 $CERTS/ca.pem
EOF
	start_server
}

# write_config with the test client certificate and key
config_with_cert() {
	write_config "$1" "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $CERTS/client-key.pem"
}

# smtps never connected (a config error found before any network byte)
assert_not_connected() {
	[ "$(cat "$SRV/accepted" 2>/dev/null || echo 0)" = 0 ] ||
		fail "smtps connected although its config is broken"
}

@test "client certificate: presented when asked, the server sees its subject" {
	client_cert_server request
	config_with_cert tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty on success"
	assert_sequence '-- TLS' "-- TLS client certificate: $CLIENT_SUBJECT" \
	    'S: 220 .*' 'C: EHLO client.example' 'C: AUTH PLAIN .*' \
	    'C[:+] MAIL FROM:<alice@example.org>.*'
	assert_delivered
}

@test "client certificate over STARTTLS: required by the server, presented" {
	scenario <<EOF
$(sc_starttls)
client_cert require $CERTS/ca.pem
EOF
	start_server
	config_with_cert starttls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_sequence 'C: STARTTLS' '-- TLS' \
	    "-- TLS client certificate: $CLIENT_SUBJECT" 'C: EHLO client.example'
	assert_delivered
}

@test "no client certificate configured: the server sees none" {
	client_cert_server request
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript '-- TLS client certificate: none'
	assert_delivered
}

@test "server requires a certificate and none is configured: one clean error, nothing sent" {
	client_cert_server require
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	# TLS 1.3: the refusal comes as an alert after the client's Finished
	# (76) or as a reset (75); never success, never a crash
	case $status in 75|76) ;; *) fail "unexpected exit status $status" ;; esac
	assert_error_line '^smtps: .*(TLS|reset|closed|alert)'
	[ "$status" != 76 ] || assert_error_line "alert 'Certificate is required' \(it wants a client certificate"
	[ "$(grep -c . "$T/stderr")" -eq 1 ] || fail "not exactly one error line"
	assert_transcript '-- TLS failed: .*'
	assert_no_auth_no_mail
}

@test "tls_cert_file without tls_key_file: 78 naming the keyword, no connection" {
	client_cert_server request
	write_config tls+auth "tls_cert_file $CERTS/client.pem"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: account '[a-z]*' .*: tls_cert_file is set but tls_key_file is not"
	assert_not_connected
}

@test "tls_key_file without tls_cert_file: 78 naming the keyword" {
	write_config tls+auth "tls_key_file $CERTS/client-key.pem"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "tls_key_file is set but tls_cert_file is not"
}

@test "unreadable or invalid client certificate files: 78 with the file name, no connection" {
	client_cert_server request
	std_message
	write_config tls+auth "tls_cert_file $T/nonexistent.pem" \
	    "tls_key_file $CERTS/client-key.pem"
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: .*cannot read tls_cert_file $T/nonexistent.pem: No such file"
	echo "not a key" > "$T/bad-key.pem"
	write_config tls+auth "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $T/bad-key.pem"
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: .*tls_key_file $T/bad-key.pem: not a PEM private key"
	write_config tls+auth "tls_cert_file $CERTS/client-key.pem" \
	    "tls_key_file $CERTS/client-key.pem"
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: .*tls_cert_file $CERTS/client-key.pem: not a PEM certificate"
	write_config tls+auth "tls_cert_file $CERTS/client.pem" \
	    "tls_key_file $CERTS/server-key.pem"
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: .*tls_key_file $CERTS/server-key.pem does not fit tls_cert_file $CERTS/client.pem"
	assert_not_connected
}

@test "tls_crl_file revoking the server certificate: 69 'certificate revoked', nothing sent" {
	scenario <<EOF
$(sc_tls revoked)
EOF
	start_server
	write_config tls+auth "tls_crl_file $CERTS/crl.pem"
	std_message
	run_smtps bob@example.net
	assert_status 69
	assert_error_line "^smtps: TLS certificate verification failed for 127.0.0.1: certificate revoked"
	refute_transcript 'C[:+] .*'
	assert_no_auth_no_mail
}

@test "tls_crl_file not revoking the server certificate: delivered" {
	scenario <<EOF
$(sc_tls)
EOF
	start_server
	write_config tls+auth "tls_crl_file $CERTS/crl-other.pem"
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty on success"
	assert_delivered
}

@test "the revoked certificate is accepted without tls_crl_file (the CRL refuses it)" {
	scenario <<EOF
$(sc_tls revoked)
EOF
	start_server
	write_config tls+auth
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_delivered
}

@test "unreadable or empty tls_crl_file: 78 with the file name" {
	std_message
	write_config tls+auth "tls_crl_file $T/nocrl.pem"
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "cannot read tls_crl_file $T/nocrl.pem"
	: > "$T/empty.pem"
	write_config tls+auth "tls_crl_file $T/empty.pem"
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "^smtps: .*tls_crl_file $T/empty.pem"
}
