#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# msmtp as it is today (1.8.24 .. 1.8.33), not as Debian 12's 1.8.23:
# set_to_header (1.8.29), --read-envelope-from with Resent-From and
# without a From (1.8.26, 1.8.31), logfile_time_format none (1.8.28), %F
# in `from` (1.8.29).  Each test asserts what msmtp's current manual and
# source say; smtps-mailrc(5), DIFFERENCES FROM MSMTP, has the table.

load helper

setup_file() { common_setup_file; }
setup() {
	common_setup
	start_plain_server
}
teardown() { common_teardown; }

# the header block of delivered message N, CRLF made LF
headers() {
	sed -n '/^\r$/q; p' "$SRV/msg.${1:-1}" | tr -d '\r'
}

# the fields named NAME (with continuation lines) of message 1
fields() {
	headers | awk -v n="$1" '
		/^[^ \t]/ { keep = tolower(substr($0, 1, length(n) + 1)) == tolower(n) ":" }
		keep'
}

tocc_message() {
	message <<'EOF2'
From: Ann <ann@example.org>
To: Bob <bob@example.net>, team: carol@example.net;
Cc: dave@example.net
Bcc: eve@example.net
Subject: set_to_header

body
EOF2
}

@test "set_to_header on, -t: To, Cc, Bcc replaced by one To with the envelope" {
	write_config plain "set_to_header on"
	tocc_message
	run_smtps -t
	assert_status 0
	rcpts_sorted > "$T/got"
	printf '%s\n' 'RCPT TO:<bob@example.net>' 'RCPT TO:<carol@example.net>' \
	    'RCPT TO:<dave@example.net>' 'RCPT TO:<eve@example.net>' |
	    diff -u - "$T/got" >&2 || fail "wrong recipients"
	[ "$(fields To)" = "To: bob@example.net, carol@example.net, dave@example.net, eve@example.net" ] ||
		fail "To: $(fields To)"
	# the whole header block: the kept fields, then the new To, then
	# what smtps adds (Date, Message-ID)
	headers | sed 's/^\(Date\|Message-ID\): .*/\1: X/' > "$T/hdrs"
	printf '%s\n' 'From: Ann <ann@example.org>' 'Subject: set_to_header' \
	    'To: bob@example.net, carol@example.net, dave@example.net, eve@example.net' \
	    'Date: X' 'Message-ID: X' | diff -u - "$T/hdrs" >&2 ||
		fail "header block differs"
}

@test "set_to_header on without -t: the To lists the arguments, the written To and Cc go" {
	write_config plain "set_to_header on"
	tocc_message
	run_smtps zed@example.com amy@example.com
	assert_status 0
	[ "$(fields To)" = "To: zed@example.com, amy@example.com" ] ||
		fail "To: $(fields To)"
	[ -z "$(fields Cc)$(fields Bcc)" ] || fail "$(headers)"
	[ "$(rcpts_sorted | wc -l)" -eq 2 ] || fail "$(rcpts_sorted)"
}

@test "set_to_header on: aliases are expanded before the To is written (msmtp lists conf.recipients after aliases_replace)" {
	printf 'staff: alice@example.net, bob@example.net\n' > "$T/aliases"
	write_config plain "set_to_header on" "aliases $T/aliases"
	tocc_message
	run_smtps staff
	assert_status 0
	[ "$(fields To)" = "To: alice@example.net, bob@example.net" ] ||
		fail "To: $(fields To)"
}

@test "set_to_header on: a long list is folded before an address that would pass column 78" {
	write_config plain "set_to_header on"
	std_message
	run_smtps aaaaaaaaaaaaaaaaaaaa@example.com bbbbbbbbbbbbbbbbbbbb@example.com \
	    cccccccccccccccccccc@example.com
	assert_status 0
	fields To > "$T/to"
	printf '%s\n' \
	    'To: aaaaaaaaaaaaaaaaaaaa@example.com, bbbbbbbbbbbbbbbbbbbb@example.com,' \
	    ' cccccccccccccccccccc@example.com' | diff -u - "$T/to" >&2 ||
		fail "not folded as expected"
}

@test "set_to_header undisclosed_recipients: To, Cc, Bcc replaced by 'To: undisclosed-recipients:;'" {
	write_config plain "set_to_header undisclosed_recipients"
	tocc_message
	run_smtps -t
	assert_status 0
	[ "$(fields To)" = "To: undisclosed-recipients:;" ] || fail "To: $(fields To)"
	[ -z "$(fields Cc)$(fields Bcc)" ] || fail "$(headers)"
	[ "$(rcpts_sorted | wc -l)" -eq 4 ] || fail "$(rcpts_sorted)"
}

