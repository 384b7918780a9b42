#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# The delivered bytes: input + added headers, exactly.  Each case is checked
# by msgcheck.py, an independent reference of the message rules, against
# both the delivered (un-stuffed) message and the dot-stuffed wire bytes.

load helper

setup_file() { common_setup_file; }
setup() { plain_server_setup; }
teardown() { common_teardown; }

deliver() {
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1 "$@"
}

@test "complete headers: delivered byte for byte (LF -> CRLF only)" {
	std_message
	deliver
	cmp "$SRV/msg.1" <(sed 's/$/\r/' "$INPUT") >&2 || fail "not byte-exact"
}

@test "CRLF input stays as it is" {
	message_bytes 'Date: Tue, 01 Oct 2024 10:00:00 +0000\r\nMessage-ID: <a@b>\r\nFrom: a@example.org\r\nSubject: crlf\r\n\r\nline 1\r\nline 2\r\n'
	deliver
	cmp "$SRV/msg.1" "$INPUT" >&2 || fail "CRLF input changed"
}

@test "missing Date, Message-ID, From are added after the existing fields" {
	message <<'EOF'
To: bob@example.net
Subject: no date

body
EOF
	deliver
	# the added ones, in order, after To and Subject
	sed -n '3,5p' "$SRV/msg.1" | cut -d: -f1 | tr '\n' ' ' |
	    grep -qx 'Date Message-ID From ' || fail "added fields wrong: $(head -6 "$SRV/msg.1")"
}

@test "only the missing ones are added (Date present)" {
	message <<'EOF'
Date: Tue, 01 Oct 2024 10:00:00 +0000
Subject: x

body
EOF
	deliver
	[ "$(grep -ci '^Date:' "$SRV/msg.1")" -eq 1 ] || fail "Date duplicated"
}

@test "existing header names match case-insensitively (from:, message-id:)" {
	message <<'EOF'
from: someone@example.org
message-id: <x@y>
date: Tue, 01 Oct 2024 10:00:00 +0000

body
EOF
	deliver
	[ "$(grep -ci '^From:' "$SRV/msg.1")" -eq 1 ] || fail "From added twice"
	[ "$(grep -ci '^Message-ID:' "$SRV/msg.1")" -eq 1 ] || fail "Message-ID added twice"
}

@test "Message-ID domain comes from the envelope sender without domain" {
	sed -i '/^domain /d' "$CFG"
	message <<'EOF'
Subject: x

body
EOF
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1 --domain example.org
}

@test "lone dots, dot-prefixed lines and a final dot line" {
	message <<'EOF'
Date: Tue, 01 Oct 2024 10:00:00 +0000
Message-ID: <dots@example.org>
From: alice@example.org
Subject: dots

.
..
...
.leading dot
. space
middle
.
EOF
	deliver
	# on the wire each of those lines got one extra dot
	grep -c $'^\\.\\.\r$' "$SRV/msg.1.raw" | grep -qx 2 || fail "'.' lines not stuffed"
	grep -q $'^\\.\\.leading dot\r$' "$SRV/msg.1.raw" || fail "'.leading' not stuffed"
}

@test "a lone dot does not end the input (-i semantics by default)" {
	message <<'EOF'
Subject: dot

before
.
after
EOF
	deliver
	grep -q $'^after\r$' "$SRV/msg.1" || fail "input ended at the lone dot"
}

@test "no final newline" {
	message_bytes 'Subject: no newline\n\nlast line without newline'
	deliver
	tail -c 2 "$SRV/msg.1" | od -An -c | grep -q '\\r  *\\n' || fail "no CRLF at end"
}

@test "no final newline after a dot line" {
	message_bytes 'Subject: dot at end\n\nx\n.'
	deliver
}

@test "empty body (headers and blank line only)" {
	message_bytes 'Subject: empty body\n\n'
	deliver
}

@test "headers only, no blank line, no body" {
	message_bytes 'Subject: only headers\nTo: bob@example.net\n'
	deliver
}

