#!/usr/bin/env bats
# SPDX-License-Identifier: ISC
# --help, the manual and the three completion files list the same flags:
# the flag table in src/flags.c is the reference.  Bash completion really
# completes (flags, account names); zsh and fish files load when those
# shells are installed.  make install / install-sendmail put everything in
# place under DESTDIR.

load helper

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# "0 t", "1 account", ...: every row of the table that smtps accepts
# (prefix rows that refuse, and the internal --flush-daemon and
# --submitter, left out)
table_flags() {
	sed -n 's/^[[:space:]]*{ "\([^"]*\)", \([01]\), A_[A-Z]*, F_\(DO\|IGNORE\), .*/\2 \1/p' \
	    "$REPO/src/flags.c" | grep -v -e '^1 flush-daemon$' -e '^1 submitter$'
}

# token: -x or --name, not part of a longer flag
has_flag() {
	grep -Eq -- "(^|[^A-Za-z0-9-])$1([^A-Za-z0-9-]|\$)" "$2"
}

flag_of() {
	if [ "$1" = 1 ]; then echo "--$2"; else echo "-$2"; fi
}

@test "the flag table is not empty (the parser of this test still works)" {
	[ "$(table_flags | wc -l)" -gt 50 ] || fail "only $(table_flags | wc -l) flags"
}

@test "every flag of the table is in --help" {
	"$SMTPS" --help > "$T/help"
	local l bad=
	while read -r l; do
		has_flag "$(flag_of $l)" "$T/help" || bad="$bad $(flag_of $l)"
	done < <(table_flags)
	[ -z "$bad" ] || fail "missing from --help:$bad"
}

@test "every flag of the table is in the manual" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	mandoc -Tascii "$REPO/man/smtps.1" | sed "s/.\x08//g" > "$T/man"
	local l bad=
	while read -r l; do
		has_flag "$(flag_of $l)" "$T/man" || bad="$bad $(flag_of $l)"
	done < <(table_flags)
	[ -z "$bad" ] || fail "missing from smtps.1:$bad"
}

@test "every flag of the table is in the bash, zsh and fish completions" {
	local l kind name bad=
	while read -r kind name; do
		has_flag "$(flag_of "$kind" "$name")" "$REPO/completions/smtps.bash" ||
			bad="$bad bash:$(flag_of "$kind" "$name")"
		has_flag "$(flag_of "$kind" "$name")" "$REPO/completions/_smtps" ||
			bad="$bad zsh:$(flag_of "$kind" "$name")"
		if [ "$kind" = 1 ]; then
			l="-l $name"
		elif [ ${#name} -eq 1 ]; then
			l="-s $name"
		else
			l="-o $name"
		fi
		grep -Eq -- "$l( |\$)" "$REPO/completions/smtps.fish" ||
			bad="$bad fish:$(flag_of "$kind" "$name")"
	done < <(table_flags)
	[ -z "$bad" ] || fail "missing from completions:$bad"
}

@test "the manual pages are clean under mandoc -Tlint" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	run mandoc -Tlint -Wwarning "$REPO/man/smtps.1" "$REPO/man/smtps-mailrc.5"
	[ "$status" -eq 0 ] || fail "$output"
}

# run the bash completion function for a command line; prints COMPREPLY
complete_bash() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_smtps
		printf "%s\n" "${COMPREPLY[@]}"
		complete -p smtps sendmail newaliases >&2
	' _ "$REPO/completions/smtps.bash" "$@"
}

@test "bash completion: flags, values and account names from -C FILE" {
	printf 'account work\nhost h\nfrom w@example.org\naccount home : work\n' > "$T/rc"
	run complete_bash smtps --dsn
	[ "$status" -eq 0 ] || fail "$output"
	echo "$output" | grep -qx -- '--dsn-notify=' || fail "no --dsn-notify=: $output"
	echo "$output" | grep -qx -- '--dsn-return=' || fail "no --dsn-return=: $output"
	echo "$output" | grep -q 'complete -F _smtps sendmail' || fail "sendmail not registered"
	run complete_bash smtps -C "$T/rc" -a ""
	[ "$(echo "$output" | grep -v '^complete' | sort | tr '\n' ' ')" = "home work " ] ||
		fail "accounts: $output"
	run complete_bash smtps -R ""
	[ "$(echo "$output" | grep -v '^complete' | tr '\n' ' ')" = "full hdrs " ] ||
		fail "-R: $output"
	run complete_bash sendmail -t -i bob@example.net -
	[ -z "$(echo "$output" | grep -v '^complete')" ] ||
		fail "flags offered after a recipient: $output"
}