@test "set_to_header off (the default): To and Cc as written, Bcc removed" {
	write_config plain "set_to_header off"
	tocc_message
	run_smtps -t
	assert_status 0
	[ "$(fields To)" = "To: Bob <bob@example.net>, team: carol@example.net;" ] ||
		fail "To: $(fields To)"
	[ "$(fields Cc)" = "Cc: dave@example.net" ] || fail "Cc: $(fields Cc)"
	[ -z "$(fields Bcc)" ] || fail "Bcc kept"
}

@test "undisclosed_recipients is the old spelling of the same setting: the later line wins" {
	write_config plain "set_to_header on" "undisclosed_recipients off"
	tocc_message
	run_smtps -t
	assert_status 0
	[ "$(fields Cc)" = "Cc: dave@example.net" ] || fail "$(headers)"
	stop_server
	start_plain_server
	write_config plain "undisclosed_recipients on" "set_to_header on"
	run_smtps -t
	assert_status 0
	[ "$(fields To)" = "To: bob@example.net, carol@example.net, dave@example.net, eve@example.net" ] ||
		fail "To: $(fields To)"
	run_smtps -P x@example.net
	grep -Eq '^set_to_header +on$' "$T/stdout" || fail "$(cat "$T/stdout")"
}

@test "set_to_header: a bad value is one line naming file, line and values, exit 78" {
	write_config plain "set_to_header maybe"
	std_message
	run_smtps bob@example.net
	assert_status 78
	assert_error_line "set_to_header' expects on, off or undisclosed_recipients, got 'maybe'"
	refute_transcript 'C[:+] MAIL.*'
}

# ---- --read-envelope-from (msmtp 1.8.26, 1.8.31) ----------------------------

@test "--read-envelope-from: Resent-From of the newest resent block before From" {
	write_config plain
	message <<'EOF2'
Resent-From: Carl <carl@resent.example>
Resent-To: dora@example.net
Resent-From: old@older.example
From: Ann <ann@example.org>
To: bob@example.net
Subject: resent

x
EOF2
	run_smtps --read-envelope-from -t
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<carl@resent.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
	rcpts_sorted | grep -qx 'RCPT TO:<dora@example.net>' || fail "$(rcpts_sorted)"
}

