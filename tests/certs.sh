#!/bin/sh
# SPDX-License-Identifier: ISC
# certs.sh DIR - make a throw-away CA and server certificates for the tests.
#
# Files written to DIR (made once, reused while certs.sh is unchanged):
#   ca.pem ca-key.pem         the trusted test CA (give ca.pem as tls_trust_file)
#   ca2.pem ca2-key.pem       a second CA that nobody trusts
#   NAME.pem NAME-key.pem     server certificates, NAME one of:
#     server      good: CN localhost, SAN DNS localhost, IP 127.0.0.1, IP ::1
#     expired     valid 2019-2020 only
#     future      valid from 2090 only (not yet valid)
#     wrongname   SAN DNS other.example only
#     untrusted   good names, signed by ca2
#     rsa1024     good names, RSA 1024-bit key
#     sha1        good names, signature SHA-1 (sha1WithRSAEncryption)
#     revoked     good names, but revoked by crl.pem
#   client.pem client-key.pem a client certificate (CN "smtps test client",
#                             TLS client purpose) signed by ca
#   crl.pem                   CRL of ca that revokes revoked.pem
#   crl-other.pem             CRL of ca that revokes nothing we serve
#   NAME.fp                   SHA-256 of the DER certificate, "AB:CD:..."
#   NAME.fphex                same, lower-case hex without colons
# All keys are RSA 2048 (except rsa1024), signatures SHA-256 (except sha1).
set -eu

dir=${1:?usage: sh tests/certs.sh DIR}
mkdir -p "$(dirname "$dir")"
dir=$(cd "$(dirname "$dir")" && pwd)/$(basename "$dir")
here=$(cd "$(dirname "$0")" && pwd)
stamp="$dir/.stamp"

# cached: certs exist and are newer than this script
if [ -f "$stamp" ] && [ -z "$(find "$here/certs.sh" -newer "$stamp")" ]; then
	exit 0
fi

command -v certtool >/dev/null 2>&1 || {
	echo "certs.sh: certtool not found (apt-get install gnutls-bin)" >&2
	exit 1
}

tmp=$(mktemp -d "$dir.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

key() { # key FILE BITS
	certtool --generate-privkey --key-type rsa --bits "$2" \
	    --outfile "$1" >/dev/null 2>&1
}

# --- CAs
for ca in ca ca2; do
	key "$ca-key.pem" 2048
	cat > "$ca.tmpl" <<TMPL
cn = "smtps test $ca"
organization = "smtps tests"
serial = $(date +%s)
expiration_days = 3650
ca
cert_signing_key
crl_signing_key
TMPL
	certtool --generate-self-signed --load-privkey "$ca-key.pem" \
	    --template "$ca.tmpl" --hash SHA256 --outfile "$ca.pem" >/dev/null 2>&1
done

# --- server certificates
# leaf NAME CA HASH BITS CN "SAN lines" "validity lines"
serial=100
leaf() {
	name=$1 ca=$2 hash=$3 bits=$4 cn=$5 san=$6 validity=$7
	purpose=${8:-tls_www_server}
	serial=$((serial + 1))
	key "$name-key.pem" "$bits"
	{
		echo "cn = \"$cn\""
		echo "organization = \"smtps tests\""
		echo "serial = $serial"
		printf '%s\n' "$san"
		printf '%s\n' "$validity"
		echo "$purpose"
		echo "signing_key"
		echo "encryption_key"
	} > "$name.tmpl"
	certtool --generate-certificate --load-privkey "$name-key.pem" \
	    --load-ca-certificate "$ca.pem" --load-ca-privkey "$ca-key.pem" \
	    --template "$name.tmpl" --hash "$hash" --outfile "$name.pem" \
	    >"$name.log" 2>&1 || {
		echo "certs.sh: certtool failed for $name:" >&2
		cat "$name.log" >&2
		exit 1
	}
}
GOODSAN='dns_name = "localhost"
ip_address = "127.0.0.1"
ip_address = "::1"'
NOW='expiration_days = 3650'

leaf server    ca  SHA256 2048 localhost "$GOODSAN" "$NOW"
leaf expired   ca  SHA256 2048 localhost "$GOODSAN" 'activation_date = "2019-01-01 00:00:00"
expiration_date = "2020-01-01 00:00:00"'
leaf future    ca  SHA256 2048 localhost "$GOODSAN" 'activation_date = "2090-01-01 00:00:00"
expiration_date = "2095-01-01 00:00:00"'
leaf wrongname ca  SHA256 2048 other.example 'dns_name = "other.example"' "$NOW"
leaf untrusted ca2 SHA256 2048 localhost "$GOODSAN" "$NOW"
leaf rsa1024   ca  SHA256 1024 localhost "$GOODSAN" "$NOW"
leaf sha1      ca  SHA1   2048 localhost "$GOODSAN" "$NOW"
leaf revoked   ca  SHA256 2048 localhost "$GOODSAN" "$NOW"
leaf client    ca  SHA256 2048 "smtps test client" "" "$NOW" tls_www_client

# --- CRLs of ca: one revoking revoked.pem, one revoking nothing we serve
printf 'crl_next_update = 3650\ncrl_number = 1\n' > crl.tmpl
certtool --generate-crl --load-ca-privkey ca-key.pem --load-ca-certificate \
    ca.pem --load-certificate revoked.pem --template crl.tmpl \
    --hash SHA256 --outfile crl.pem >crl.log 2>&1 &&
certtool --generate-crl --load-ca-privkey ca-key.pem --load-ca-certificate \
    ca.pem --load-certificate client.pem --template crl.tmpl \
    --hash SHA256 --outfile crl-other.pem >>crl.log 2>&1 || {
	echo "certs.sh: certtool cannot make the CRLs:" >&2
	cat crl.log >&2
	exit 1
}

# sanity: the bad ones are really what their names say
certtool -i --infile sha1.pem | grep -q 'Signature Algorithm: RSA-SHA1' || {
	echo "certs.sh: sha1.pem is not signed with SHA-1" >&2; exit 1; }
certtool -i --infile rsa1024.pem | grep -q '1024 bits' || {
	echo "certs.sh: rsa1024.pem has no 1024-bit key" >&2; exit 1; }

# --- SHA-256 fingerprints of the DER certificates
for f in server expired future wrongname untrusted rsa1024 sha1 revoked; do
	hex=$(certtool --fingerprint --hash SHA256 --infile "$f.pem" 2>/dev/null |
	    tr -d ' :\n' | tr 'A-F' 'a-f')
	case "$hex" in
	????????????????????????????????????????????????????????????????) ;;
	*) echo "certs.sh: cannot compute the fingerprint of $f.pem" >&2; exit 1 ;;
	esac
	printf '%s\n' "$hex" > "$f.fphex"
	printf '%s\n' "$hex" | tr 'a-f' 'A-F' | sed 's/../&:/g; s/:$//' > "$f.fp"
done

rm -f ./*.tmpl ./*.log
chmod 600 ./*-key.pem
touch .stamp
rm -rf "$dir"
mv "$tmp" "$dir"
trap - EXIT
