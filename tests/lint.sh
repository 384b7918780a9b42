#!/bin/sh
# SPDX-License-Identifier: ISC
# lint.sh - the tree's written rules (HACKING, DESIGN), checked; run from
# the top of the tree (`make lint`).  Each problem is one line
# "file:line: what"; the exit status is 1 when there is any.
#
#   length   no function body over 60 lines: the lines between a "{" and
#            a "}" alone at column 0 (tables end in "};" and are not
#            counted) in src/*.c
#   banned   no call of a function the tree avoids (below) in src/*.[ch],
#            tests/unit/*.c, tests/fuzz/*.c; strings and comments aside
#   layers   in src/: only the GnuTLS users (GNUTLS_OK) include
#            <gnutls/...>; X_int.h only in the files of module X (X*.c);
#            a PURE module (the list in HACKING) includes no I/O module's
#            header (IO_HDRS).  Tests may include what they test.
#   man      mandoc -Tlint -Wwarning clean for man/*.[0-9]
#   width    80 columns (a tab to the next multiple of 8) in src/*.[ch],
#            tests/unit/*.c, tests/fuzz/*.c
#   licence  an SPDX-License-Identifier line in the first three lines of
#            every file git tracks under src/, tests/, completions/, .ci/
#            (test data, fuzz seeds and READMEs aside)
set -u
MAXLEN=60
MAXCOL=80
# tls.c is THE TLS module; sasl.c and scram.c use GnuTLS's crypto
# primitives only (HACKING, "SCRAM and CRAM-MD5 use GnuTLS")
GNUTLS_OK="src/tls.c src/sasl.c src/scram.c"
IO_HDRS="net.h tls.h io.h queue.h diag.h dead.h secret.h prompt.h
	http.h smtp.h tlscache.h tokstore.h queuerun.h flusher.h bsserver.h
	cred.h account.h authorize.h oauth2.h acctready.h aliasfile.h
	maillog.h spoolhdr.h pretend.h deliver.h mailq.h submit.h submitd.h
	sublist.h substate.h probe.h doctor.h configure.h srv.h"
# the one documented exception (HACKING, "Layering"): tlskey reads the
# plain struct tls_conf from tls.h and links without tls.c
PURE_EXCEPT="tlskey:tls.h"
# what the tree uses instead: strlcpy/strlcat/snprintf, strtonum/strtol,
# strsep, arc4random, secret_run (an argv, no shell)
BANNED="strcpy strcat strncpy strncat sprintf vsprintf gets strtok atoi atol
	atoll atof tmpnam tempnam mktemp rand srand alloca asctime ctime popen"
BANNED_SRC="system"	# tests may run a shell command

SRC_C=$(ls src/*.c)
SRC_H=$(ls src/*.h)
TEST_C=$(ls tests/unit/*.c tests/fuzz/*.c 2>/dev/null)
out=$(mktemp "${TMPDIR:-/tmp}/lint.XXXXXX")
trap 'rm -f "$out"' EXIT

# PURE modules as HACKING names them: "PURE modules (conf, hdr, ...)"
pure=$(tr '\n' ' ' < HACKING | sed -n 's/.*PURE modules (\([^)]*\)).*/\1/p' |
    tr -d ',')
[ -n "$pure" ] || echo "HACKING:1: no \"PURE modules (...)\" list found" >> "$out"

