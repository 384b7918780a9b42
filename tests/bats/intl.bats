#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Internationalised mail (man smtps, INTERNATIONAL MAIL): SMTPUTF8 (RFC
# 6531) only when the server offers it, A-labels (IDNA 2008) for non-ASCII
# domains when it does not, a UTF-8 local part or header address refused
# (69, dead.letter) by a server without it, RFC 2047 in the added From,
# -O smtputf8 and -O requiretls (RFC 8689).  The scripted server shows
# 8-bit bytes as \xNN, so raw UTF-8 on the wire is visible in the
# transcripts.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() {
	stop_flusher
	common_teardown
}

# plain server offering the capabilities given (one "ehlo" line each)
caps_server() {
	local c
	{ sc_plain; for c in "$@"; do echo "ehlo $c"; done; } |
	    server_and_config plain
}

# a message with Date, Message-ID, From and an ASCII To (sent as is)
ascii_message() {
	cat > "$INPUT" <<'MSG'
Date: Tue, 01 Oct 2024 10:00:00 +0000
Message-ID: <intl.1@example.org>
From: Alice <alice@example.org>
To: friends:;
Subject: intl

body
MSG
}

# the session after EHLO when nothing may be sent: QUIT only
quit_only() {
	echo "C: QUIT"
	echo "S: 221 2.0.0 Bye"
	echo "-- EOF"
}

@test "non-ASCII domain, server without SMTPUTF8: the domain as A-labels in RCPT, no SMTPUTF8" {
	caps_server PIPELINING
	ascii_message
	run_smtps 'joran@exämple.org' 'x@bücher.example'
	assert_status 0
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING)
$(tx_mail joran@xn--exmple-cua.org x@xn--bcher-kva.example)
EOF
}

@test "-v says when domains went as A-labels" {
	caps_server PIPELINING
	ascii_message
	run_smtps -v 'joran@exämple.org'
	assert_status 0
	assert_stderr_match 'smtps: server 127\.0\.0\.1 does not offer SMTPUTF8: non-ASCII domains sent as A-labels'
	assert_stderr_match '--> RCPT TO:<joran@xn--exmple-cua\.org>'
}

@test "SMTPUTF8 offered, UTF-8 local part: MAIL FROM has SMTPUTF8, the address goes as UTF-8" {
	caps_server PIPELINING SMTPUTF8
	ascii_message
	run_smtps 'jöran@exämple.org'
	assert_status 0
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING SMTPUTF8)
$(tx_mail 'j\xc3\xb6ran@ex\xc3\xa4mple.org' |
    sed 's/^C: MAIL FROM:<alice@example.org>$/& SMTPUTF8/')
EOF
}

@test "SMTPUTF8 offered, only the domain is non-ASCII: SMTPUTF8 and the domain as written (as msmtp does)" {
	caps_server SMTPUTF8
	ascii_message
	run_smtps 'joran@exämple.org'
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org> SMTPUTF8' 'S: 250 .*' \
	    'C: RCPT TO:<joran@ex\\xc3\\xa4mple\.org>' 'S: 250 .*'
}

@test "UTF-8 local part, server without SMTPUTF8: exit 69, one line naming it, only QUIT after EHLO, dead.letter" {
	caps_server PIPELINING 8BITMIME
	ascii_message
	run_smtps bob@example.net 'jöran@example.org'
	assert_status 69
	assert_error_line "^smtps: recipient 'j\\\\xc3\\\\xb6ran@example\.org' has a UTF-8 local part and server 127\.0\.0\.1 does not offer SMTPUTF8; not sent; message saved in $HOME/dead\.letter$"
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING 8BITMIME)
$(quit_only)
EOF
	assert_dead_letter '^Subject: intl$'
}

@test "UTF-8 sender (-f), server without SMTPUTF8: exit 69 naming the sender" {
	caps_server PIPELINING
	ascii_message
	run_smtps -f 'ålice@example.org' bob@example.net
	assert_status 69
	assert_error_line "^smtps: sender '\\\\xc3\\\\xa5lice@example\.org' has a UTF-8 local part and server .* does not offer SMTPUTF8; not sent; .*dead\.letter$"
	refute_transcript 'C[:+] MAIL.*'
}

@test "a UTF-8 address in the To header needs SMTPUTF8: refused by a server without it" {
	caps_server PIPELINING
	cat > "$INPUT" <<'MSG'
From: Alice <alice@example.org>
To: Jöran <jöran@example.org>
Subject: hdr

body
MSG
	run_smtps bob@example.net
	assert_status 69
	assert_error_line "^smtps: header 'To' has a UTF-8 address and server 127\.0\.0\.1 does not offer SMTPUTF8; not sent; message saved in .*dead\.letter$"
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING)
$(quit_only)
EOF
	assert_dead_letter '^Subject: hdr$'
}