@test "--read-envelope-from: a Resent-From after the From is not used (msmtp: only one before any From)" {
	write_config plain
	message <<'EOF2'
From: Ann <ann@example.org>
Resent-From: late@resent.example
To: bob@example.net
Subject: resent below

x
EOF2
	run_smtps --read-envelope-from bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<ann@example.org>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

@test "--read-envelope-from with only Resent-From: that address" {
	write_config plain
	printf 'Resent-From: carl@resent.example\nSubject: r\n\nx\n' > "$INPUT"
	run_smtps --read-envelope-from bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<carl@resent.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

# ---- logfile_time_format none (msmtp 1.8.28) --------------------------------

@test "logfile_time_format none: the log line has no time stamp" {
	write_config plain "logfile $T/mail.log" "logfile_time_format none"
	std_message
	run_smtps bob@example.net
	assert_status 0
	[ "$(wc -l < "$T/mail.log")" -eq 1 ] || fail "$(cat "$T/mail.log")"
	grep -Eq '^account=default host=127\.0\.0\.1 port=[0-9]+ tls=off .* exitcode=EX_OK$' "$T/mail.log" ||
		fail "log line: $(cat "$T/mail.log")"
}

# ---- %F in from (msmtp 1.8.29) ----------------------------------------------

@test "from %F: the envelope sender is the From header's address" {
	write_config plain "from %F"
	message <<'EOF2'
From: "Ann" <ann@home.example>
To: bob@example.net
Subject: percent F

x
EOF2
	run_smtps bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<ann@home.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
	assert_delivered 1 --from ann@home.example
}

@test "from %F with Resent-From first: the Resent-From address" {
	write_config plain "from %F"
	printf 'Resent-From: carl@resent.example\nFrom: ann@home.example\nSubject: r\n\nx\n' > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<carl@resent.example>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

@test "from %F without a From header: one line, exit 64 (msmtp 1.8.31's code for --read-envelope-from), nothing sent" {
	write_config plain "from %F"
	printf 'Subject: no from\n\nx\n' > "$INPUT"
	run_smtps bob@example.net
	assert_status 64
	assert_error_line "^smtps: from %F: no envelope sender found: the message has no From: header \\(nor a Resent-From: before it\\)$"
	refute_transcript 'C[:+] MAIL.*'
}

@test "from %F with -f (allow_from_override on): -f is the sender, the message needs no From" {
	write_config plain "from %F"
	printf 'Subject: no from\n\nx\n' > "$INPUT"
	run_smtps -f carol@example.com bob@example.net
	assert_status 0
	head -n 1 "$SRV/msg.1.env" | grep -q '^MAIL FROM:<carol@example.com>' ||
		fail "sender: $(head -n 1 "$SRV/msg.1.env")"
}

# ---- Message-ID domain (msmtp 1.8.25, "Improve Message-ID header generation")

@test "domain localhost: an added Message-ID takes the envelope sender's domain, not localhost" {
	write_config plain "domain localhost"
	printf 'Subject: no id\n\nx\n' > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	transcript_norm | grep -qx 'C: EHLO localhost' || fail "EHLO: $(transcript_norm | grep EHLO)"
	fields Message-ID | grep -Eq '^Message-ID: <[^@<>]+@example\.org>$' ||
		fail "$(fields Message-ID)"
}

@test "domain client.example: an added Message-ID takes it" {
	write_config plain
	printf 'Subject: no id\n\nx\n' > "$INPUT"
	run_smtps bob@example.net
	assert_status 0
	fields Message-ID | grep -Eq '^Message-ID: <[^@<>]+@client\.example>$' ||
		fail "$(fields Message-ID)"
}

# ---- msmtp's options for the header keywords ---------------------------------

@test "--set-to-header (no value: on) overrides the file for this run" {
	write_config plain "set_to_header off"
	tocc_message
	run_smtps --set-to-header -t
	assert_status 0
	[ "$(fields To)" = "To: bob@example.net, carol@example.net, dave@example.net, eve@example.net" ] ||
		fail "To: $(fields To)"
	[ -z "$(fields Cc)" ] || fail "Cc kept"
}

@test "--undisclosed-recipients and --set-to-header set one setting: the later option wins" {
	write_config plain
	tocc_message
	run_smtps --undisclosed-recipients --set-to-header=off -t
	assert_status 0
	[ "$(fields Cc)" = "Cc: dave@example.net" ] || fail "$(headers)"
	stop_server
	start_plain_server
	write_config plain
	run_smtps --set-to-header=off --undisclosed-recipients -t
	assert_status 0
	[ "$(fields To)" = "To: undisclosed-recipients:;" ] || fail "To: $(fields To)"
}

@test "--set-to-header=maybe: one line naming the option, exit 64, nothing sent" {
	write_config plain
	tocc_message
	run_smtps --set-to-header=maybe -t
	assert_status 64
	assert_error_line "^smtps: option --set-to-header: keyword 'set_to_header' expects on, off or undisclosed_recipients, got 'maybe'$"
	refute_transcript 'C[:+] MAIL.*'
}

@test "--set-from-header=on --set-date-header=off --set-msgid-header=off --remove-bcc-headers=off --logfile-time-format=none" {
	write_config plain "logfile $T/mail.log"
	tocc_message
	run_smtps --set-from-header=on --set-date-header=off \
	    --set-msgid-header=off --remove-bcc-headers=off \
	    --logfile-time-format=none -t
	assert_status 0
	[ "$(fields From)" = "From: alice@example.org" ] || fail "From: $(fields From)"
	[ -z "$(fields Date)$(fields Message-ID)" ] || fail "$(headers)"
	[ "$(fields Bcc)" = "Bcc: eve@example.net" ] || fail "Bcc: $(fields Bcc)"
	grep -q '^account=default ' "$T/mail.log" || fail "$(cat "$T/mail.log")"
}

# ---- from_full_name (msmtp 1.8.24) and -F over it (the 1.8.27 fix) ----------

@test "-F wins over from_full_name in an added From" {
	write_config plain 'from_full_name "Alice Example"'
	printf 'Subject: x\n\ny\n' > "$INPUT"
	run_smtps -F 'Al Cmdline' bob@example.net
	assert_status 0
	[ "$(fields From)" = "From: Al Cmdline <alice@example.org>" ] ||
		fail "$(fields From)"
}
