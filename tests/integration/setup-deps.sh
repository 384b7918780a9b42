#!/bin/sh
# SPDX-License-Identifier: ISC
# setup-deps.sh - install the Debian packages the integration suite needs.
#
#   servers:  postfix, dovecot-core, dovecot-submissiond
#   clients:  git-email (git send-email), s-nail (mailx), libmailtools-perl
#   tools:    gnutls-bin (certtool), bats, python3 (Maildir/MIME checks)
#
# Already installed -> quick no-op.  Missing and not root -> one clear message,
# exit 1.  Missing and root -> apt-get install, non-interactive:
#   - postfix is preseeded with "No configuration", so it installs without a
#     prompt and without a system main.cf (no system instance on port 25);
#   - while apt runs, a policy-rc.d (only if none exists) tells the package
#     scripts not to start any service;
#   - afterwards any system postfix or dovecot that did start anyway is
#     stopped (postfix stop with the system config dir, dovecot by the PID in
#     its system master.pid), so nothing system-wide keeps running or holds
#     a port.  The suite runs its own private instances.
set -eu

PKGS="postfix dovecot-core dovecot-submissiond git-email libmailtools-perl
s-nail gnutls-bin bats python3 make"

installed() {
	s=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
	[ "$s" = installed ]
}

# stop_system_services: stop the system-wide postfix/dovecot a package
# script may have started.  Only the system instances, found by their own
# PID files; never by process name.
stop_system_services() {
	if [ -f /etc/postfix/main.cf ] && [ -s /var/spool/postfix/pid/master.pid ]; then
		pid=$(tr -dc 0-9 < /var/spool/postfix/pid/master.pid)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			echo "setup-deps: stopping the system postfix (pid $pid)"
			postfix -c /etc/postfix stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || :
		fi
	fi
	for f in /run/dovecot/master.pid /var/run/dovecot/master.pid; do
		[ -s "$f" ] || continue
		pid=$(tr -dc 0-9 < "$f")
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
			echo "setup-deps: stopping the system dovecot (pid $pid)"
			kill "$pid" 2>/dev/null || :
		fi
		break
	done
}

command -v dpkg-query >/dev/null 2>&1 || {
	# shellcheck disable=SC2086
	echo "setup-deps (integration): not a Debian system; install by hand:" $PKGS >&2
	exit 1
}

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps (integration): missing packages:$missing" >&2
	echo "setup-deps (integration): run as root: apt-get install$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections

policy=/usr/sbin/policy-rc.d
made_policy=no
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# temporary, tests/integration/setup-deps.sh\nexit 101\n' > "$policy"
	chmod 755 "$policy"
	made_policy=yes
fi
cleanup() {
	[ "$made_policy" = yes ] && rm -f "$policy"
	stop_system_services
}
trap cleanup EXIT

echo "setup-deps (integration): installing:$missing"
# (wait for the dpkg lock if another apt run holds it)
lock="-o DPkg::Lock::Timeout=300"
# shellcheck disable=SC2086
if ! apt-get install $lock -y -q --no-install-recommends $missing; then
	apt-get update $lock -q
	# shellcheck disable=SC2086
	apt-get install $lock -y -q --no-install-recommends $missing
fi