@test "empty input" {
	: > "$INPUT"
	deliver
}

@test "headerless input is all body: added headers, blank line, body" {
	message <<'EOF'
just a body line
Subject: this is not a header, it is in the body
EOF
	deliver
	grep -q $'^\r$' "$SRV/msg.1" || fail "no blank line after the added headers"
}

@test "body line after headers without a blank line starts the body" {
	message <<'EOF'
Subject: x
this line is not a header
EOF
	deliver
}

@test "continuation lines stay with their header" {
	message <<'EOF'
Subject: a folded
 subject line
	with a tab
X-Long: one
  two

body
EOF
	deliver
}

@test "8-bit UTF-8 in headers and body is delivered unchanged" {
	message <<'EOF'
Subject: Grüße aus Köln — ½ €
From: Jürgen <juergen@example.org>

Zoë's naïve café: 日本語のテキスト 🙂
EOF
	deliver
}

@test "8-bit body: BODY=8BITMIME sent when offered" {
	message <<'EOF'
Subject: 8bit

café
EOF
	deliver
	head -n 1 "$SRV/msg.1.env" | grep -q ' BODY=8BITMIME' ||
		fail "MAIL lacks BODY=8BITMIME: $(head -n 1 "$SRV/msg.1.env")"
}

@test "7-bit body: no BODY= parameter" {
	std_message
	deliver
	! head -n 1 "$SRV/msg.1.env" | grep -q 'BODY=' ||
		fail "BODY= on a 7-bit message: $(head -n 1 "$SRV/msg.1.env")"
}

@test "8-bit body, server without 8BITMIME: no BODY= parameter" {
	stop_server
	scenario <<EOF
$(sc_plain)
ehlo PIPELINING
ehlo SIZE 1000000
EOF
	start_server
	write_config plain
	message <<'EOF'
Subject: 8bit

café
EOF
	deliver
	! head -n 1 "$SRV/msg.1.env" | grep -q 'BODY=' ||
		fail "BODY= not offered but sent"
}

@test "bare LF, bare CR and CRLF all become CRLF" {
	message_bytes 'Subject: line ends\r\n\nlf\ncr\rcrlf\r\ncr-cr-lf\r\r\nlf-cr\n\rend'
	deliver
	"$PYTHON" - "$SRV/msg.1" <<'PY' || fail "bare CR or LF delivered"
import re, sys
d = open(sys.argv[1], "rb").read()
sys.exit(1 if re.search(rb"\r(?!\n)|(?<!\r)\n", d) else 0)
PY
}

@test "bare CR line ends in the header block: each field is recognised as with LF (Bcc removed, nothing glued or pushed into the body)" {
	message_bytes 'From 1234 Mon Sep 17 00:00:00 2001\rFrom: Alice <alice@example.org>\rBcc: secret@example.net\rTo: bob@example.net\rSubject: cr\r folded\r\n\tagain\rDate: Tue, 01 Oct 2024 10:00:00 +0000\rX-After: y\r\rbody\rline\r'
	deliver
	! grep -q 'secret' "$SRV/msg.1" || fail "Bcc delivered"
	[ "$(grep -c '^Date' "$SRV/msg.1")" -eq 1 ] || fail "Date added although present"
	sed '/^\r$/q' "$SRV/msg.1" | grep -q $'^X-After: y\r$' || fail "X-After left the header"
}

@test "CR CR LF (a CRLF converted twice) is one line end: a Bcc after such a line is still a header field, removed" {
	message_bytes 'From: Alice <alice@example.org>\r\r\nTo: bob@example.net\r\r\nSubject: twice\r\r\nBcc: secret@example.net\r\r\nDate: Tue, 01 Oct 2024 10:00:00 +0000\r\r\nX-After: y\r\r\n\r\r\nbody\r\r\nline\r\r\n'
	deliver
	! grep -q 'secret' "$SRV/msg.1" || fail "Bcc delivered"
	[ "$(grep -c '^Date' "$SRV/msg.1")" -eq 1 ] || fail "Date added although present"
	sed '/^\r$/q' "$SRV/msg.1" | grep -q $'^X-After: y\r$' || fail "X-After left the header"
	# the body too: one line end each, no empty lines in between
	[ "$(sed '1,/^\r$/d' "$SRV/msg.1")" = $'body\r\nline\r' ] ||
		fail "body lines doubled: $(od -c "$SRV/msg.1" | tail -4)"
}

