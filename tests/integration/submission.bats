#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Real submission servers: every case on Postfix and on Dovecot's submission
# service, each over implicit TLS (pf465, dc465) and STARTTLS (pf587, dc587).
# Delivered Maildir files are compared byte for byte with what was sent,
# after removing the trace fields the servers put on top.

load helper

setup_file() { it_setup_file; }
teardown_file() { it_teardown_file; }
setup() { it_setup; }

# A message with every header smtps would otherwise add, so that what
# arrives must equal the input exactly (LF line ends: Maildir stores LF).
# Body lines that stress the transport: a lone dot, leading dots, "From ",
# trailing white space, an empty line, a tab.
full_message() { # SUBJECT [extra header lines]
	printf 'From: Alice Example <alice@example.org>\n'
	printf 'To: Bob <bob@example.org>, "Carol, C." <carol@example.net>\n'
	printf 'Subject: %s\n' "$1"
	printf 'Date: Fri, 27 Nov 2026 10:00:00 +0100\n'
	printf 'Message-ID: <%s.%s@client.example.org>\n' "$$" "$RANDOM"
	[ -z "${2:-}" ] || printf '%s\n' "$2"
	printf '\n'
	printf 'first line\n.\n..two dots\n.leading dot\nFrom the start of a line\n'
	printf 'trailing space   \n\n\tindented by a tab\nlast line\n'
}

# ---------------------------------------------------------------- cases

# -t: recipients from To/Cc/Bcc, Bcc removed; the password stays out of -v
case_dash_t() {
	local acct=$1
	full_message "dash-t via $acct" 'Bcc: Dave <dave@example.net>' | message
	run_smtps -v -a "$acct" -t
	assert_status 0
	printf '%s\n' "$stderr" > "$T/verbose"
	assert_no_secret "$T/verbose"
	grep -q '^--> AUTH PLAIN \*\*\*$' "$T/verbose" || fail "no redacted AUTH in -v output"
	# what must arrive: the input without its Bcc line
	grep -v '^Bcc: ' "$T/input" > "$T/expected"
	local u
	for u in bob@example.org carol@example.net dave@example.net; do
		wait_mail "$u" 1
		submitted "$MAIL_FILES" "$T/got"
		assert_same "$T/expected" "$T/got"
		assert_trace "$MAIL_FILES" "$acct"
	done
	[ "$(mail_count alice@example.org)" -eq 0 ] || fail "alice got a copy"
}

# recipients as arguments only: To/Cc name other people, who must get nothing
case_args() {
	local acct=$1
	full_message "arguments via $acct" | message
	run_smtps -a "$acct" dave@example.net alice@example.org
	assert_status 0
	[ -z "$stderr" ] || fail "delivery is silent, got: $stderr"
	local u
	for u in dave@example.net alice@example.org; do
		wait_mail "$u" 1
		submitted "$MAIL_FILES" "$T/got"
		assert_same "$T/input" "$T/got"
		assert_trace "$MAIL_FILES" "$acct"
	done
	[ "$(mail_count bob@example.org)" -eq 0 ] || fail "bob (To:) got mail without -t"
	[ "$(mail_count carol@example.net)" -eq 0 ] || fail "carol (To:) got mail without -t"
}

# 20 MB, base64-like lines, sent as one message
case_big() {
	local acct=$1
	{
		full_message "20 MB via $acct" 'MIME-Version: 1.0
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64'
		head -c 15000000 /dev/urandom | base64 -w 76
	} > "$T/input"
	local size
	size=$(stat -c %s "$T/input")
	[ "$size" -gt 20000000 ] || fail "test message is only $size bytes"
	local t0=$SECONDS
	run_smtps -a "$acct" bob@example.org
	assert_status 0
	echo "20 MB submitted in $((SECONDS - t0)) s" >&2
	wait_mail bob@example.org 1
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
}

# 8-bit UTF-8 body (and BODY=8BITMIME announced, both servers offer it)
case_utf8() {
	local acct=$1
	{
		full_message "utf-8 via $acct" 'MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit'
		printf 'Grüße aus Köln, naïve café, smörgåsbord\n'
		printf 'Ελληνικά, русский, 日本語, emoji 🙂 and € £ ¥\n'
		printf '.þorn after a dot\n'
	} > "$T/input"
	run_smtps -v -a "$acct" bob@example.org
	assert_status 0
	printf '%s\n' "$stderr" | grep -q '^--> MAIL FROM:<alice@example.org>.* BODY=8BITMIME' ||
		fail "BODY=8BITMIME not announced"
	wait_mail bob@example.org 1
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
}

