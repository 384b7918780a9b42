#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Lines longer than RFC 5321 4.5.3.1.6 / RFC 5322 2.1.1 allow (998 octets
# + CRLF), against a strict server (scenario `max_line 1000`: a longer
# line gets "500 5.5.2 Line too long" after the dot, and the transcript
# records the longest line): one text part is re-encoded quoted-printable
# at intake and decodes back to the input exactly (Python's email
# package); header lines are folded; what cannot be changed safely
# (multipart, base64, DKIM-signed, a header token of 999+ octets) is
# refused with 65, one line, and kept in dead.letter.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	scenario <<EOF
$(sc_plain)
max_line 1000
EOF
	start_server
	write_config plain
}
teardown() {
	stop_flusher
	common_teardown
}

# a line of N x's (no newline)
xs() {
	head -c "$1" /dev/zero | tr '\0' x
}

# the body of delivered message N as Python's email package decodes it
decoded_body() {
	"$PYTHON" - "$SRV/msg.${1:-1}" <<'PY'
import email, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read())
assert not m.is_multipart()
sys.stdout.buffer.write(m.get_payload(decode=True))
PY
}

# the body of $INPUT (after the first empty line), LF made CRLF as smtps
# sends it (the email package keeps the CRLF of the decoded lines)
input_body() {
	"$PYTHON" -c 'import sys; d = open(sys.argv[1], "rb").read(); sys.stdout.buffer.write(d.split(b"\n\n", 1)[1].replace(b"\n", b"\r\n"))' "$INPUT"
}

# a header field of delivered message N, unfolded (RFC 5322 2.2.3)
field() {
	"$PYTHON" - "$SRV/msg.${2:-1}" "$1" <<'PY'
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(),
                             policy=email.policy.compat32)
v = m[sys.argv[2]]
print(" " + v.replace("\r\n", "") if v is not None else "(none)")
PY
}

assert_decodes_back() {
	cmp <(decoded_body "${1:-1}") <(input_body) >&2 ||
		fail "decoded body differs from the input"
}

# no line of the delivered message is longer than N octets, CRLF included
assert_lines_within() {
	local n
	n=$(awk '{ if (length($0) + 1 > m) m = length($0) + 1 } END { print m }' "$SRV/msg.${2:-1}")
	[ "$n" -le "$1" ] || fail "a delivered line has $n octets (> $1)"
}

headers_std() {
	printf 'Date: Tue, 01 Oct 2024 10:00:00 +0000\nMessage-ID: <long.1@example.org>\nFrom: Alice <alice@example.org>\nTo: bob@example.net\n'
}

@test "the strict server refuses a line of 1001 octets (the scenario works)" {
	{ headers_std; printf 'Subject: raw\n\n'; xs 999; echo; } | sed 's/$/\r/' > "$T/raw"
	"$PYTHON" - "$PORT" "$T/raw" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
try:
    s.sendmail("a@example.org", ["b@example.net"], open(sys.argv[2], "rb").read())
except smtplib.SMTPDataError as e:
    assert e.smtp_code == 500, e
else:
    raise SystemExit("the strict server accepted a 1001-octet line")
s.quit()
PY
	assert_transcript '-- longest line: 1001 octets'
	assert_transcript 'S: 500 5.5.2 Line too long'
}

