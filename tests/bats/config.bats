#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# msmtp-compatible config through the real binary: an msmtprc with an
# implicit-TLS and a STARTTLS account works unchanged; syntax features;
# errors are FILE:LINE: ... with exit 78 and nothing sent.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

cfg() {
	cat > "$CFG"
	chmod 600 "$CFG"
}

assert_config_error() {
	assert_status 78
	[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "expected one line on stderr"
	assert_error_line "^smtps: .*mailrc:$1: "
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

error_server() {
	{ sc_plain; } > "$T/scenario"
	start_server
	std_message
}

@test "an msmtprc with STARTTLS and implicit-TLS accounts works unchanged" {
	{ sc_starttls; } > "$T/scenario"
	start_server
	cp "$CERTS/ca.pem" "$HOME/ca.pem"
	cfg <<EOF
# Example for a user configuration file ~/.msmtprc
#
# Set default values for all following accounts.
defaults
auth           on
tls            on
tls_trust_file ~/ca.pem
timeout        5

# A STARTTLS provider
account        work
host           127.0.0.1
port           $PORT
tls_starttls   on
from           alice@example.org
user           alice
password       "s3cret pass"

# An implicit-TLS provider, same credentials, inherits from work
account        smtps : work
port           465
tls_starttls   off

# Set a default account
account default : work
EOF
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_before 'C: STARTTLS' 'C: AUTH PLAIN .*'
	assert_delivered 1 --domain example.org
}

@test "msmtprc implicit-TLS account chosen with -a" {
	{ sc_tls; } > "$T/scenario"
	start_server
	cfg <<EOF
defaults
tls on
tls_trust_file $CERTS/ca.pem
timeout 5

account work
host 127.0.0.1
port 1
tls_starttls on
from work@example.org

account smtps : work
port $PORT
tls_starttls off
user alice
password "s3cret pass"
from alice@example.org

account default : work
EOF
	std_message
	run_smtps -a smtps bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64)"
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<alice@example.org>' ||
		fail "wrong sender: $(head -n 1 "$SRV/msg.1.env")"
}

@test "comments, quoting with escapes, keyword without value, ~ expansion" {
	{ sc_tls; echo 'password pa"ss #word\'; } > "$T/scenario"
	start_server
	cp "$CERTS/ca.pem" "$HOME/ca.pem"
	cfg <<EOF
# comment line
   # indented comment
defaults
tls
tls_starttls off

account test
host 127.0.0.1
port $PORT
tls_trust_file ~/ca.pem
from alice@example.org
user alice
password "pa\\"ss #word\\\\"
domain client.example
EOF
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript "C: AUTH PLAIN $(plain_b64 alice 'pa"ss #word\')"
}

@test "a # after a value is part of the value, as in msmtp (only whole-line comments)" {
	error_server
	cfg <<EOF
# a whole-line comment
   # an indented whole-line comment
account test
host 127.0.0.1
port $PORT
tls off	# not a comment
from alice@example.org
EOF
	run_smtps bob@example.net
	assert_config_error 6
	assert_error_line "keyword 'tls' expects on or off"
}

@test "error: unknown keyword -> FILE:LINE, 78" {
	error_server
	cfg <<EOF
account test
host 127.0.0.1
port $PORT
tls off
hots typo
from alice@example.org
EOF
	run_smtps bob@example.net
	assert_config_error 5
}

@test "error: port out of range" {
	error_server
	cfg <<'EOF'
account test
host 127.0.0.1
port 70000
EOF
	run_smtps bob@example.net
	assert_config_error 3
}

@test "error: bad on/off value" {
	error_server
	cfg <<'EOF'
account test
host 127.0.0.1
tls maybe
EOF
	run_smtps bob@example.net
	assert_config_error 3
}

@test "error: malformed tls_fingerprint" {
	error_server
	cfg <<'EOF'
account test
host 127.0.0.1
tls_fingerprint 12:34:zz
EOF
	run_smtps bob@example.net
	assert_config_error 3
}

@test "error: bad timeout" {
	error_server
	cfg <<'EOF'
account test
host 127.0.0.1
timeout soon
EOF
	run_smtps bob@example.net
	assert_config_error 3
}

@test "error: duplicate account name" {
	error_server
	cfg <<EOF
account a
host 127.0.0.1

account a
host 127.0.0.1
EOF
	run_smtps bob@example.net
	assert_config_error 4
}

@test "error: unterminated quote" {
	error_server
	cfg <<'EOF'
account test
host 127.0.0.1
password "oops
EOF
	run_smtps bob@example.net
	assert_config_error 3
}

@test "error: inheriting from an unknown account" {
	error_server
	cfg <<'EOF'
account test : nosuch
host 127.0.0.1
EOF
	run_smtps bob@example.net
	assert_config_error 1
}

@test "error: no host -> 78" {
	error_server
	cfg <<'EOF'
account test
from alice@example.org
EOF
	run_smtps bob@example.net
	assert_status 78
	assert_error_line 'host'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "error: no from and no -f -> 78" {
	error_server
	cfg <<EOF
account test
host 127.0.0.1
port $PORT
tls off
EOF
	run_smtps bob@example.net
	assert_status 78
	assert_error_line 'from'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "-C with a file that does not exist: 78" {
	error_server
	CFG=$T/does-not-exist
	run_smtps bob@example.net
	assert_status 78
	assert_error_line 'does-not-exist'
}

@test "eval: the command's first line replaces the eval line" {
	{ sc_plain; } > "$T/scenario"
	start_server
	std_message
	cfg <<EOF
account test
eval echo host 127.0.0.1; echo ignored second line
eval "echo 'port $PORT'"
tls off
eval echo from alice@example.org
EOF
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'C: MAIL FROM:<alice@example.org>( .*)?'
	assert_delivered
}

@test "eval: a failing command is a config error naming the line, nothing sent" {
	error_server
	cfg <<'EOF'
account test
host 127.0.0.1

eval exit 3
EOF
	run_smtps bob@example.net
	assert_config_error 4
	assert_error_line 'eval failed: command exited with status 3'
}

@test "deprecated keywords: honoured, warned with -P, silent for cron" {
	{ sc_plain; } > "$T/scenario"
	start_server
	message <<'EOF'
From: alice@example.org
To: bob@example.net
Bcc: carol@example.net
Subject: keep bcc

body
EOF
	cfg <<EOF
account test
host 127.0.0.1
port $PORT
tls off
maildomain example.org
auto_from on
keepbcc on
tls_min_dh_prime_bits 512
EOF
	USER=alice run_smtps bob@example.net
	assert_status 0
	[ ! -s "$T/stderr" ] || fail "stderr not empty: $(cat "$T/stderr")"
	assert_transcript 'C: MAIL FROM:<alice@example.org>( .*)?'
	grep -q '^Bcc: carol@example.net' "$SRV/msg.1" || fail "Bcc removed"
	USER=alice run_smtps -P bob@example.net
	assert_status 0
	grep -qx "smtps: warning: .*mailrc:6: keyword 'auto_from' is deprecated (use from %U@DOMAIN)" "$T/stderr" ||
		fail "$(cat "$T/stderr")"
	grep -q "mailrc:7: keyword 'keepbcc' is deprecated (use remove_bcc_headers off)" "$T/stderr" ||
		fail "$(cat "$T/stderr")"
	grep -q "mailrc:8: keyword 'tls_min_dh_prime_bits' is deprecated and has no effect" "$T/stderr" ||
		fail "$(cat "$T/stderr")"
}

@test "long values: a 20000-byte OAuth-style token as password (file and passwordeval)" {
	local tok
	tok=$(head -c 15000 /dev/urandom | base64 -w0 | head -c 20000)
	[ "${#tok}" -eq 20000 ] || fail "token length ${#tok}"
	printf 'mode tls\ncert %s\nkey %s\nuser %s\npassword %s\nconnections 2\n' \
	    "$CERTS/server.pem" "$CERTS/server-key.pem" "$USER_NAME" "$tok" > "$T/scenario"
	start_server
	std_message
	write_config tls "user $USER_NAME" "password $tok"
	run_smtps bob@example.net
	assert_status 0
	printf '%s\n' "$tok" > "$T/token"
	write_config tls "user $USER_NAME" "passwordeval cat $T/token"
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 2
	! grep -qF "${tok:0:64}" "$T/stderr" || fail "token on stderr"
}
