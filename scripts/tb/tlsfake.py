#!/usr/bin/env python3
"""A fake TLS server for the cipher classes Debian's OpenSSL cannot serve
(3DES, RC4; the tlspolicy world, scripts/tb/tlscases.py).

    tlsfake.py --listen ADDR:PORT [--listen ...] --backend HOST:PORT
               --suite 0xc012 [--backend-suites 0xc02f,...] [--cert CHAIN.pem]
               [--pidfile FILE]

It reads each connection's first TLS record.  A TLS 1.2 ClientHello
(legacy_version 0x0303) that offers the suite and none of the backend's
suites (--backend-suites: the fake suite is last in the host's order)
gets a real ServerHello
choosing it (version 0x0303, the RFC 5746 renegotiation_info extension when
the client signalled it, EC point formats when the client sent them), then
the Certificate message of CHAIN.pem, and the connection is closed at once:
no key exchange follows, so no handshake completes (a scanner decides from
the ServerHello; one that waited for the rest of the flight would wait for
its own timeout).  Every other
connection (any other hello, any other version) is handed unchanged to the
backend, a real nginx with the host's other settings, so that the host is
an ordinary TLS server for everything else.  One log line per connection
on stdout: the peer, "fake" or "backend".
"""

import argparse
import asyncio
import base64
import os
import struct
import sys

# The largest first record read: a TLS record's length limit (RFC 5246
# 6.2.1, 2^14) plus its 5-byte header.
RECORD_MAX = 16384 + 5
# How long a first record may take to arrive.
TIMEOUT_S = 5


def parse_hello(rec):
    """(legacy_version, suites, reneg_signalled, point_formats_sent) of a
    ClientHello record, or None when rec is not one."""
    if len(rec) < 5 + 4 + 2 + 32 + 1 or rec[0] != 0x16 or rec[5] != 0x01:
        return None
    body = rec[9:]
    try:
        ver = struct.unpack(">H", body[0:2])[0]
        i = 2 + 32
        i += 1 + body[i]                                    # session id
        n = struct.unpack(">H", body[i:i + 2])[0]
        suites = [struct.unpack(">H", body[i + 2 + k:i + 4 + k])[0] for k in range(0, n, 2)]
        i += 2 + n
        i += 1 + body[i]                                    # compression
        exts = set()
        if i + 2 <= len(body):
            end = i + 2 + struct.unpack(">H", body[i:i + 2])[0]
            i += 2
            while i + 4 <= min(end, len(body)):
                t, ln = struct.unpack(">HH", body[i:i + 4])
                exts.add(t)
                i += 4 + ln
    except (IndexError, struct.error):
        return None
    return ver, suites, 0x00ff in suites or 0xff01 in exts, 0x000b in exts


def handshake_record(msgs):
    body = b"".join(struct.pack(">B", t) + struct.pack(">I", len(m))[1:] + m for t, m in msgs)
    return b"\x16\x03\x03" + struct.pack(">H", len(body)) + body


def server_hello(suite, reneg, points):
    ext = b""
    if reneg:
        ext += b"\xff\x01\x00\x01\x00"
    if points:
        ext += b"\x00\x0b\x00\x02\x01\x00"
    m = b"\x03\x03" + os.urandom(32) + b"\x00" + struct.pack(">H", suite) + b"\x00"
    m += struct.pack(">H", len(ext)) + ext
    return 2, m


def certificate(chain_pem):
    ders = []
    if chain_pem:
        text = open(chain_pem).read()
        for blk in text.split("-----BEGIN CERTIFICATE-----")[1:]:
            b64 = blk.split("-----END CERTIFICATE-----")[0]
            ders.append(base64.b64decode("".join(b64.split())))
    lst = b"".join(struct.pack(">I", len(d))[1:] + d for d in ders)
    return 11, struct.pack(">I", len(lst))[1:] + lst


async def read_record(reader):
    head = await reader.readexactly(5)
    n = struct.unpack(">H", head[3:5])[0]
    if 5 + n > RECORD_MAX:
        return head
    return head + await reader.readexactly(n)


async def pipe(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


class Fake:
    def __init__(self, args):
        self.suite = int(args.suite, 0)
        self.backend = args.backend.rsplit(":", 1)
        self.cert = certificate(args.cert)
        self.backend_suites = {int(x, 0) for x in args.backend_suites.split(",") if x}

    async def handle(self, reader, writer):
        peer = writer.get_extra_info("peername")
        try:
            rec = await asyncio.wait_for(read_record(reader), TIMEOUT_S)
        except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        h = parse_hello(rec)
        # The fake suite is last in the host's order: chosen only when the
        # hello offers none of the backend's.
        if h is not None and h[0] == 0x0303 and self.suite in h[1] and \
                not self.backend_suites & set(h[1]):
            print("%s fake 0x%04x" % (peer[0], self.suite), flush=True)
            writer.write(handshake_record([server_hello(self.suite, h[2], h[3]), self.cert]))
            try:
                await writer.drain()
            except ConnectionError:
                pass
            writer.close()          # at once: a client waiting for more ends now
            return
        print("%s backend" % peer[0], flush=True)
        try:
            br, bw = await asyncio.open_connection(self.backend[0], int(self.backend[1]))
        except OSError as e:
            print("backend %s: %s" % (":".join(self.backend), e), flush=True)
            writer.close()
            return
        bw.write(rec)
        await asyncio.gather(pipe(reader, bw), pipe(br, writer))


async def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", action="append", required=True)
    ap.add_argument("--backend", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--backend-suites", default="",
                    help="the backend's suites (IANA numbers, comma-separated): preferred")
    ap.add_argument("--cert")
    ap.add_argument("--pidfile")
    args = ap.parse_args()
    fake = Fake(args)
    servers = []
    for l in args.listen:
        host, port = l.rsplit(":", 1)
        servers.append(await asyncio.start_server(fake.handle, host.strip("[]"), int(port)))
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
    print("tlsfake: %s, suite %s, backend %s" % (" ".join(args.listen), args.suite, args.backend),
          flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