@test "a UTF-8 address in the To header with SMTPUTF8 offered: MAIL FROM has SMTPUTF8 (the envelope is ASCII)" {
	caps_server PIPELINING SMTPUTF8
	cat > "$INPUT" <<'MSG'
From: Alice <alice@example.org>
To: jöran@example.org
Subject: hdr

body
MSG
	run_smtps bob@example.net
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org> SMTPUTF8' \
	    'S: 250 .*' 'C\+ RCPT TO:<bob@example.net>'
}

@test "a UTF-8 display name in To is no address: sent as before, without SMTPUTF8" {
	caps_server PIPELINING 8BITMIME
	cat > "$INPUT" <<'MSG'
From: Alice <alice@example.org>
To: Jöran <joran@example.org>
Subject: hdr

body
MSG
	run_smtps joran@example.org
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org> BODY=8BITMIME' \
	    'S: 250 .*'
}

@test "-F 'Jöran Ümlaut': the added From has the name as an RFC 2047 encoded word" {
	caps_server PIPELINING
	printf 'Subject: f\n\nbody\n' > "$INPUT"
	run_smtps -F 'Jöran Ümlaut' bob@example.net
	assert_status 0
	grep -qx "From: =?UTF-8?B?$(b64 'Jöran Ümlaut')?= <alice@example.org>"$'\r' "$SRV/msg.1" ||
		fail "no encoded From: $(grep -a '^From:' "$SRV/msg.1")"
	refute_transcript 'C: MAIL .*SMTPUTF8.*'
}

@test "from_full_name with non-ASCII: encoded word, folded, each word at most 75 characters" {
	local name='Jöran Ümlaut-Åkesson-Øster-Ærø-Ünterwëgs-Göteborg-Malmö'
	{ sc_plain; echo "ehlo PIPELINING"; } |
	    server_and_config plain "from_full_name $name"
	printf 'Subject: f\n\nbody\n' > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	"$PYTHON" - "$SRV/msg.1" "$name" <<'PY' || fail "From field wrong: $(grep -a -A2 '^From:' "$SRV/msg.1")"
import email.header, re, sys
raw = open(sys.argv[1], "rb").read().decode("ascii")
m = re.search(r"^From:(.*?)\r\n(?![ \t])", raw, re.M | re.S)
field = m.group(1)
words = re.findall(r"=\?[^?]+\?[BQ]\?[^?]*\?=", field)
assert len(words) >= 2, field
assert all(len(w) <= 75 for w in words), words
assert all(len(l) <= 78 for l in ("From:" + field).split("\r\n")), field
name = str(email.header.make_header(email.header.decode_header(
    field.replace("\r\n", "").split("<")[0])))
assert name.strip() == sys.argv[2], (name, sys.argv[2])
assert field.rstrip().endswith("<alice@example.org>"), field
PY
}

@test "an invalid internationalised domain: exit 65 naming the address, dead.letter" {
	caps_server PIPELINING
	ascii_message
	run_smtps 'bob@☃.example'
	assert_status 65
	assert_error_line "^smtps: invalid internationalised domain in 'bob@\\\\xe2\\\\x98\\\\x83\.example': .*; message saved in .*dead\.letter$"
	refute_transcript 'C[:+] MAIL.*'
	assert_dead_letter '^Subject: intl$'
}

@test "a domain literal and A-labels are sent as written" {
	caps_server PIPELINING
	ascii_message
	run_smtps 'bob@[127.0.0.1]' 'carol@xn--exmple-cua.org'
	assert_status 0
	rcpts_sorted | grep -qxF 'RCPT TO:<bob@[127.0.0.1]>' || fail "$(envelope)"
	rcpts_sorted | grep -qxF 'RCPT TO:<carol@xn--exmple-cua.org>' || fail "$(envelope)"
}

@test "-O smtputf8, server offers it: MAIL FROM has SMTPUTF8 for an ASCII message" {
	caps_server PIPELINING SMTPUTF8
	ascii_message
	run_smtps -O smtputf8 bob@example.net
	assert_status 0
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING SMTPUTF8)
$(tx_mail bob@example.net | sed 's/^C: MAIL FROM:<alice@example.org>$/& SMTPUTF8/')
EOF
}

@test "-O smtputf8, server without it: exit 69, nothing sent but QUIT, dead.letter" {
	caps_server PIPELINING
	ascii_message
	run_smtps -O smtputf8 bob@example.net
	assert_status 69
	assert_error_line "^smtps: -O smtputf8: server 127\.0\.0\.1 does not offer SMTPUTF8; not sent; message saved in .*dead\.letter$"
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING)
$(quit_only)
EOF
	assert_dead_letter
}

@test "-O with another option is still accepted and ignored" {
	caps_server PIPELINING
	ascii_message
	run_smtps -O DeliveryMode=b bob@example.net
	assert_status 0
	refute_transcript 'C: MAIL .*SMTPUTF8.*'
}