# null sender (-f ''): accepted, delivered with Return-Path <>
case_null_sender() {
	local acct=$1
	full_message "null sender via $acct" | message
	run_smtps -v -a "$acct" -f '' bob@example.org
	assert_status 0
	printf '%s\n' "$stderr" | grep -q '^--> MAIL FROM:<>' || fail "MAIL FROM:<> not sent"
	wait_mail bob@example.org 1
	head -n 1 "$MAIL_FILES" | grep -qx 'Return-Path: <>' ||
		fail "Return-Path is not <>: $(head -n 1 "$MAIL_FILES")"
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
}

# wrong password: 77, one error line with the server's reply, nothing sent,
# the message kept in dead.letter, no password in the output
case_badpw() {
	local acct=$1
	full_message "wrong password via $acct" | message
	run_smtps -v -a "$acct-badpw" bob@example.org
	assert_status 77
	printf '%s\n' "$stderr" | grep -q '^smtps: .*535' || fail "no error line with the 535 reply"
	# the envelope may travel pipelined with AUTH; after the
	# refusal nothing more is sent
	printf '%s\n' "$stderr" | sed -n '/^<-- 535/,$p' | grep -q '^-->' &&
		fail "a command was sent after the failed AUTH"
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -qF 'wrong password' "$T/verbose" && fail "the password appears in the output"
	grep -q "^Subject: wrong password via $acct\$" "$HOME/dead.letter" ||
		fail "message not kept in ~/dead.letter"
	assert_nothing_delivered "$acct" bob@example.org
}

# a recipient the server refuses: 67, nobody gets the message (all or nothing)
case_refused() {
	local acct=$1
	full_message "refused via $acct" | message
	run_smtps -a "$acct" bob@example.org refused@example.org carol@example.net
	assert_status 67
	printf '%s\n' "$stderr" | grep -q '^smtps: .*refused@example.org.*550 5\.1\.1' ||
		fail "error line does not name refused@example.org with 550 5.1.1"
	assert_nothing_delivered "$acct" bob@example.org carol@example.net
}

# the account says "tls off" for a server that requires TLS: smtps refuses
# before connecting at all (credentials never cross unencrypted; documented
# in smtps-mailrc(5) allow_plaintext_auth, a configuration error, 78)
case_notls() {
	local acct=$1
	full_message "no tls via $acct" | message
	run_smtps -v -a "$acct-notls" bob@example.org
	assert_status 78
	printf '%s\n' "$stderr" | grep -q '^smtps: .*allow_plaintext_auth' ||
		fail "error line does not explain allow_plaintext_auth"
	printf '%s\n' "$stderr" | grep -qE '^(-->|<--)' && fail "smtps talked to the server"
	printf '%s\n' "$stderr" > "$T/verbose"
	assert_no_secret "$T/verbose"
	# and the server saw no connection from it
	sleep 0.3
	case $acct in
	pf*) pf_log_since | grep -q 'connect from' && fail "Postfix saw a connection" ;;
	dc*) dc_log_since | grep -q 'submission-login' && fail "Dovecot saw a connection" ;;
	esac
	assert_nothing_delivered "$acct" bob@example.org
}

# AUTH LOGIN (the password travels as its own base64 line) and delivery
case_login() {
	local acct=$1
	full_message "auth login via $acct" | message
	run_smtps -v -a "$acct-login" bob@example.org
	assert_status 0
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -q '^--> AUTH LOGIN' "$T/verbose" || fail "AUTH LOGIN not used"
	assert_no_secret "$T/verbose"
	wait_mail bob@example.org 1
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
	assert_trace "$MAIL_FILES" "$acct"
}

# the password from passwordeval (spaces, quotes, shell characters intact)
case_eval() {
	local acct=$1
	full_message "passwordeval via $acct" | message
	run_smtps -v -a "$acct-eval" bob@example.org
	assert_status 0
	printf '%s\n' "$stderr" > "$T/verbose"
	assert_no_secret "$T/verbose"
	wait_mail bob@example.org 1
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
}

# ---------------------------------------------------------------- tests

@test "postfix implicit TLS: -t, byte for byte, Bcc removed" { case_dash_t pf465; }
@test "postfix STARTTLS: -t, byte for byte, Bcc removed" { case_dash_t pf587; }
@test "dovecot implicit TLS: -t, byte for byte, Bcc removed" { case_dash_t dc465; }
@test "dovecot STARTTLS: -t, byte for byte, Bcc removed" { case_dash_t dc587; }

@test "postfix implicit TLS: argument recipients, byte for byte" { case_args pf465; }
@test "postfix STARTTLS: argument recipients, byte for byte" { case_args pf587; }
@test "dovecot implicit TLS: argument recipients, byte for byte" { case_args dc465; }
@test "dovecot STARTTLS: argument recipients, byte for byte" { case_args dc587; }

@test "postfix implicit TLS: AUTH LOGIN" { case_login pf465; }
@test "postfix STARTTLS: AUTH LOGIN" { case_login pf587; }
@test "dovecot implicit TLS: AUTH LOGIN" { case_login dc465; }
@test "dovecot STARTTLS: AUTH LOGIN" { case_login dc587; }

