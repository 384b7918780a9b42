#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""maildir.py - read back what the servers delivered, for the integration suite.

  maildir.py wait MAILDIR N [SECONDS]
      Wait (default 30 s) until MAILDIR/new holds at least N messages, then
      print their paths, oldest first.  Exit 1 (and print what is there) if
      fewer arrived in time.
  maildir.py count MAILDIR
      Print how many messages MAILDIR holds (new and cur).
  maildir.py body FILE
      Print FILE without the trace fields the servers put on top
      (Return-Path, X-Original-To, Delivered-To, Received, with their
      continuation lines), byte for byte: what the client submitted.
  maildir.py trace FILE
      Print those trace fields, one per line, unfolded.
  maildir.py header FILE NAME
      Print every value of header field NAME of the submitted part (unfolded,
      raw bytes), one per line; exit 1 if there is none.
  maildir.py mime FILE TEXTFILE ATTACHMENT
      Check the MIME structure of a message sent with one attachment:
      multipart/mixed, no parser defects, exactly two parts, the first
      text/plain whose decoded text equals TEXTFILE's, the second carrying
      ATTACHMENT's file name and, decoded, exactly its bytes.
"""
import email
import email.policy
import os
import sys
import time

TRACE = (b"return-path", b"x-original-to", b"delivered-to", b"received")


def split_trace(data):
    """(trace fields as a list of unfolded lines, rest of the message)"""
    trace = []
    pos = 0
    while pos < len(data):
        end = data.find(b"\n", pos)
        end = len(data) if end < 0 else end + 1
        line = data[pos:end]
        name = line.split(b":", 1)[0].strip().lower() if b":" in line else None
        if name in TRACE:
            trace.append(line.rstrip(b"\r\n"))
        elif line[:1] in (b" ", b"\t") and trace and pos > 0:
            trace[-1] += b" " + line.strip()
        else:
            break
        pos = end
    return trace, data[pos:]


def messages(maildir):
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(maildir, sub)
        try:
            names = os.listdir(d)
        except FileNotFoundError:
            continue
        for n in names:
            p = os.path.join(d, n)
            out.append((os.stat(p).st_mtime_ns, p))
    return [p for _, p in sorted(out)]


def cmd_wait(maildir, n, seconds=30):
    end = time.time() + float(seconds)
    while True:
        got = messages(maildir)
        if len(got) >= int(n):
            # a moment more, so a surplus message would show too
            time.sleep(0.2)
            got = messages(maildir)
            print("\n".join(got))
            return 0
        if time.time() > end:
            sys.stderr.write("maildir.py: %s: %d message(s) after %s s, wanted %s\n"
                             % (maildir, len(got), seconds, n))
            for p in got:
                sys.stderr.write("  " + p + "\n")
            return 1
        time.sleep(0.05)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def cmd_header(path, name):
    _, rest = split_trace(read(path))
    head = rest.split(b"\n\n", 1)[0]
    vals = []
    cur = None
    for line in head.split(b"\n"):
        if line[:1] in (b" ", b"\t") and cur is not None:
            vals[-1] = vals[-1] + b" " + line.strip()
            continue
        cur = None
        if b":" in line:
            k, v = line.split(b":", 1)
            if k.strip().lower() == name.lower().encode():
                vals.append(v.strip())
                cur = k
    for v in vals:
        sys.stdout.buffer.write(v + b"\n")
    return 0 if vals else 1


def cmd_mime(path, textfile, attachment):
    msg = email.message_from_bytes(read(path), policy=email.policy.default)
    problems = []
    if msg.get_content_type() != "multipart/mixed":
        problems.append("top type is %s, not multipart/mixed" % msg.get_content_type())
    for part in msg.walk():
        if part.defects:
            problems.append("defects in %s: %s" % (part.get_content_type(), part.defects))
    parts = list(msg.iter_parts()) if msg.is_multipart() else []
    if len(parts) != 2:
        problems.append("%d parts, wanted 2" % len(parts))
    else:
        text, att = parts
        want_text = read(textfile).decode("utf-8")
        if text.get_content_type() != "text/plain":
            problems.append("first part is %s" % text.get_content_type())
        elif text.get_content().rstrip("\n") != want_text.rstrip("\n"):
            problems.append("text part differs: %r" % text.get_content()[:200])
        want_name = os.path.basename(attachment)
        if att.get_filename() != want_name:
            problems.append("attachment file name %r, wanted %r"
                            % (att.get_filename(), want_name))
        if att.get_payload(decode=True) != read(attachment):
            problems.append("attachment bytes differ from %s" % attachment)
    if problems:
        for p in problems:
            sys.stderr.write("maildir.py mime: " + p + "\n")
        return 1
    return 0


def main(argv):
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 64
    cmd, args = argv[1], argv[2:]
    if cmd == "wait" and len(args) in (2, 3):
        return cmd_wait(*args)
    if cmd == "count" and len(args) == 1:
        print(len(messages(args[0])))
        return 0
    if cmd == "body" and len(args) == 1:
        sys.stdout.buffer.write(split_trace(read(args[0]))[1])
        return 0
    if cmd == "trace" and len(args) == 1:
        for t in split_trace(read(args[0]))[0]:
            sys.stdout.buffer.write(t + b"\n")
        return 0
    if cmd == "header" and len(args) == 2:
        return cmd_header(*args)
    if cmd == "mime" and len(args) == 3:
        return cmd_mime(*args)
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