@test "-O requiretls, offered over TLS: MAIL FROM has REQUIRETLS" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo AUTH PLAIN
ehlo REQUIRETLS
EOF
	ascii_message
	run_smtps -O requiretls bob@example.net
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org> REQUIRETLS' \
	    'S: 250 .*' 'C\+ RCPT TO:<bob@example.net>'
}

@test "-O requiretls, not offered: exit 69, no MAIL, dead.letter" {
	server_and_config tls+auth <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo AUTH PLAIN
EOF
	ascii_message
	run_smtps -O requiretls bob@example.net
	assert_status 69
	assert_error_line "^smtps: -O requiretls: server 127\.0\.0\.1 does not offer REQUIRETLS; not sent; message saved in .*dead\.letter$"
	refute_transcript 'C[:+] MAIL.*'
	assert_dead_letter
}

@test "-O requiretls on a session without TLS: exit 78 before MAIL, dead.letter" {
	caps_server PIPELINING REQUIRETLS
	ascii_message
	run_smtps -O requiretls bob@example.net
	assert_status 78
	assert_error_line "^smtps: -O requiretls: the session to 127\.0\.0\.1 is not encrypted \(tls off\), and REQUIRETLS needs TLS; not sent; message saved in .*dead\.letter$"
	refute_transcript 'C[:+] MAIL.*'
	assert_dead_letter
}

@test "a queued entry with -O smtputf8 keeps it: -q sends SMTPUTF8" {
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 1" "queue_backoff_max 2"
	ascii_message
	run_smtps -O smtputf8 bob@example.net
	assert_status 0
	stop_flusher
	grep -qx 'smtputf8 1' "$HOME"/queue/*.env || fail "entry: $(cat "$HOME"/queue/*.env)"
	{ sc_plain; echo "port $PORT"; echo "ehlo PIPELINING"
	  echo "ehlo SMTPUTF8"; } > "$T/scenario"
	start_server
	run "$SMTPS" -C "$CFG" -q
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org> SMTPUTF8' 'S: 250 .*'
	[ -e "$SRV/msg.1" ] || fail "not delivered"
}

@test "queue on: a message that needs SMTPUTF8 is not queued for ever: 69, dead.letter, the queue empty" {
	{ sc_plain; echo "ehlo PIPELINING"; } |
	    server_and_config plain "queue on"
	ascii_message
	run_smtps 'jöran@example.org'
	assert_status 69
	assert_error_line "^smtps: recipient '.*' has a UTF-8 local part and server 127\.0\.0\.1 does not offer SMTPUTF8; not sent; message saved in .*dead\.letter$"
	assert_dead_letter '^Subject: intl$'
	[ -z "$(ls "$HOME/queue"/*.env 2>/dev/null)" ] || fail "left queued: $(ls "$HOME/queue")"
}

@test "a queued message meeting a server without SMTPUTF8 in -q: moved to dead.letter, not retried" {
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 1" "queue_backoff_max 2"
	ascii_message
	run_smtps 'jöran@example.org'
	assert_status 0
	stop_flusher
	{ sc_plain; echo "port $PORT"; echo "ehlo PIPELINING"; } > "$T/scenario"
	start_server
	run "$SMTPS" -C "$CFG" -q
	[ "$status" -eq 69 ] || fail "-q exit $status: $output"
	[ "${lines[1]}" = "smtps: some messages were not delivered" ] ||
		fail "-q said: $output"
	[[ ${lines[0]} =~ ^[0-9a-f.]+:\ failed:\ recipient\ .*\ has\ a\ UTF-8\ local\ part\ and\ server\ 127\.0\.0\.1\ does\ not\ offer\ SMTPUTF8\;\ not\ sent\;\ message\ saved\ in\ .*dead\.letter$ ]] ||
		fail "-q said: $output"
	refute_transcript 'C[:+] MAIL.*'
	[ -z "$(ls "$HOME/queue"/*.env 2>/dev/null)" ] || fail "still queued: $(ls "$HOME/queue")"
	grep -q '^Subject: intl$' "$HOME/dead.letter" || fail "not in dead.letter"
}

@test "-bv: a non-ASCII domain is asked for as A-labels, a UTF-8 local part with SMTPUTF8" {
	caps_server PIPELINING
	run_smtps -bv 'joran@exämple.org'
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org>' 'S: 250 .*' \
	    'C: RCPT TO:<joran@xn--exmple-cua\.org>' 'S: 250 .*' 'C: RSET'
	stop_server
	caps_server SMTPUTF8
	run_smtps -bv 'jöran@example.org'
	assert_status 0
	assert_sequence 'C: MAIL FROM:<alice@example.org> SMTPUTF8' 'S: 250 .*' \
	    'C: RCPT TO:<j\\xc3\\xb6ran@example\.org>' 'S: 250 .*' 'C: RSET'
}