# --- length
# shellcheck disable=SC2086
awk -v max="$MAXLEN" '
FNR == 1 { start = 0 }
/^\{$/ { start = FNR; name = prev }
/^\}$/ && start {
	n = FNR - start - 1
	if (n > max) {
		sub(/\(.*/, "", name)
		printf "%s:%d: function %s is %d lines (max %d)\n",
		    FILENAME, start - 1, name, n, max
	}
	start = 0
}
{ prev = $0 }' $SRC_C >> "$out"

# --- banned (string literals, character constants and comments removed)
check_banned() { # LIST FILES...
	list=$1; shift
	# shellcheck disable=SC2086
	awk -v list="$list" '
	BEGIN { n = split(list, w, /[ \t\n]+/) }
	FNR == 1 { inc = 0 }
	{
		l = $0
		gsub(/\\./, "", l)
		gsub(/"[^"]*"/, "\"\"", l)
		gsub(/\047[^\047]*\047/, "0", l)
		if (inc) {
			if (sub(/.*\*\//, "", l)) inc = 0; else next
		}
		gsub(/\/\*([^*]|\*+[^*\/])*\*+\//, "", l)
		if (sub(/\/\*.*/, "", l)) inc = 1
		sub(/\/\/.*/, "", l)
		for (i = 1; i <= n; i++)
			if (w[i] != "" && l ~ ("(^|[^A-Za-z0-9_.>])" w[i] "[ \t]*\\("))
				printf "%s:%d: banned function %s()\n",
				    FILENAME, FNR, w[i]
	}' "$@"
}
# shellcheck disable=SC2086
check_banned "$BANNED" $SRC_C $SRC_H $TEST_C >> "$out"
# shellcheck disable=SC2086
check_banned "$BANNED_SRC" $SRC_C $SRC_H >> "$out"

# --- layers
for f in $SRC_C $SRC_H; do
	base=${f#src/}
	mod=${base%.[ch]}
	is_pure=0
	for p in $pure; do [ "$p" = "$mod" ] && is_pure=1; done
	grep -n '^#[ \t]*include' "$f" | while IFS= read -r l; do
		n=${l%%:*}
		inc=$(printf '%s\n' "$l" | sed -n 's/.*include[ \t]*[<"]\([^>"]*\)[>"].*/\1/p')
		case $inc in
		gnutls/*)
			case " $GNUTLS_OK " in *" $f "*) ;; *)
				echo "$f:$n: <$inc> outside the GnuTLS users ($GNUTLS_OK)" ;;
			esac ;;
		*_int.h)
			case $base in "${inc%_int.h}"*) ;; *)
				echo "$f:$n: \"$inc\" is private to ${inc%_int.h}*.c" ;;
			esac ;;
		esac
		if [ "$is_pure" = 1 ]; then
			for h in $IO_HDRS; do
				[ "$inc" = "$h" ] || continue
				case " $PURE_EXCEPT " in
				*" $mod:$h "*) continue ;;
				esac
				echo "$f:$n: PURE module $mod includes I/O header \"$h\""
			done
		fi
	done
done >> "$out"

# --- man
if command -v mandoc >/dev/null 2>&1; then
	mandoc -Tlint -Wwarning man/*.[0-9] 2>&1 |
	    sed -n 's/^mandoc: \([^:]*:[0-9]*\):[0-9]*: /\1: /p; t; s/^/man: /p' \
	    >> "$out"
else
	echo "man/:1: mandoc is not installed (make deps-test): not checked" \
	    >> "$out"
fi

# --- width
# shellcheck disable=SC2086
awk -v max="$MAXCOL" '
{
	w = 0
	for (i = 1; i <= length($0); i++)
		w = substr($0, i, 1) == "\t" ? w - w % 8 + 8 : w + 1
	if (w > max)
		printf "%s:%d: %d columns (max %d)\n", FILENAME, FNR, w, max
}' $SRC_C $SRC_H $TEST_C >> "$out"

# --- licence
git ls-files src tests completions .ci 2>/dev/null |
    grep -Ev '/(data|seed)/|README$|\.(pem|txt|json|eml)$' |
while read -r f; do
	head -n 3 "$f" | grep -q 'SPDX-License-Identifier:' ||
		echo "$f:1: no SPDX-License-Identifier line"
done >> "$out"

cat "$out"
n=$(wc -l < "$out")
if [ "$n" -gt 0 ]; then
	echo "lint: $n problems" >&2
	exit 1
fi
echo "lint: clean (length, banned, layers, man, width, licence)"
