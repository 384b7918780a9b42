# SPDX-License-Identifier: ISC
# helper.bash - shared set-up of the smtps integration suites.
#
# Real servers, started once per .bats file by it_setup_file (servers.sh):
#   Postfix  implicit TLS ($PF_TLS_PORT) and STARTTLS-required ($PF_STLS_PORT)
#            submission, SASL through Dovecot, delivery to Maildirs
#   Dovecot  submission service, implicit TLS ($DC_TLS_PORT) and STARTTLS
#            ($DC_STLS_PORT), relaying into Postfix
# and stopped by PID in it_teardown_file.
#
# smtps accounts in $CFG (written per test, mode 0600):
#   pf465 pf587 dc465 dc587   server + TLS mode (465: implicit, 587: STARTTLS)
#   NAME-badpw                the same with a wrong password
#   NAME-notls                the same with "tls off" (no allow_plaintext_auth)
#   NAME-login                the same with "auth login"
#   pf587-eval dc465-eval     password from passwordeval instead of password
#   pf587-plainauth           tls off + allow_plaintext_auth on (control)
#   dcsasl                    the SASL Dovecot ($DC_SASL_PORT: PLAIN LOGIN
#                             CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 EXTERNAL)
#                             with alice's client certificate; -badpw,
#                             -external (auth external, no password),
#                             -nocert (no client certificate), -token
#                             (the password is the OAuth2 access token
#                             it-access-token-1, valid when a test writes
#                             it into $OAUTH_TOKENS)
#
# Per test: $T (BATS_TEST_TMPDIR), HOME=$T/home, every Maildir emptied.
#
# Not root: every test is skipped, and the reason is printed loudly (the
# servers need root to run as their own users).

# shellcheck disable=SC2154  # $status, $output, $stderr come from bats' run
bats_require_minimum_version 1.5.0