@test "a CR-only header block larger than one read (64 KiB) ends where the LF one does" {
	"$PYTHON" - "$INPUT" <<'PY'
import sys
f = [b"X-F%d: %s" % (i, b"v" * (i % 41)) for i in range(4000)]
f[1000:1000] = [b"Bcc: hidden@example.net,", b" more@example.net"]
f[3000:3000] = [b"To : bob@example.net"]
open(sys.argv[1], "wb").write(b"\r".join(f) + b"\r\rbody\r")
PY
	run_smtps -t
	assert_status 0
	assert_delivered 1
	rcpts_sorted | tr '\n' ' ' | grep -qx 'RCPT TO:<bob@example.net> RCPT TO:<hidden@example.net> RCPT TO:<more@example.net> ' ||
		fail "recipients: $(rcpts_sorted)"
}

@test "leading mbox From line (git format-patch) is dropped" {
	message <<'EOF'
From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001
From: Alice <alice@example.org>
Date: Tue, 01 Oct 2024 10:00:00 +0000
Subject: [PATCH] fix things

---
 file | 1 +
From here on it is the body
EOF
	deliver
	! grep -q '^From 1234567890' "$SRV/msg.1" || fail "mbox From line kept"
}

@test "a first line 'From : addr' is the From field in obsolete syntax, not an mbox line to drop" {
	message_bytes 'From : Alice <alice@example.org>\nSubject: s\n\nbody\n'
	deliver
	grep -c '^From' "$SRV/msg.1" | grep -qx 1 || fail "From dropped and made up: $(grep '^From' "$SRV/msg.1")"
	grep -q $'^From: Alice <alice@example.org>\r$' "$SRV/msg.1" || fail "From field lost"
}

@test "a body line starting with 'From ' is not quoted on the wire" {
	message <<'EOF'
Subject: from

From the start
EOF
	deliver
	grep -q $'^From the start\r$' "$SRV/msg.1" || fail "body 'From ' line changed"
}

@test "Bcc (folded, repeated) removed from the delivered message" {
	message <<'EOF'
To: bob@example.net
Bcc: secret@example.net,
 hidden@example.net
Subject: bcc
BCC: another@example.net

body
EOF
	deliver
	! grep -qi 'secret\|hidden\|another' "$SRV/msg.1" || fail "Bcc content delivered"
}

@test "obsolete 'Name :' fields (RFC 5322 4.5) are the fields they name: Bcc removed, the header stays header" {
	message_bytes 'From: Alice <alice@example.org>\nBcc :secret@example.net\nTo : bob@example.net\nSubject\t: obsolete\nDate : Tue, 01 Oct 2024 10:00:00 +0000\nMessage-ID  : <obs@example.org>\nBCC\t :hidden@example.net,\n more@example.net\nX-After: still a header\n\nbody\n'
	deliver
	! grep -qi 'secret\|hidden\|more@' "$SRV/msg.1" || fail "a 'Bcc :' field was delivered"
	# nothing added twice, nothing pushed into the body, names written "Name:"
	[ "$(grep -ci '^Date' "$SRV/msg.1")" -eq 1 ] || fail "Date added although present"
	[ "$(grep -ci '^Message-ID' "$SRV/msg.1")" -eq 1 ] || fail "Message-ID added although present"
	sed '/^\r$/q' "$SRV/msg.1" | grep -q $'^X-After: still a header\r$' ||
		fail "a field after 'Bcc :' ended up in the body"
	grep -q $'^To: bob@example.net\r$' "$SRV/msg.1" || fail "'To :' not written 'To:'"
}