@test "postfix STARTTLS: password from passwordeval" { case_eval pf587; }
@test "dovecot implicit TLS: password from passwordeval" { case_eval dc465; }

@test "postfix implicit TLS: 20 MB message" { case_big pf465; }
@test "postfix STARTTLS: 20 MB message" { case_big pf587; }
@test "dovecot implicit TLS: 20 MB message" { case_big dc465; }
@test "dovecot STARTTLS: 20 MB message" { case_big dc587; }

@test "postfix implicit TLS: 8-bit UTF-8 body" { case_utf8 pf465; }
@test "postfix STARTTLS: 8-bit UTF-8 body" { case_utf8 pf587; }
@test "dovecot implicit TLS: 8-bit UTF-8 body" { case_utf8 dc465; }
@test "dovecot STARTTLS: 8-bit UTF-8 body" { case_utf8 dc587; }

@test "postfix implicit TLS: null sender" { case_null_sender pf465; }
@test "postfix STARTTLS: null sender" { case_null_sender pf587; }
@test "dovecot implicit TLS: null sender" { case_null_sender dc465; }
@test "dovecot STARTTLS: null sender" { case_null_sender dc587; }

@test "postfix implicit TLS: wrong password exits 77, nothing delivered" { case_badpw pf465; }
@test "postfix STARTTLS: wrong password exits 77, nothing delivered" { case_badpw pf587; }
@test "dovecot implicit TLS: wrong password exits 77, nothing delivered" { case_badpw dc465; }
@test "dovecot STARTTLS: wrong password exits 77, nothing delivered" { case_badpw dc587; }

@test "postfix implicit TLS: refused recipient exits 67, nobody gets it" { case_refused pf465; }
@test "postfix STARTTLS: refused recipient exits 67, nobody gets it" { case_refused pf587; }
@test "dovecot implicit TLS: refused recipient exits 67, nobody gets it" { case_refused dc465; }
@test "dovecot STARTTLS: refused recipient exits 67, nobody gets it" { case_refused dc587; }

@test "postfix implicit TLS port with tls off: refused before connecting (78)" { case_notls pf465; }
@test "postfix STARTTLS-required port with tls off: refused before connecting (78)" { case_notls pf587; }
@test "dovecot implicit TLS port with tls off: refused before connecting (78)" { case_notls dc465; }
@test "dovecot STARTTLS port with tls off: refused before connecting (78)" { case_notls dc587; }

# EAI (RFC 6531): a UTF-8 local part goes with SMTPUTF8 on MAIL FROM, which
# Postfix (smtputf8_enable = yes) offers; the mailbox jöran@example.org
# (Maildir example.org/joran) gets the message byte for byte.
@test "EAI mail to a UTF-8 address arrives at Postfix" {
	full_message "EAI via pf465" | message
	run_smtps -v -a pf465 'jöran@example.org'
	assert_status 0
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -q '^<-- 250.SMTPUTF8' "$T/verbose" || fail "Postfix did not offer SMTPUTF8"
	grep -q '^--> MAIL FROM:<alice@example.org> .*SMTPUTF8' "$T/verbose" ||
		fail "no SMTPUTF8 on MAIL FROM: $(grep -a '^--> MAIL' "$T/verbose")"
	MAIL_FILES=$("$PYTHON" "$MAILDIR_PY" wait "$MAILBASE/example.org/joran" 1 30) ||
		fail "nothing arrived for jöran@example.org"
	submitted "$MAIL_FILES" "$T/got"
	assert_same "$T/input" "$T/got"
}

# Control: the STARTTLS port really requires TLS.  With plaintext AUTH
# allowed, smtps connects without TLS; Postfix offers no AUTH there, so smtps
# stops (69, AUTH not offered) without sending credentials or the message.
@test "postfix STARTTLS-required port: no AUTH offered without TLS (69), no credentials sent" {
	full_message "plaintext control" | message
	run_smtps -v -a pf587-plainauth bob@example.org
	assert_status 69
	printf '%s\n' "$stderr" > "$T/verbose"
	grep -q '^<-- 250.*STARTTLS' "$T/verbose" || fail "Postfix did not offer STARTTLS"
	grep -q '^<-- 250.AUTH' "$T/verbose" && fail "Postfix offered AUTH without TLS"
	grep -q '^--> AUTH' "$T/verbose" && fail "smtps sent AUTH"
	grep -q '^--> MAIL' "$T/verbose" && fail "smtps sent MAIL"
	grep -q '^smtps: .*AUTH' "$T/verbose" || fail "error line does not say AUTH is missing"
	assert_no_secret "$T/verbose"
	assert_nothing_delivered pf587 bob@example.org
}