IT=$(cd "$BATS_TEST_DIRNAME" && pwd)
REPO=$(cd "$IT/../.." && pwd)
SMTPS=${SMTPS:-$REPO/smtps}
case $SMTPS in /*) ;; *) SMTPS=$REPO/$SMTPS ;; esac
if [ -z "${PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
MAILDIR_PY=$IT/maildir.py

IT_SKIP_WHY="integration suite SKIPPED: needs root (it installs postfix/dovecot with apt and runs them as their own users); run 'make integration' as root"

it_setup_file() {
	if [ "$(id -u)" -ne 0 ]; then
		# said once per file here; every test then skips in it_setup
		{
			echo "#"
			echo "# !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
			echo "# !!! $IT_SKIP_WHY"
			echo "# !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
		} >&3
		return 0
	fi
	[ -x "$SMTPS" ] || {
		echo "smtps binary not found: $SMTPS (run make)" >&2
		return 1
	}
	# apt's output (if anything is missing) as TAP comments
	{ sh "$IT/setup-deps.sh" 2>&1; echo $? > "$BATS_FILE_TMPDIR/deps.rc"; } |
		sed 's/^/# /' >&3
	[ "$(cat "$BATS_FILE_TMPDIR/deps.rc")" -eq 0 ] || {
		echo "tests/integration/setup-deps.sh failed" >&2
		return 1
	}
	IT_DIR=$(mktemp -d /tmp/smtps-it.XXXXXX)
	export IT_DIR
	sh "$IT/servers.sh" start "$IT_DIR" || return 1
	set -a
	# shellcheck disable=SC1091
	. "$IT_DIR/env"
	set +a
}

it_teardown_file() {
	[ -n "${IT_DIR:-}" ] && [ -d "$IT_DIR" ] || return 0
	sh "$IT/servers.sh" stop "$IT_DIR"
	# both must really be gone
	local f pid
	for f in "$IT_DIR/postfix/spool/pid/master.pid" "$IT_DIR/dovecot/run/master.pid" \
	    "$IT_DIR/dovecot-sasl/run/master.pid"; do
		pid=$(tr -dc 0-9 < "$f" 2>/dev/null) || continue
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			echo "server still running after stop: pid $pid ($f)" >&2
			return 1
		fi
	done
	if [ -n "${SMTPS_IT_KEEP:-}" ]; then
		echo "# kept $IT_DIR (SMTPS_IT_KEEP)" >&3
	else
		rm -rf "$IT_DIR"
	fi
}

it_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: run 'make integration' as root"
	T=$BATS_TEST_TMPDIR
	export HOME=$T/home
	export XDG_CONFIG_HOME=$HOME/.config XDG_STATE_HOME=$HOME/.local/state
	mkdir -p "$HOME"
	CFG=$T/mailrc
	PASS=$(cat "$IT_DIR/password")
	write_config "$CFG"
	rm -f "$MAILBASE"/*/*/new/* "$MAILBASE"/*/*/cur/* "$MAILBASE"/*/*/tmp/*
	# the log lines of this test start here
	PF_LOG_START=$(wc -l < "$PF_LOG")
	DC_LOG_START=$(wc -l < "$DC_LOG")
}

# write_config FILE: the accounts listed at the top, mode 0600
write_config() {
	local esc
	# msmtp quoting: \" for a quote, \\ for a backslash
	esc=$(printf '%s' "$PASS" | sed 's/\\/\\\\/g; s/"/\\"/g')
	(
		umask 077
		cat > "$1" <<EOF
# written by tests/integration/helper.bash
defaults
tls on
tls_trust_file $CA
user alice
password "$esc"
from alice@example.org
domain client.example.org
timeout 60
# bare recipients must not depend on the host's /etc/mailname
mailname_file off

# Postfix, IP address host (the certificate has an IP SAN)
account pf465
host 127.0.0.1
port $PF_TLS_PORT
tls_starttls off

account pf587
host 127.0.0.1
port $PF_STLS_PORT
tls_starttls on

# Dovecot submission, DNS name host
account dc465
host localhost
port $DC_TLS_PORT
tls_starttls off

account dc587
host localhost
port $DC_STLS_PORT
tls_starttls on

account pf465-badpw : pf465
password "wrong password"
account pf587-badpw : pf587
password "wrong password"
account dc465-badpw : dc465
password "wrong password"
account dc587-badpw : dc587
password "wrong password"

account pf465-notls : pf465
tls off
account pf587-notls : pf587
tls off
account dc465-notls : dc465
tls off
account dc587-notls : dc587
tls off

account pf465-login : pf465
auth login
account pf587-login : pf587
auth login
account dc465-login : dc465
auth login
account dc587-login : dc587
auth login

# the password from a command (the file holds it plus a newline); the
# parent's wrong password is unset by the empty "password" line
account pf587-eval : pf587-badpw
password
passwordeval "cat '$IT_DIR/password'"
account dc465-eval : dc465-badpw
password
passwordeval "cat '$IT_DIR/password'"

account pf587-plainauth : pf587
tls off
allow_plaintext_auth on

# the second Dovecot, every SASL mechanism; alice's client certificate
account dcsasl
host localhost
port $DC_SASL_PORT
tls_starttls off
tls_cert_file $CLIENT_CERT
tls_key_file $CLIENT_KEY

account dcsasl-badpw : dcsasl
password "wrong password"

# EXTERNAL: no password at all; a passwordeval that must never run
account dcsasl-external : dcsasl
auth external
password
passwordeval "touch '$T/passwordeval-ran'; echo x"

account dcsasl-nocert
host localhost
port $DC_SASL_PORT
tls_starttls off

# an OAuth2 access token as the password (msmtp's convention); the
# tests put it into $OAUTH_TOKENS, or not
account dcsasl-token : dcsasl-nocert
password "it-access-token-1"

account default : pf465
EOF
	)
}

# run_smtps ARGS...: smtps with $CFG, stdin from $T/input; status in
# $status, stdout in $output, stderr in $stderr (bats 1.5 --separate-stderr)
run_smtps() {
	run --separate-stderr "$SMTPS" -C "$CFG" "$@" < "$T/input"
	echo "smtps $* -> status $status" >&2
	[ -z "$stderr" ] || printf 'stderr: %s\n' "$stderr" >&2
}

# message: $T/input from stdin
message() { cat > "$T/input"; }

fail() {
	echo "FAIL: $*" >&2
	return 1
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "exit status $status, expected $1"
}

# maildir USER@DOMAIN: the Maildir of a mailbox
maildir() { echo "$MAILBASE/${1#*@}/${1%@*}"; }

# wait_mail USER@DOMAIN N: until N messages arrived (30 s); sets MAIL_FILES
wait_mail() {
	MAIL_FILES=$("$PYTHON" "$MAILDIR_PY" wait "$(maildir "$1")" "$2" 30) ||
		fail "$1: expected $2 message(s)"
	local n
	n=$(printf '%s\n' "$MAIL_FILES" | grep -c .)
	[ "$n" -eq "$2" ] || fail "$1: $n messages, expected exactly $2"
}

mail_count() { "$PYTHON" "$MAILDIR_PY" count "$(maildir "$1")"; }

# submitted FILE OUT: the delivered message without the servers' trace fields
submitted() { "$PYTHON" "$MAILDIR_PY" body "$1" > "$2"; }

# header FILE NAME: the values of a header field of the submitted part
header() { "$PYTHON" "$MAILDIR_PY" header "$1" "$2"; }

# assert_same EXPECTED ACTUAL: byte for byte, with a diff when not
assert_same() {
	cmp -s "$1" "$2" && return 0
	echo "delivered message differs from what was sent:" >&2
	diff -u "$1" "$2" | head -n 40 | cat -A >&2
	return 1
}

# lf FILE: the file with CR LF turned into LF (Maildir stores LF)
lf() { sed 's/\r$//' "$1"; }

# assert_trace FILE SERVER: the trace fields show the expected path:
# authenticated TLS submission (ESMTPSA) to that server
assert_trace() {
	local tr
	tr=$("$PYTHON" "$MAILDIR_PY" trace "$1")
	case $2 in
	pf*) printf '%s\n' "$tr" | grep -q 'by mx.example.org (Postfix) with ESMTPSA' ||
		fail "not submitted to Postfix with ESMTPSA: $tr" ;;
	dc*) printf '%s\n' "$tr" | grep -q 'by submit.example.org with ESMTPSA' ||
		fail "not submitted to Dovecot with ESMTPSA: $tr" ;;
	esac
}

# queue_empty: nothing waits in the private Postfix queue
queue_empty() {
	local left
	left=$(find "$PF_QUEUE/incoming" "$PF_QUEUE/active" "$PF_QUEUE/deferred" \
	    "$PF_QUEUE/hold" "$PF_QUEUE/maildrop" -type f 2>/dev/null)
	[ -z "$left" ] || fail "Postfix queue not empty: $left"
}

# assert_nothing_delivered ACCOUNT USER...: after a failed submission, send a
# marker message with ACCOUNT's server (good password) to admin and wait for
# it; by then anything the failed run had queued would be delivered or
# still queued.  Then no USER may have mail and the queue must be empty.
assert_nothing_delivered() {
	local acct=$1 u
	shift
	printf 'Subject: marker\n\nmarker\n' |
		"$SMTPS" -C "$CFG" -a "${acct%%-*}" admin@example.org ||
		fail "marker message not sent"
	wait_mail admin@example.org 1
	for u in "$@"; do
		[ "$(mail_count "$u")" -eq 0 ] || fail "$u got mail although smtps failed"
	done
	queue_empty
}

# pf_log_since / dc_log_since: the server log lines written during this test
pf_log_since() { tail -n +"$((PF_LOG_START + 1))" "$PF_LOG"; }
dc_log_since() { tail -n +"$((DC_LOG_START + 1))" "$DC_LOG"; }

# assert_no_secret FILE: neither the password nor its SASL PLAIN or LOGIN
# encoding is in FILE
assert_no_secret() {
	local b64 b64login
	b64=$(printf '\0alice\0%s' "$PASS" | base64 -w0)
	b64login=$(printf '%s' "$PASS" | base64 -w0)
	if grep -qF -- "$PASS" "$1" || grep -qF -- "$b64" "$1" ||
	    grep -qF -- "$b64login" "$1"; then
		fail "the password appears in $1"
	fi
}
