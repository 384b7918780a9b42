#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""transcript_view.py TRANSCRIPT - the scripted server's transcript as
tests/bats/transcript.bats compares it (helper.bash: assert_transcript_exact).

Every line is printed unchanged, C: and C+ kept apart, except the lines of
an AUTH exchange (from "C[:+] AUTH" to the server's 235 or 4xx/5xx), where
a canonical base64 argument (it re-encodes to the same text) is shown
decoded as b64"TEXT" (bytes outside printable ASCII as \\0, \\xHH), so that
a test states what the client said, not its encoding.  Inside the decoded
text, and only there, the parts that are random by design are masked:

  SCRAM   r=NONCE -> r=<nonce>, p=PROOF -> p=<proof>,
          v=SIGNATURE -> v=<signature>; c= (base64 of the GS2 header and
          the channel binding data) is shown decoded as c=[HEADER] when it
          is the header alone, else as c=[HEADER]+<cb-data> (the TLS
          session's exporter or tls-unique value); the GS2 header that
          starts the client-first message ("n,,", "y,,",
          "p=tls-exporter,,") is kept as it is
  CRAM-MD5  the challenge <PID.TIME@host> -> <pid.time@host>, the
          response's HMAC-MD5 "user 32-hex" -> "user <hmac-md5>"

Nothing else is masked: sizes, ports, queue IDs of the scripted server and
every other line are compared exactly.
"""
import base64
import re
import sys


def show(raw):
    out = []
    for b in raw:
        if b == 0:
            out.append("\\0")
        elif 0x20 <= b < 0x7F and b != 0x5C:
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


def decode(arg):
    """the decoded bytes of canonical base64, else None"""
    if not arg or not re.fullmatch(r"[A-Za-z0-9+/]+=*", arg):
        return None
    try:
        raw = base64.b64decode(arg, validate=True)
    except ValueError:
        return None
    if base64.b64encode(raw).decode() != arg:
        return None
    return raw


def mask_cbind(value):
    raw = decode(value)
    if raw is None:
        return "c=" + value
    head = raw.split(b",,", 1)
    if len(head) == 2 and head[1]:
        return "c=[%s,,]+<cb-data>" % show(head[0])
    return "c=[%s]" % show(raw)


def mask_scram(text):
    gs2 = re.match(r"(?:n|y|p=[^,]+),(?:a=[^,]*)?,", text)
    head = gs2.group(0) if gs2 else ""
    parts = []
    for attr in text[len(head):].split(","):
        if attr.startswith("r="):
            attr = "r=<nonce>"
        elif attr.startswith("p="):
            attr = "p=<proof>"
        elif attr.startswith("v="):
            attr = "v=<signature>"
        elif attr.startswith("c="):
            attr = mask_cbind(attr[2:])
        parts.append(attr)
    return head + ",".join(parts)


def mask(mech, text):
    if mech.startswith("SCRAM-"):
        return mask_scram(text)
    if mech == "CRAM-MD5":
        text = re.sub(r"^<\d+\.\d+@", "<pid.time@", text)
        return re.sub(r"^(\S+) [0-9a-f]{32}$", r"\1 <hmac-md5>", text)
    return text


def view(line, mech):
    m = re.fullmatch(r"(C[:+] AUTH \S+ |S: 334 |C[:+] )(.*)", line)
    if m is None:
        return line
    raw = decode(m.group(2))
    if raw is None:
        return line
    return '%sb64"%s"' % (m.group(1), mask(mech, show(raw)))


def main():
    mech = None
    with open(sys.argv[1], encoding="utf-8", errors="surrogateescape") as f:
        for line in f.read().splitlines():
            m = re.match(r"C[:+] AUTH (\S+)", line)
            if m:
                mech = m.group(1).upper()
            if mech is not None:
                line = view(line, mech)
                if re.match(r"S: [2345]\d\d ", line) and \
                        not line.startswith("S: 334 "):
                    mech = None
            print(line)


main()
