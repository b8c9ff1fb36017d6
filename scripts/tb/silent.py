#!/usr/bin/env python3
"""A server that never speaks: the silent peer of the testbed.

    silent.py [--pidfile FILE] PROTO:ADDR:PORT...

PROTO is udp or tcp; ADDR an IPv4 address or an IPv6 address in brackets.
UDP: every datagram is read and dropped (a name server that never
answers, lame=silent).  TCP: every connection is accepted and held open,
whatever arrives is read and dropped, nothing is ever sent (a TLS server
that never completes its handshake).  The pid file is written once every
socket is bound, so a start script can wait for it.  Runs until killed.
"""

import os
import selectors
import socket
import sys

# Connections held at once per listener: more than any test opens; past
# it the oldest is closed (the peer then sees a reset, not silence).
MAX_HELD = 4096
READ_CHUNK = 65536      # bytes read (and dropped) per readiness event


def parse(spec):
    proto, rest = spec.split(":", 1)
    if proto not in ("udp", "tcp"):
        raise ValueError("protocol must be udp or tcp")
    if rest.startswith("["):
        addr, port = rest[1:].split("]:", 1)
        fam = socket.AF_INET6
    else:
        addr, port = rest.rsplit(":", 1)
        fam = socket.AF_INET
    return proto, fam, addr, int(port)


def main():
    args = sys.argv[1:]
    pidfile = None
    if len(args) >= 2 and args[0] == "--pidfile":
        pidfile, args = args[1], args[2:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    sel = selectors.DefaultSelector()
    held = []
    for spec in args:
        try:
            proto, fam, addr, port = parse(spec)
        except ValueError as e:
            print("silent: bad listener %r: %s" % (spec, e), file=sys.stderr)
            return 2
        s = socket.socket(fam, socket.SOCK_DGRAM if proto == "udp" else socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            s.bind((addr, port))
        except OSError as e:
            print("silent: cannot bind %s: %s" % (spec, e.strerror), file=sys.stderr)
            return 1
        if proto == "tcp":
            s.listen(1024)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, proto)
    if pidfile:
        with open(pidfile + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(pidfile + ".tmp", pidfile)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            try:
                if key.data == "udp":
                    s.recvfrom(READ_CHUNK)
                elif key.data == "tcp":
                    conn, _ = s.accept()
                    conn.setblocking(False)
                    sel.register(conn, selectors.EVENT_READ, "conn")
                    held.append(conn)
                    if len(held) > MAX_HELD:
                        old = held.pop(0)
                        sel.unregister(old)
                        old.close()
                else:
                    if not s.recv(READ_CHUNK):
                        sel.unregister(s)
                        held.remove(s)
                        s.close()
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                if key.data == "conn":
                    sel.unregister(s)
                    if s in held:
                        held.remove(s)
                    s.close()


if __name__ == "__main__":
    sys.exit(main())
