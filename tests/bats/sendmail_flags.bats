#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Drop-in command line: DSN (-N -R -V, dsn_notify/dsn_return), sendmail
# flags accepted and ignored, -n, -bi/newaliases, -P/--pretend, -d,
# msmtp's long options, the logfile line.

load helper

setup_file() { common_setup_file; }
setup() { plain_server_setup; }
teardown() { common_teardown; }

# a plain server that offers DSN
dsn_server() {
	stop_server
	server_and_config plain "$@" <<EOF
$(sc_plain)
ehlo PIPELINING
ehlo DSN
ehlo 8BITMIME
EOF
}

@test "-N -R -V: NOTIFY=, RET=, ENVID= (xtext) sent when the server offers DSN" {
	dsn_server
	std_message
	run_smtps -N success,failure -R hdrs -V 'id+1=x' bob@example.net
	assert_status 0
	assert_transcript 'C[:+] MAIL FROM:<alice@example.org> RET=HDRS ENVID=id\+2B1\+3Dx'
	assert_transcript 'C[:+] RCPT TO:<bob@example.net> NOTIFY=SUCCESS,FAILURE'
	assert_delivered
}

@test "dsn_notify and dsn_return keywords: the same parameters" {
	dsn_server "dsn_notify delay" "dsn_return full"
	std_message
	run_smtps bob@example.net
	assert_status 0
	assert_transcript 'C[:+] MAIL FROM:<alice@example.org> RET=FULL'
	assert_transcript 'C[:+] RCPT TO:<bob@example.net> NOTIFY=DELAY'
}

@test "-N without DSN at the server: dropped with a -v note, still delivered" {
	std_message
	run_smtps -v -N never -R full bob@example.net
	assert_status 0
	assert_stderr_match 'does not offer DSN'
	refute_transcript 'C[:+] .*(NOTIFY|RET)=.*'
	assert_delivered
}

