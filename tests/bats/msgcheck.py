#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""msgcheck.py INPUT DELIVERED RAW [options] - is DELIVERED what smtps must
make of INPUT?  An independent reference of the message rules (man/smtps.1,
src/hdr.h), used by the Bats suites.

Expected delivered message, computed from INPUT:
  1. line ends normalised: CRLF stays, bare LF and bare CR become CRLF; the
     message ends with CRLF;
  2. a leading mbox "From " line (up to its line end, of any kind) is
     dropped;
  3. the header block is the leading run of "name: value" lines and their
     continuation lines; it ends at an empty line (consumed) or at the first
     other line (which starts the body); input whose first line is not a
     header is all body;
     (a name may be followed by white space before its colon, RFC 5322
     4.5: such a field is written "Name:", the white space dropped);
  4. every Bcc and Resent-Bcc field (with its continuation lines) is
     removed;
  5. missing Date, Message-ID and From are added after the existing fields,
     in that order; then one empty line; then the body.
Checked: DELIVERED equals that byte for byte, where the added Date must be
an RFC 5322 date within a day of now, the Message-ID "<unique@DOMAIN>" and
the From exactly --from-line (default "From: " + --from).  RAW (the bytes
on the wire after DATA) must be DELIVERED dot-stuffed plus ".CRLF".

Options: --from ADDR (default alice@example.org), --domain D (default
client.example), --from-line TEXT, --no-raw (skip the RAW check).
Exit 0 when it matches; else 1 with the first difference on stderr.
"""

import argparse
import email.utils
import re
import sys
import time

# RFC 5322 4.5 obs-optional: white space may stand before the colon
HDR_RE = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]*:")
DATE_RE = re.compile(
    rb"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    rb"\d\d:\d\d(?::\d\d)? [+-]\d{4}$")


def crlf(data):
    # CR CR LF (a CRLF converted twice) is one line end (src/dot.h)
    data = re.sub(rb"\r\r\n|\r\n|\r|\n", b"\r\n", data)
    if data and not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data


def split_lines(data):
    """CRLF data -> list of lines each with its CRLF."""
    if not data:
        return []
    parts = data.split(b"\r\n")
    assert parts[-1] == b""
    return [p + b"\r\n" for p in parts[:-1]]


def expected_parts(inp):
    """-> (header lines kept, names present, body bytes)"""
    lines = split_lines(crlf(inp))
    if (lines and lines[0].startswith(b"From ") and
            not HDR_RE.match(lines[0])):        # "From : x" is a field
        lines = lines[1:]
    headers = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln == b"\r\n":
            i += 1
            break
        m = HDR_RE.match(ln)
        if m:
            ln = m.group(1) + ln[m.end() - 1:]
            headers.append([ln])
        elif ln[:1] in (b" ", b"\t") and headers:
            headers[-1].append(ln)
        else:
            break
        i += 1
    body = b"".join(lines[i:])
    names = set()
    kept = []
    for field in headers:
        name = field[0].split(b":", 1)[0].strip().lower()
        names.add(name)
        if name not in (b"bcc", b"resent-bcc"):
            kept.extend(field)
    return kept, names, body


def dotstuff(data):
    return (b"\r\n" + data).replace(b"\r\n.", b"\r\n..")[2:] + b".\r\n"


def first_diff(a, b):
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def report(what, want, got):
    i = first_diff(want, got)
    lo = max(0, i - 60)
    sys.stderr.write(
        "msgcheck: %s differs at byte %d (expected %d bytes, got %d)\n"
        "  expected: %r\n  got:      %r\n"
        % (what, i, len(want), len(got), want[lo:i + 60], got[lo:i + 60]))
    return 1


def take_field(rest, name):
    """rest starts with field `name`?  -> (value bytes, remaining) or None"""
    m = re.match(rb"(?i)" + re.escape(name) + rb": ?([^\r\n]*)\r\n", rest)
    if not m:
        return None
    return m.group(1), rest[m.end():]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("delivered")
    ap.add_argument("raw")
    ap.add_argument("--from", dest="sender", default="alice@example.org")
    ap.add_argument("--domain", default="client.example")
    ap.add_argument("--from-line")
    ap.add_argument("--no-raw", action="store_true")
    a = ap.parse_args()

    inp = open(a.input, "rb").read()
    got = open(a.delivered, "rb").read()
    kept, names, body = expected_parts(inp)

    head = b"".join(kept)
    if not got.startswith(head):
        return report("header block (existing fields)", head, got[:len(head)])
    rest = got[len(head):]

    if b"date" not in names:
        f = take_field(rest, b"Date")
        if f is None:
            return report("added Date field", b"Date: ...\r\n", rest[:80])
        if not DATE_RE.match(f[0]):
            sys.stderr.write("msgcheck: bad Date value %r\n" % f[0])
            return 1
        when = email.utils.parsedate_to_datetime(f[0].decode()).timestamp()
        if abs(when - time.time()) > 86400:
            sys.stderr.write("msgcheck: Date %r is not now\n" % f[0])
            return 1
        rest = f[1]
    if b"message-id" not in names:
        f = take_field(rest, b"Message-ID")
        if f is None:
            return report("added Message-ID field", b"Message-ID: <...>\r\n",
                          rest[:80])
        m = re.match(rb"^<([!#-'*+\-/-9=?A-Z^-~.]+)@([A-Za-z0-9.-]+)>$", f[0])
        if not m or m.group(2).lower() != a.domain.lower().encode():
            sys.stderr.write("msgcheck: bad Message-ID %r (domain should be %s)\n"
                             % (f[0], a.domain))
            return 1
        rest = f[1]
    if b"from" not in names:
        line = (a.from_line or "From: " + a.sender).encode("utf-8") + b"\r\n"
        if not rest.startswith(line):
            return report("added From field", line, rest[:len(line)])
        rest = rest[len(line):]

    want = b"\r\n" + body
    if rest != want:
        return report("blank line + body", want, rest)

    if not a.no_raw:
        raw = open(a.raw, "rb").read()
        ws = dotstuff(got)
        if raw != ws:
            return report("dot-stuffed data on the wire", ws, raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