@test "a 5000-octet line arrives intact through the strict server (quoted-printable)" {
	{ headers_std; printf 'Subject: long\n\nbefore\n'; xs 5000; printf '\nafter\n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	[ -z "$stderr" ] || fail "unexpected stderr"
	assert_transcript 'S: 250 2\.0\.0 Ok: queued as 1'
	assert_transcript '-- longest line: (7[0-8]|[1-6][0-9]|[0-9]) octets'
	[ "$(field MIME-Version)" = " 1.0" ] || fail "MIME-Version: $(field MIME-Version)"
	[ "$(field Content-Type)" = " text/plain; charset=us-ascii" ] ||
		fail "Content-Type: $(field Content-Type)"
	[ "$(field Content-Transfer-Encoding)" = " quoted-printable" ] ||
		fail "Content-Transfer-Encoding: $(field Content-Transfer-Encoding)"
	assert_decodes_back
	# the header fields as given come first, unchanged
	cmp <(head -n 5 "$SRV/msg.1" | tr -d '\r') <(head -n 5 "$INPUT") >&2 ||
		fail "header fields changed"
}

@test "a line of exactly 998 octets is sent unchanged, byte for byte" {
	{ headers_std; printf 'Subject: 998\n\n'; xs 998; printf '\nend\n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	assert_transcript '-- longest line: 1000 octets'
	cmp "$SRV/msg.1" <(sed 's/$/\r/' "$INPUT") >&2 || fail "not byte-exact"
}

@test "a line of 999 octets is re-encoded and decodes back" {
	{ headers_std; printf 'Subject: 999\n\n'; xs 999; printf '\nend\n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'S: 250 2\.0\.0 Ok: queued as 1'
	assert_lines_within 78
	assert_decodes_back
}

@test "8-bit text with a long line: charset utf-8, 7-bit on the wire (no BODY=8BITMIME)" {
	{ headers_std; printf 'Subject: utf8\n\n'; for i in $(seq 1 400); do printf 'caf\xc3\xa9 = \t'; done; printf ' \nlast line \n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	[ "$(field Content-Type)" = " text/plain; charset=utf-8" ] ||
		fail "Content-Type: $(field Content-Type)"
	assert_transcript 'C: MAIL FROM:<alice@example\.org> SIZE=[0-9]+'
	! LC_ALL=C grep -q '[^ -~]' <(tr -d '\r\t' < "$SRV/msg.1") ||
		fail "8-bit or control bytes on the wire"
	assert_lines_within 78
	assert_decodes_back
}

@test "an 8-bit Subject and an ASCII body: charset us-ascii, BODY=8BITMIME for the header" {
	{ headers_std; printf 'Subject: caf\xc3\xa9\n\n'; xs 1200; echo; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	[ "$(field Content-Type)" = " text/plain; charset=us-ascii" ] ||
		fail "Content-Type: $(field Content-Type)"
	assert_transcript 'C: MAIL FROM:<alice@example\.org> SIZE=[0-9]+ BODY=8BITMIME'
	assert_decodes_back
}

@test "a text/html part with 8bit encoding keeps its Content-Type; the encoding is replaced" {
	{ headers_std; printf 'MIME-Version: 1.0\nContent-Type: text/html; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\nSubject: html\n\n<p>'; xs 3000; printf '\xe9</p>\n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	[ "$(field Content-Type)" = " text/html; charset=iso-8859-1" ] ||
		fail "Content-Type: $(field Content-Type)"
	[ "$(grep -ci '^Content-Transfer-Encoding:' "$SRV/msg.1")" -eq 1 ] ||
		fail "not exactly one Content-Transfer-Encoding"
	[ "$(field Content-Transfer-Encoding)" = " quoted-printable" ] ||
		fail "Content-Transfer-Encoding: $(field Content-Transfer-Encoding)"
	[ "$(grep -ci '^MIME-Version:' "$SRV/msg.1")" -eq 1 ] || fail "MIME-Version twice"
	assert_decodes_back
}

@test "the server's SIZE limit applies to the re-encoded message (8-bit text triples)" {
	stop_server
	scenario <<EOF
$(sc_plain)
ehlo PIPELINING
ehlo SIZE 8000
max_line 1000
EOF
	start_server
	write_config plain
	{ headers_std; printf 'Subject: size\n\n'; for i in $(seq 1 2000); do printf '\xc3\xa9'; done; echo; } > "$INPUT"
	[ "$(wc -c < "$INPUT")" -lt 4300 ] || fail "the input itself is too large"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: message is 1[0-9]{4} bytes, server 127\.0\.0\.1 accepts at most 8000'
	refute_transcript 'C[:+] MAIL.*'
}

@test "a multipart message with a long line is refused (65) naming the line and the part; dead.letter" {
	{ headers_std; cat <<'EOF'
Subject: multi
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="b-1"

preamble
--b-1
Content-Type: text/plain

short
--b-1
Content-Type: text/html; charset=utf-8

EOF
	xs 1200; printf '\n--b-1--\n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: line 17 of the message is longer than 998 octets \(1200\) and is in part 2 \(text/html\) of a multipart message: only a message that is one text part is re-encoded; send that part quoted-printable or base64; message saved in .*dead\.letter$'
	[ "$(wc -l < "$T/stderr")" -eq 1 ] || fail "more than one line on stderr"
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
	assert_dead_letter '^Subject: multi'
	grep -q "^$(xs 1200)\$" "$HOME/dead.letter" || fail "the long line is not kept whole"
}

@test "with queueing on (the default) a refused message is not queued: 65, dead.letter" {
	write_config plain "queue on"
	{ headers_std; printf 'Subject: qrefused\nContent-Type: message/rfc822\n\n'; xs 1100; echo; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: line 8 of the message is longer than 998 octets \(1100\) and is in a body of message/rfc822: .*; message saved in '
	assert_dead_letter '^Subject: qrefused'
	! ls "$HOME"/queue/*.env "$HOME"/queue/*.msg > /dev/null 2>&1 ||
		fail "queued: $(ls "$HOME/queue")"
	[ -z "$(ls -A "$HOME/queue/tmp" 2>/dev/null)" ] ||
		fail "spool file left: $(ls -A "$HOME/queue/tmp")"
	assert_no_message
}

@test "a base64 body with a long line is refused (65) naming its type" {
	{ headers_std; printf 'Subject: b64\nMIME-Version: 1.0\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n'; xs 1000; echo; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: line 10 of the message is longer than 998 octets \(1000\) and is in a body of application/octet-stream, base64: '
	assert_dead_letter '^Subject: b64'
	assert_no_message
}

@test "a DKIM-signed message with a long line is refused (65), not re-encoded" {
	{ printf 'DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s; b=abc\n'; headers_std; printf 'Subject: signed\n\n'; xs 1500; echo; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: line 8 of the message is longer than 998 octets \(1500\) and the message has a DKIM-Signature: re-encoding it would break the signature; message saved in '
	assert_dead_letter '^Subject: signed'
	assert_no_message
}

@test "a header field with a 999+ octet token cannot be folded: 65 naming the field" {
	{ headers_std; printf 'Subject: fine\nX-Token: '; xs 1200; printf '\n\nbody\n'; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line "^smtps: header field 'X-Token' has a line of 1209 octets with no white space to fold it at within 998 octets \(the limit of a line, RFC 5322 2\.1\.1\); message saved in "
	assert_dead_letter '^X-Token: x'
	assert_no_message
}

@test "a long Subject with white space is folded; unfolded it is the Subject given" {
	local subj
	subj=$(for i in $(seq 1 300); do printf 'word%d ' "$i"; done)end
	{ headers_std; printf 'Subject: %s\n\nbody\n' "$subj"; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'S: 250 2\.0\.0 Ok: queued as 1'
	assert_lines_within 80
	[ "$(field Subject)" = " $subj" ] || fail "Subject changed: $(field Subject)"
	# the body is untouched: no MIME fields added for a header fold
	! grep -qi '^Content-Transfer-Encoding' "$SRV/msg.1" || fail "re-encoded"
	[ "$(tail -n 1 "$SRV/msg.1")" = $'body\r' ] || fail "body changed"
}

@test "a long To list is folded after its commas" {
	local to
	to=$(for i in $(seq 1 60); do printf 'User %d <user%d@example.net>, ' "$i" "$i"; done)last@example.net
	{ headers_std | sed '/^To:/d'; printf 'To: %s\nSubject: many\n\nbody\n' "$to"; } > "$INPUT"
	run_smtps -t
	assert_status 0
	assert_lines_within 80
	[ "$(field To)" = " $to" ] || fail "To changed"
	# every line of the folded field but its last ends at a comma
	sed -n '/^To:/,/^[^ \t]/p' "$SRV/msg.1" | sed '$d' | sed '$d' | tr -d '\r' > "$T/to"
	[ "$(wc -l < "$T/to")" -gt 20 ] || fail "To not folded: $(cat "$T/to")"
	! grep -qv ',$' "$T/to" || fail "a fold not after a comma: $(grep -v ',$' "$T/to" | head -n 1)"
	[ "$(grep -c '^RCPT' "$SRV/msg.1.env")" -eq 61 ] || fail "recipients: $(grep -c '^RCPT' "$SRV/msg.1.env")"
}

@test "a message without long lines is sent byte for byte (exact transcript)" {
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript_exact <<EOF
S: 220 localhost ESMTP smtps-test
$(ehlo_reply PIPELINING 'SIZE 52428800' 8BITMIME ENHANCEDSTATUSCODES 'AUTH PLAIN LOGIN')
$(TX_SIZE=1 tx_mail bob@example.net | sed '/^C: \.$/a -- longest line: 39 octets')
EOF
	cmp "$SRV/msg.1" <(sed 's/$/\r/' "$INPUT") >&2 || fail "not byte-exact"
}

@test "-q sends the queued, re-encoded message: every attempt sends the same bytes" {
	local port=$PORT
	stop_server
	PORT=$(free_port)
	write_config plain "queue on" "queue_backoff_min 1h" "queue_backoff_max 2h"
	{ headers_std; printf 'Subject: queued\n\n'; xs 2500; echo; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	assert_stderr_match '^smtps: queued '
	grep -q '^Content-Transfer-Encoding: quoted-printable' "$HOME"/queue/*.msg ||
		fail "the queue entry is not the re-encoded message"
	cp "$HOME"/queue/*.msg "$T/queued.msg"
	{ sc_plain; echo "port $PORT"; echo "max_line 1000"; } > "$T/scenario"
	start_server
	run_smtps -q
	assert_status 0
	assert_transcript 'S: 250 2\.0\.0 Ok: queued as 1'
	assert_lines_within 78
	assert_decodes_back
	cmp "$SRV/msg.1" "$T/queued.msg" >&2 || fail "-q sent other bytes than were queued"
	: "$port"
}

@test "a long Subject and a long body line together: folded and re-encoded" {
	local subj
	subj=$(for i in $(seq 1 250); do printf 'w%d ' "$i"; done)end
	{ headers_std; printf 'Subject: %s\n\n' "$subj"; xs 1500; echo; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'S: 250 2\.0\.0 Ok: queued as 1'
	assert_lines_within 80
	[ "$(field Subject)" = " $subj" ] || fail "Subject changed"
	[ "$(field Content-Transfer-Encoding)" = " quoted-printable" ] || fail "not re-encoded"
	assert_decodes_back
}

@test "a DKIM-signed message with a long header line is refused (65), not folded" {
	{ printf 'DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s; b=abc\n'; headers_std; printf 'Subject: %s\n\nbody\n' "$(for i in $(seq 1 300); do printf 'w%d ' "$i"; done)"; } > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line "^smtps: header field 'Subject' has a line longer than 998 octets and the message has a DKIM-Signature: folding it would break the signature; message saved in "
	assert_no_message
}