# zsh and fish are in the test packages (tests/setup-deps.sh), so CI runs
# these; they skip only on a machine where someone removed the shells
@test "zsh completion: _smtps loads and defines its function" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	run zsh -fc "fpath=($REPO/completions \$fpath); autoload -Uz +X _smtps && whence -w _smtps"
	[ "$status" -eq 0 ] || fail "zsh could not load _smtps: $output"
	[ "$output" = "_smtps: function" ] || fail "$output"
}

@test "fish completion: flags, and account names from -C FILE" {
	command -v fish >/dev/null || skip "fish is not installed"
	printf 'account work\nhost a\naccount home : work\naccount default : work\n' > "$T/rc"
	run fish -c "source $REPO/completions/smtps.fish; complete -C 'smtps --dsn-'"
	[ "$status" -eq 0 ] || fail "$output"
	grep -q '^--dsn-notify' <<< "$output" || fail "no --dsn-notify: $output"
	run fish -c "source $REPO/completions/smtps.fish; complete -C 'smtps -C $T/rc -a '"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(cut -f1 <<< "$output" | tr '\n' ' ')" = "default home work " ] ||
		fail "accounts: $output"
}

@test "make install-sendmail: binary, manuals, completions, sendmail/mailq/newaliases links" {
	local stage=$T/stage
	run make -s -C "$REPO" install-sendmail DESTDIR="$stage" PREFIX=/usr
	[ "$status" -eq 0 ] || fail "$output"
	local f
	for f in usr/bin/smtps usr/share/man/man1/smtps.1 \
	    usr/share/man/man5/smtps-mailrc.5 usr/share/smtps/mailrc.sample \
	    usr/share/bash-completion/completions/smtps \
	    usr/share/zsh/site-functions/_smtps \
	    usr/share/fish/vendor_completions.d/smtps.fish etc/smtps/mailrc; do
		[ -f "$stage/$f" ] || fail "not installed: $f"
	done
	# relative: they work inside DESTDIR too
	[ "$(readlink "$stage/usr/sbin/sendmail")" = ../bin/smtps ] || fail "sendmail link"
	[ "$(readlink "$stage/usr/bin/mailq")" = smtps ] || fail "mailq link"
	[ "$(readlink "$stage/usr/bin/newaliases")" = smtps ] || fail "newaliases link"
	[ "$("$stage/usr/sbin/sendmail" --version)" = "$("$SMTPS" --version)" ] ||
		fail "the sendmail link does not run smtps"
	[ -L "$stage/usr/share/bash-completion/completions/sendmail" ] ||
		fail "no bash completion for sendmail"
	# a sendmail that is not smtps is not replaced without FORCE=1
	rm "$stage/usr/sbin/sendmail"
	echo '#!/bin/sh' > "$stage/usr/sbin/sendmail"
	run make -s -C "$REPO" install-sendmail DESTDIR="$stage" PREFIX=/usr
	[ "$status" -ne 0 ] || fail "an existing sendmail was replaced"
	[ ! -L "$stage/usr/sbin/sendmail" ] || fail "sendmail replaced"
	run make -s -C "$REPO" uninstall DESTDIR="$stage" PREFIX=/usr
	[ "$status" -eq 0 ] || fail "$output"
	[ ! -e "$stage/usr/bin/smtps" ] && [ ! -e "$stage/usr/bin/mailq" ] ||
		fail "uninstall left files"
	[ -f "$stage/usr/sbin/sendmail" ] || fail "uninstall removed a foreign sendmail"
}
