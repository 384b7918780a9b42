#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""dns.py ZONE OUTDIR ADDR - a tiny authoritative DNS server for the
--configure tests (UDP, Python standard library only, struct-based).

Listens on ADDR port 53 (a resolv.conf cannot name another port; the
tests pick a random 127.x.y.z so that parallel runs do not collide),
answers from ZONE, one record a line:

    NAME SRV PRIORITY WEIGHT PORT TARGET
    NAME A 127.0.0.1

Every other name gets NXDOMAIN, a name with records of another type an
empty NOERROR answer.  Names are compared case-insensitively, without
the final dot.  Writes OUTDIR/pid, then OUTDIR/ready once it listens,
and OUTDIR/queries (one "TYPE NAME" a line).  Exits after max_time
(120 s) or on SIGTERM.
"""

import os
import socket
import struct
import sys
import time

T_A, T_SRV = 1, 33


def load(path):
    zone = {}
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            name = w[0].rstrip(".").lower()
            zone.setdefault(name, []).append(w[1:])
    return zone


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def parse_question(data):
    i, labels = 12, []
    while data[i] != 0:
        n = data[i]
        labels.append(data[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qtype, qclass = struct.unpack("!HH", data[i + 1:i + 5])
    return ".".join(labels).lower(), qtype, qclass, data[12:i + 5]


def rdata(rec):
    if rec[0] == "SRV":
        prio, weight, port = (int(x) for x in rec[1:4])
        return T_SRV, struct.pack("!HHH", prio, weight, port) + \
            encode_name(rec[4])
    return T_A, socket.inet_aton(rec[1])


def answer(zone, data):
    qid, = struct.unpack("!H", data[:2])
    name, qtype, _, question = parse_question(data)
    recs = [rdata(r) for r in zone.get(name, [])]
    recs = [(t, d) for t, d in recs if t == qtype]
    rcode = 0 if name in zone else 3
    head = struct.pack("!HHHHHH", qid, 0x8400 | rcode, 1, len(recs), 0, 0)
    body = b"".join(b"\xc0\x0c" + struct.pack("!HHIH", t, 1, 60, len(d)) + d
                    for t, d in recs)
    return head + question + body, name, qtype


def main():
    zone_path, outdir, addr = sys.argv[1:4]
    zone = load(zone_path)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((addr, 53))
    s.settimeout(1.0)
    with open(os.path.join(outdir, "pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    with open(os.path.join(outdir, "ready"), "w") as f:
        f.write("ready\n")
    end = time.time() + 120
    while time.time() < end:
        try:
            data, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        try:
            reply, name, qtype = answer(zone, data)
        except (IndexError, struct.error, ValueError):
            continue
        with open(os.path.join(outdir, "queries"), "a") as f:
            f.write("%s %s\n" % ({T_A: "A", T_SRV: "SRV"}.get(qtype, qtype),
                                 name))
        s.sendto(reply, peer)


if __name__ == "__main__":
    main()
