#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# Real clients that call smtps as their sendmail, delivering through the
# private Postfix / Dovecot of servers.sh: git send-email, s-nail (mailx),
# cron-style pipes, and an installed smtps behind a "sendmail" symlink used
# by a shell script.

load helper

setup_file() { it_setup_file; }
teardown_file() { it_teardown_file; }
setup() {
	it_setup
	export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=$HOME/.gitconfig
	export LC_ALL=C.UTF-8
}

# subject_number FILE: N of "[PATCH N/3]" in the Subject of a delivered file
subject_number() {
	header "$1" Subject | sed -n 's/^\[PATCH \([0-9]*\)\/3\].*/\1/p'
}

@test "git send-email: a 3-patch series arrives intact and git am applies it" {
	[ -x "$(git --exec-path)/git-send-email" ] || fail "git send-email is not installed"
	local src=$T/src dst=$T/dst
	git init -q -b main "$src"
	cd "$src"
	git config user.name 'Zoë Tester'
	git config user.email alice@example.org
	printf 'one\n' > a.txt
	git add a.txt
	git commit -q -m 'initial'
	git tag base
	# a patch with a UTF-8 subject, a lone dot line and a "From " line
	printf 'two\n.\nFrom here on\n..\n' >> a.txt
	git commit -q -a -m 'Add two: Grüße' -m 'Body with ümlauts.'
	printf 'b\n' > b.txt
	git add b.txt
	git commit -q -m 'Add b' -m 'A paragraph.' -m 'Signed-off-by: Zoë Tester <alice@example.org>'
	printf 'three\n' >> a.txt
	git commit -q -a -m 'Add three'
	git format-patch -q -o "$T/patches" base..main
	[ "$(ls "$T/patches" | wc -l)" -eq 3 ] || fail "format-patch made no 3 patches"

	git config sendemail.sendmailcmd "$SMTPS -C $CFG -a pf587"
	run --separate-stderr git send-email --confirm=never --quiet \
	    --to='Bob <bob@example.org>' --from='Zoë Tester <alice@example.org>' \
	    "$T/patches"/*.patch
	echo "git send-email: status $status; $output; $stderr" >&2
	assert_status 0
	wait_mail bob@example.org 3

	# apply them, in series order, to a clone at the base commit
	git clone -q "$src" "$dst"
	cd "$dst"
	git config user.name 'Applier'
	git config user.email bob@example.org
	git checkout -q -b applied base
	local f n i
	for i in 1 2 3; do
		for f in $MAIL_FILES; do
			n=$(subject_number "$f")
			[ "$n" = "$i" ] && git am -q "$f"
		done
	done
	[ "$(git rev-list --count base..applied)" -eq 3 ] || fail "git am applied fewer than 3 patches"
	[ "$(git rev-parse 'applied^{tree}')" = "$(git rev-parse 'main^{tree}')" ] ||
		fail "applied tree differs from the original"
	# authors, subjects and bodies survived, UTF-8 included
	git log --format='%an <%ae>%n%s%n%b' base..main > "$T/log.want"
	git log --format='%an <%ae>%n%s%n%b' base..applied > "$T/log.got"
	assert_same "$T/log.want" "$T/log.got"
	for f in $MAIL_FILES; do assert_trace "$f" pf587; done
}

@test "s-nail (mailx) with mta=smtps: attachment arrives, MIME structure intact" {
	command -v s-nail >/dev/null || fail "s-nail is not installed"
	printf 'Hello Bob,\n\nthe nightly data is attached. Grüße, Alice\n.\nFrom the desk of Alice\n' > "$T/body.txt"
	head -c 100000 /dev/urandom > "$T/data file.bin"
	cd "$T"
	run --separate-stderr env MAILRC=/dev/null s-nail -: / \
	    -S v15-compat -S ttycharset=utf-8 -S sendcharsets=utf-8 \
	    -S mta="$SMTPS" -S mta-arguments="-C $CFG -a dc587" \
	    -r alice@example.org -s 'nightly data' -a "data file.bin" \
	    bob@example.org < "$T/body.txt"
	echo "s-nail: status $status; $output; $stderr" >&2
	assert_status 0
	wait_mail bob@example.org 1
	"$PYTHON" "$MAILDIR_PY" mime "$MAIL_FILES" "$T/body.txt" "$T/data file.bin" ||
		fail "MIME structure or content damaged"
	assert_trace "$MAIL_FILES" dc587
	[ "$(header "$MAIL_FILES" Subject)" = 'nightly data' ] || fail "subject changed"
}

# the header field names of the submitted part, in order, one per line
header_names() {
	"$PYTHON" "$MAILDIR_PY" body "$1" | sed -n '/^$/q; /^[^ \t]/s/:.*//p'
}

# checks of the Date/Message-ID/From fields smtps adds (Postfix adds none
# here: local_header_rewrite_clients is empty in servers.sh)
assert_added_headers() {
	local f=$1 d
	header "$f" Message-ID | grep -qE '^<[^<>@ ]+@client\.example\.org>$' ||
		fail "Message-ID not added by smtps: $(header "$f" Message-ID)"
	[ "$(header "$f" From)" = 'alice@example.org' ] ||
		fail "From not the account's address: $(header "$f" From)"
	d=$(header "$f" Date)
	"$PYTHON" - "$d" <<'PY' || fail "Date not a current RFC 5322 date: $d"
import sys, time, email.utils
t = email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()
sys.exit(0 if abs(time.time() - t) < 600 else 1)
PY
}

