#!/bin/sh
# SPDX-License-Identifier: ISC
# setup-deps.sh build|test|deb - install the Debian packages smtps needs.
#
#   build: compiler, pkg-config, GnuTLS, libbsd, json-c and libidn2 headers
#   test:  build + gnutls-bin (certtool), bats, python3 (scripted server
#          and tests/bats/msgcheck.py), mandoc (man page lint), faketime,
#          msmtp (tests/bats/dropin_msmtp.bats compares -P with it; NOT
#          msmtp-mta, which would take over /usr/sbin/sendmail), zsh and
#          fish (their completion files are loaded and run by a test),
#          gnome-keyring, libsecret-tools, dbus-daemon and dbus-bin (a real
#          Secret Service on a private session bus for the keyring password
#          source, tests/bats/secret.bats), strace (fault injection in
#          tests/bats/queuefault.bats), devscripts (hardening-check for
#          make check-hardening), util-linux (setpriv, localsec.bats),
#          clang and libclang-rt-dev (libFuzzer targets, tests/fuzz),
#          valgrind (`make valgrind`), systemd (systemd-analyze verify
#          of the units, tests/bats/units.bats; systemd-socket-activate,
#          tests/bats/system_submit.bats)
#   deb:   build + what `make deb` and `make deb-test` need: debhelper,
#          dpkg-dev, fakeroot (dpkg-buildpackage), lintian, debootstrap
#          (the bookworm chroot of tests/deb/run.sh), systemd
#          (systemd-socket-activate), python3 (the scripted server)
#
# Already installed -> quick no-op (dpkg-query).  Missing and root -> apt-get
# install, non-interactive (apt-get update first only when the install
# fails).  Missing and not root -> one clear message, exit 1.
set -eu

BUILD="build-essential pkg-config libgnutls28-dev libbsd-dev libjson-c-dev libidn2-dev"
TEST="$BUILD gnutls-bin bats python3 mandoc faketime msmtp zsh fish gnome-keyring libsecret-tools dbus-daemon dbus-bin strace devscripts util-linux clang libclang-rt-dev valgrind systemd"
DEB="$BUILD debhelper dpkg-dev fakeroot lintian debootstrap systemd python3"

case "${1:-}" in
build) want=$BUILD ;;
test) want=$TEST ;;
deb) want=$DEB ;;
*) echo "usage: sh tests/setup-deps.sh build|test|deb" >&2; exit 64 ;;
esac

installed() {
	s=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
	[ "$s" = installed ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
	# not Debian: check for the tools themselves and say what is missing
	miss=""
	for t in cc pkg-config; do command -v "$t" >/dev/null 2>&1 || miss="$miss $t"; done
	if [ "$1" = test ]; then
		for t in certtool bats python3 mandoc faketime msmtp secret-tool gnome-keyring-daemon dbus-daemon dbus-send clang valgrind; do
			command -v "$t" >/dev/null 2>&1 || miss="$miss $t"
		done
	fi
	pkg-config --exists gnutls libbsd-overlay json-c libidn2 2>/dev/null || miss="$miss gnutls-dev libbsd-dev json-c-dev libidn2-dev"
	if [ -n "$miss" ]; then
		echo "setup-deps: not a Debian system; please install:$miss" >&2
		exit 1
	fi
	exit 0
fi

missing=""
for p in $want; do
	installed "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing packages:$missing" >&2
	echo "setup-deps: run as root: apt-get install$missing" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "setup-deps: installing:$missing"
# a fresh image has no package lists at all: fetch them first
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
	apt-get update -q
fi
# shellcheck disable=SC2086
if ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi
