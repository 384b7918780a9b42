#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""socks5.py SCRIPT OUTDIR - a scripted SOCKS5 proxy (RFC 1928) for the tests.

Listens on 127.0.0.1 port 0, serves `connections` clients one after the
other, then exits.  Python 3 standard library only.  It never resolves a
name: a CONNECT to any domain name or IPv4 address is relayed to
127.0.0.1 at the requested port (so a test can use a name that exists
nowhere, and see that the client did not resolve it).

SCRIPT: one `keyword value` per line (# comments):
  connections N     clients to serve (default 1)
  method HEX        the answer to the greeting (default 0500; 05ff = "no
                    acceptable method", i.e. the proxy wants authentication)
  reply_code N      answer CONNECT with reply code N (05 N 00 01 0.0.0.0:0)
                    and close, instead of connecting
  reply_raw HEX     answer CONNECT with exactly these bytes and close
  close_after_greeting on   close right after reading the greeting

OUTDIR files:
  pid, port         as smtpserver.py (port appears atomically)
  log               one line per event: "greeting HEX", "connect HEX" (the
                    CONNECT request byte for byte), "relay 127.0.0.1:PORT",
                    "relay failed: why", "done"; errors and tracebacks
"""

import binascii
import os
import select
import signal
import socket
import sys


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.rename(tmp, path)


class Closed(Exception):
    pass


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise Closed()
        data += chunk
    return data


def load(path):
    sc = {"connections": 1, "method": "0500", "reply_code": None,
          "reply_raw": None, "close_after_greeting": False}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, val = line.partition(" ")
            val = val.strip()
            if key == "connections":
                sc[key] = int(val)
            elif key in ("method", "reply_raw"):
                sc[key] = binascii.unhexlify(val.replace(" ", "")).hex()
            elif key == "reply_code":
                sc[key] = int(val)
            elif key == "close_after_greeting":
                sc[key] = val == "on"
            else:
                raise ValueError("unknown keyword %r" % key)
    return sc


def relay(a, b):
    socks = [a, b]
    while True:
        r, _, _ = select.select(socks, [], [], 30)
        if not r:
            return
        for s in r:
            data = s.recv(65536)
            if not data:
                return
            (b if s is a else a).sendall(data)


def serve(sc, conn, log):
    head = recv_exact(conn, 2)
    greeting = head + recv_exact(conn, head[1])
    log("greeting " + greeting.hex())
    if sc["close_after_greeting"]:
        return
    conn.sendall(bytes.fromhex(sc["method"]))
    if sc["method"] != "0500":
        # a proxy that wants authentication waits for it; smtps leaves
        conn.settimeout(5)
        try:
            more = conn.recv(512)
            log("after method: " + more.hex())
        except (OSError, socket.timeout):
            pass
        return
    req = recv_exact(conn, 4)
    if req[3] == 1:
        req += recv_exact(conn, 4 + 2)
    elif req[3] == 4:
        req += recv_exact(conn, 16 + 2)
    elif req[3] == 3:
        n = recv_exact(conn, 1)
        req += n + recv_exact(conn, n[0] + 2)
    log("connect " + req.hex())
    if sc["reply_raw"] is not None:
        conn.sendall(bytes.fromhex(sc["reply_raw"]))
        return
    if sc["reply_code"] is not None:
        conn.sendall(bytes([5, sc["reply_code"], 0, 1, 0, 0, 0, 0, 0, 0]))
        return
    port = int.from_bytes(req[-2:], "big")
    try:
        up = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError as e:
        log("relay failed: %s" % e)
        conn.sendall(bytes([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]))
        return
    log("relay 127.0.0.1:%d" % port)
    addr = up.getsockname()
    conn.sendall(bytes([5, 0, 0, 1]) + socket.inet_aton(addr[0]) +
                 addr[1].to_bytes(2, "big"))
    try:
        relay(conn, up)
    finally:
        up.close()


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: socks5.py SCRIPT OUTDIR\n")
        return 64
    outdir = sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    logf = open(os.path.join(outdir, "log"), "a", buffering=1)

    def log(text):
        logf.write(text + "\n")

    sc = load(sys.argv[1])
    signal.signal(signal.SIGALRM, lambda s, f: sys.exit(3))
    signal.alarm(120)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    write_atomic(os.path.join(outdir, "pid"), "%d\n" % os.getpid())
    write_atomic(os.path.join(outdir, "port"), "%d\n" % ls.getsockname()[1])
    for _ in range(sc["connections"]):
        conn, _ = ls.accept()
        conn.settimeout(20)
        try:
            serve(sc, conn, log)
        except Closed:
            log("client closed")
        except Exception as e:
            log("error: %r" % e)
        finally:
            conn.close()
            log("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