# cron: the body alone, to an unqualified local name; smtps qualifies it
# with maildomain (example.org) and the server's alias root@ -> admin@
# delivers it
@test "cron style: echo body | smtps --maildomain root reaches root's alias with Date, Message-ID, From added" {
	echo 'disk almost full' | message
	run_smtps -v --maildomain=example.org root
	assert_status 0
	printf '%s\n' "$stderr" | grep -q '^--> RCPT TO:<root@example.org>$' ||
		fail "RCPT TO:<root@example.org> not sent"
	wait_mail admin@example.org 1
	local f=$MAIL_FILES
	"$PYTHON" "$MAILDIR_PY" trace "$f" | grep -qx 'X-Original-To: root@example.org' ||
		fail "the server did not get root@example.org"
	"$PYTHON" "$MAILDIR_PY" trace "$f" | grep -qx 'Delivered-To: admin@example.org' ||
		fail "alias root -> admin not used"
	assert_trace "$f" pf465
	[ "$(header_names "$f" | sort | tr '\n' ' ')" = 'Date From Message-ID ' ] ||
		fail "headers are not exactly Date, Message-ID, From: $(header_names "$f" | tr '\n' ' ')"
	assert_added_headers "$f"
	# the body is exactly the input
	"$PYTHON" "$MAILDIR_PY" body "$f" | sed '1,/^$/d' > "$T/got-body"
	assert_same "$T/input" "$T/got-body"
}

# no maildomain, no mailname: root goes to admin_address, by default the
# account's own from (alice@example.org), never to root@ the provider
@test "cron style: a message with only Subject: to root, no mail domain, reaches the account's own address" {
	printf 'Subject: Cron <root@host> /usr/local/bin/backup\n\nbackup done: 0 errors\n' | message
	run_smtps -v root
	assert_status 0
	printf '%s\n' "$stderr" | grep -q '^--> RCPT TO:<alice@example.org>$' ||
		fail "RCPT TO:<alice@example.org> not sent"
	wait_mail alice@example.org 1
	local f=$MAIL_FILES
	[ "$(header_names "$f" | head -n 1)" = Subject ] || fail "Subject is not the first field"
	[ "$(header_names "$f" | sort | tr '\n' ' ')" = 'Date From Message-ID Subject ' ] ||
		fail "headers: $(header_names "$f" | tr '\n' ' ')"
	[ "$(header "$f" Subject)" = 'Cron <root@host> /usr/local/bin/backup' ] || fail "Subject changed"
	assert_added_headers "$f"
	"$PYTHON" "$MAILDIR_PY" body "$f" | sed '1,/^$/d' > "$T/got-body"
	printf 'backup done: 0 errors\n' > "$T/want-body"
	assert_same "$T/want-body" "$T/got-body"
}

@test "make install DESTDIR PREFIX=/usr + sendmail symlink: a script's 'sendmail -t -oi' delivers" {
	local stage=$T/stage tree=$REPO
	# install the tree the binary under test was built in ($SMTPS, default
	# ./smtps of this repository)
	[ -f "$(dirname "$SMTPS")/Makefile" ] && tree=$(dirname "$SMTPS")
	run make -s -C "$tree" install DESTDIR="$stage" PREFIX=/usr
	echo "$output" >&2
	assert_status 0
	local f
	for f in usr/bin/smtps usr/share/man/man1/smtps.1 usr/share/man/man5/smtps-mailrc.5 \
	    usr/share/smtps/mailrc.sample etc/smtps/mailrc; do
		[ -f "$stage/$f" ] || fail "make install did not install $f"
	done
	[ -x "$stage/usr/bin/smtps" ] || fail "installed smtps not executable"
	mkdir -p "$stage/usr/sbin"
	ln -s ../bin/smtps "$stage/usr/sbin/sendmail"

	# the installed binary reads the user's default configuration file
	mkdir -p "$XDG_CONFIG_HOME/smtps"
	sed 's/^account default : .*/account default : pf587/' "$CFG" > "$XDG_CONFIG_HOME/smtps/mailrc"
	chmod 600 "$XDG_CONFIG_HOME/smtps/mailrc"

	cat > "$T/report.sh" <<'EOF'
#!/bin/sh
# a program that mails its report the traditional way
set -e
sendmail -t -oi <<MAIL
To: Bob <bob@example.org>
Cc: carol@example.net
Subject: nightly report

all jobs done
.
the line above is a lone dot; -oi means it does not end the message
MAIL
echo "report sent"
EOF
	local path=$stage/usr/sbin:$stage/usr/bin:/usr/bin:/bin
	[ "$(PATH=$path command -v sendmail)" = "$stage/usr/sbin/sendmail" ] ||
		fail "sendmail in PATH is not the symlink"
	run env PATH="$path" sh "$T/report.sh"
	echo "$output" >&2
	assert_status 0
	[ "$output" = "report sent" ] || fail "script output: $output"
	for f in bob@example.org carol@example.net; do
		wait_mail "$f" 1
		assert_trace "$MAIL_FILES" pf587
		assert_added_headers "$MAIL_FILES"
		"$PYTHON" "$MAILDIR_PY" body "$MAIL_FILES" | sed '1,/^$/d' > "$T/got-body"
		printf 'all jobs done\n.\nthe line above is a lone dot; -oi means it does not end the message\n' > "$T/want-body"
		assert_same "$T/want-body" "$T/got-body"
	done
	# it went through the STARTTLS submission service, authenticated as alice
	pf_log_since | grep -q 'postfix/submission/smtpd.*sasl_username=alice' ||
		fail "Postfix did not log an authenticated submission"
}