@test "-N with a bad value: exit 64 before any connection" {
	std_message
	run_smtps -N sometimes bob@example.net
	assert_status 64
	assert_error_line "-N: expected never"
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "sendmail flags accepted and ignored: -X -L -h -O -G -U -Am -Ac -m -oem -B" {
	std_message
	run_smtps -X "$T/traffic" -L tag -h 3 -O DeliveryMode=b -G -U -Am -Ac \
	    -m -oem -B 8BITMIME bob@example.net
	assert_status 0
	assert_delivered
	[ ! -e "$T/traffic" ] || fail "-X wrote a file"
}

@test "-d and --debug are -v" {
	std_message
	run_smtps --debug bob@example.net
	assert_status 0
	assert_stderr_match '^--> MAIL FROM:'
}

@test "msmtp options override the account: --host --port --tls=off --from" {
	write_config plain
	sed -i "s/^port .*/port 9/; s/^host .*/host 127.0.0.2/" "$CFG"
	std_message
	run_smtps --host=127.0.0.1 --port="$PORT" --tls=off \
	    --from=other@example.org bob@example.net
	assert_status 0
	assert_transcript 'C[:+] MAIL FROM:<other@example.org>.*'
}

@test "msmtp option with a bad value: exit 64 naming it" {
	std_message
	run_smtps --port=99999 bob@example.net
	assert_status 64
	assert_error_line "option --port: invalid port '99999'"
}

@test "--file and --read-recipients are -C and -t" {
	message <<'EOF'
To: carol@example.net
Subject: t

x
EOF
	run_smtps_nocfg --file="$CFG" --read-recipients
	assert_status 0
	[ "$(rcpts_sorted)" = 'RCPT TO:<carol@example.net>' ] || fail "$(rcpts_sorted)"
}

@test "-P/--pretend: the resolved account, password masked, nothing sent" {
	write_config plain+auth "maildomain corp.example"
	run_smtps -P -f me@example.com root bob@example.net
	assert_status 0
	grep -Eq '^account +(test|default)$' "$T/stdout" || fail "no account line"
	grep -Eq "^port +$PORT\$" "$T/stdout" || fail "no port line"
	grep -Eq '^password +\*\*\*$' "$T/stdout" || fail "password not masked"
	! grep -Fq "$USER_PASS" "$T/stdout" || fail "password shown"
	grep -Eq '^envelope-from +<me@example.com>$' "$T/stdout" || fail "no sender"
	grep -Eq '^recipient +<root@corp.example>$' "$T/stdout" || fail "no root"
	[ ! -s "$SRV/transcript" ] || fail "smtps connected"
}

@test "-P chooses the account by -f like a real run" {
	write_config plain "" "account other" "host 127.0.0.9" \
	    "from boss@example.com"
	# write_config ends with 'account default : test'; -f picks 'other'
	run_smtps --pretend -f boss@example.com x@example.net
	assert_status 0
	grep -Eq '^account +other$' "$T/stdout" || fail "$(cat "$T/stdout")"
}

@test "-bi and the newaliases name check the aliases file" {
	printf 'root: a@example.net\npostmaster: root\nroot: b@example.net\n' > "$T/aliases"
	write_config plain "aliases $T/aliases"
	run_smtps -bi
	assert_status 0
	[ "$output" = "$T/aliases: 2 aliases" ] || fail "got: $output"
	assert_stderr_match "aliases:3: alias 'root' defined again"
	ln -s "$SMTPS" "$T/newaliases"
	status=0
	"$T/newaliases" -C "$CFG" > "$T/stdout" 2> "$T/stderr" || status=$?
	assert_status 0
	grep -q ': 2 aliases$' "$T/stdout" || fail "newaliases: $(cat "$T/stdout")"
	printf 'bad line\n' > "$T/aliases"
	run_smtps -bi
	assert_status 78
	assert_error_line "aliases:1: missing ':'"
}

@test "-n: aliases are not expanded, bare names still qualified" {
	printf 'root: admin@example.net\n' > "$T/aliases"
	write_config plain "aliases $T/aliases" "maildomain corp.example"
	std_message
	run_smtps -n root
	assert_status 0
	[ "$(rcpts_sorted)" = 'RCPT TO:<root@corp.example>' ] || fail "$(rcpts_sorted)"
}

@test "logfile: one key=value line per attempt, no secret, failures too" {
	stop_server
	server_and_config plain+auth "logfile $T/log" \
	    "logfile_time_format %Y-%m-%d" <<EOF
$(sc_plain)
user $USER_NAME
password $USER_PASS
on RCPT:nobody@example.net reply 550 5.1.1 unknown\tuser\e[2J
connections 2
EOF
	send_std
	assert_status 0
	run_smtps nobody@example.net
	assert_status 67
	[ "$(wc -l < "$T/log")" -eq 2 ] || fail "expected 2 lines: $(cat "$T/log")"
	head -n 1 "$T/log" | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} account=(test|default) host=127\.0\.0\.1 port=[0-9]+ tls=off auth=PLAIN user=alice from=alice@example\.org recipients=bob@example\.net mailsize=[0-9]+ msgid=<std\.1@example\.org> outcome=delivered smtpstatus=250 smtpmsg=.250 2\.0\.0 Ok: queued as 1. exitcode=EX_OK$' ||
		fail "line 1: $(head -n 1 "$T/log")"
	# control bytes from the server never reach the log raw
	tail -n 1 "$T/log" | grep -Fq "outcome=saved smtpstatus=550 smtpmsg='550 5.1.1 unknown\\\\tuser\\\\e[2J' errormsg='recipient refused: " ||
		fail "line 2: $(tail -n 1 "$T/log")"
	tail -n 1 "$T/log" | grep -q " exitcode=EX_NOUSER$" || fail "no exit code"
	! grep -q $'\e' "$T/log" || fail "raw ESC in the log"
	! grep -Fq "$USER_PASS" "$T/log" || fail "password in the log"
	[ "$(stat -c %a "$T/log")" = 600 ] || fail "log mode $(stat -c %a "$T/log")"
}

@test "--logfile=- prints the line on stdout" {
	std_message
	run_smtps --logfile=- bob@example.net
	assert_status 0
	echo "$output" | grep -q ' outcome=delivered .*exitcode=EX_OK$' ||
		fail "stdout: $output"
}

@test "-bv: MAIL, RCPT each, RSET; one line per recipient; nothing sent" {
	stop_server
	server_and_config plain "maildomain corp.example" <<EOF2
$(sc_plain)
on RCPT:nobody@example.net reply 550 5.1.1 <nobody@example.net>: unknown
EOF2
	run_smtps -bv bob@example.net root
	assert_status 0
	[ "$output" = "$(printf '%s\n' 'bob@example.net: deliverable (250 2.1.5 Ok)' \
	    'root@corp.example: deliverable (250 2.1.5 Ok)')" ] || fail "got: $output"
	assert_transcript 'C[:+] RSET'
	refute_transcript 'C[:+] DATA'
	assert_no_message
}

@test "-bv: a refused recipient: exit 67, named" {
	stop_server
	server_and_config plain <<EOF2
$(sc_plain)
on RCPT:nobody@example.net reply 550 5.1.1 <nobody@example.net>: unknown
EOF2
	run_smtps -bv bob@example.net nobody@example.net
	assert_status 67
	echo "$output" | grep -qx 'nobody@example.net: refused (550 5.1.1 <nobody@example.net>: unknown)' ||
		fail "got: $output"
	assert_error_line 'some recipients were refused'
	refute_transcript 'C[:+] DATA'
}