@test "SIZE= is the exact message size when SIZE is offered" {
	std_message
	deliver
	size=$(stat -c %s "$SRV/msg.1")
	head -n 1 "$SRV/msg.1.env" | grep -q " SIZE=$size\( \|\$\)" ||
		fail "MAIL: $(head -n 1 "$SRV/msg.1.env"), size $size"
}

@test "no SIZE= when SIZE is not offered" {
	stop_server
	scenario <<EOF
$(sc_plain)
ehlo PIPELINING
EOF
	start_server
	write_config plain
	std_message
	deliver
	! head -n 1 "$SRV/msg.1.env" | grep -q 'SIZE=' || fail "SIZE= sent"
}

@test "message larger than the server's SIZE: refused early (65), no MAIL" {
	stop_server
	scenario <<EOF
$(sc_plain)
ehlo PIPELINING
ehlo SIZE 1000
EOF
	start_server
	write_config plain
	std_message
	{ head -c 3000 /dev/zero | tr '\0' 'x'; echo; } >> "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: .*'
	refute_transcript 'C[:+] MAIL.*'
	assert_no_message
}

@test "NUL byte in the headers: exit 65 before any network byte" {
	message_bytes 'Subject: nul \0 here\n\nbody\n'
	run_smtps bob@example.net
	assert_status 65
	assert_error_line 'NUL'
	[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
}

@test "a NUL byte in the body is refused (65) naming its input line, before any network byte" {
	local e
	# LF, CR-only and CRLF input, with an mbox From line: the line number is the input's
	for e in '\n' '\r' '\r\n'; do
		message_bytes "From x Mon Sep 17 00:00:00 2001${e}Subject: nul${e}Bcc: b@example.net${e}${e}line 5${e}line 6 \\0 here${e}line 7${e}"
		run_smtps bob@example.net
		assert_status 65
		assert_error_line '^smtps: NUL byte in the body, line 6 of the message'
		[ ! -s "$SRV/transcript" ] || fail "smtps connected although it must not"
		assert_no_message
	done
}

@test "a NUL byte deep in a large body (past the first reads) names the right line" {
	"$PYTHON" -c 'import sys; sys.stdout.buffer.write(b"Subject: big\n\n" + b"line\n" * 300000 + b"here \0\n" + b"after\n" * 10)' > "$INPUT"
	run_smtps bob@example.net
	assert_status 65
	assert_error_line '^smtps: NUL byte in the body, line 300003 of the message'
	assert_no_message
}

@test "a body that starts with a NUL byte (headerless input) is refused at line 1" {
	message_bytes '\0binary'
	run_smtps bob@example.net
	assert_status 65
	assert_error_line 'NUL byte in the body, line 1 of'
	assert_no_message
}

@test "a 20 MB body over implicit TLS is delivered byte-exact" {
	stop_server
	scenario <<EOF
$(sc_tls)
ehlo PIPELINING
ehlo SIZE 104857600
ehlo 8BITMIME
ehlo AUTH PLAIN
EOF
	start_server
	write_config tls+auth "timeout 20"
	"$PYTHON" - "$INPUT" <<'PY'
import random, sys
r = random.Random(42)
out = [b"Subject: big\n", b"\n"]
n = 0
while n < 20 * 1024 * 1024:
    k = r.randrange(0, 200)
    line = bytes(r.randrange(0x20, 0x7f) for _ in range(k // 8)) * 8
    if r.random() < 0.05:
        line = b"." + line            # lines that need dot-stuffing
    if r.random() < 0.01:
        line = b"."                   # lone dots
    end = r.choice([b"\n", b"\n", b"\n", b"\r\n", b"\r"])
    out.append(line + end)
    n += len(line) + len(end)
open(sys.argv[1], "wb").write(b"".join(out))
PY
	[ "$(stat -c %s "$INPUT")" -ge 20971520 ] || fail "input too small"
	run_smtps bob@example.net
	assert_status 0
	assert_delivered 1
}
