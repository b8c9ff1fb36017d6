#!/usr/bin/env python3
"""A resolver stand-in on 127.0.0.1 for the stop test (tests/stop/stop_test.py).

Every A query under the test zone gets one address and an RRSIG by that
zone (the signature is junk: the validator never gets as far as checking
it); every DNSKEY and DS query outside that zone (the validator's, from
the root down) is left unanswered, so that every domain's validation
waits on the one zone task of the root; anything else gets an empty
NOERROR answer.  Prints its port on stdout, then serves until killed.
"""
import os
import socket
import struct
import sys

ZONE = b"\x04slow\x04test\x00"


def qname_end(pkt, off):
    while off < len(pkt):
        n = pkt[off]
        if n == 0:
            return off + 1
        if n & 0xC0:
            return off + 2
        off += 1 + n
    return None


def answer(pkt):
    if len(pkt) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", pkt[:6])
    if qd != 1:
        return None
    end = qname_end(pkt, 12)
    if end is None or end + 4 > len(pkt):
        return None
    qtype, qclass = struct.unpack("!HH", pkt[end:end + 4])
    under = pkt[12:end].lower().endswith(ZONE)
    if qtype in (43, 48) and not under:
        return None                # the validator's DS, DNSKEY: never answered
    question = pkt[12:end + 4]
    # QR, opcode 0, RD copied, RA, CD copied, NOERROR
    rflags = 0x8000 | (flags & 0x0100) | 0x0080 | (flags & 0x0010)
    rrs = []
    if qtype == 1 and under:
        rrs.append(b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) +
                   bytes([192, 0, 2, 1]))
        labels = 0
        off = 12
        while pkt[off]:
            labels += 1
            off += 1 + pkt[off]
        rdata = struct.pack("!HBBIIIH", 1, 8, labels, 300, 0x7FFFFFFF,
                            0, 4242) + ZONE + os.urandom(256)
        rrs.append(b"\xc0\x0c" + struct.pack("!HHIH", 46, 1, 300, len(rdata)) +
                   rdata)
    opt = b"\x00" + struct.pack("!HHIH", 41, 1232, 0x00008000, 0)
    return (struct.pack("!HHHHHH", qid, rflags, 1, len(rrs), 0, 1) + question +
            b"".join(rrs) + opt)


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1], flush=True)
    while True:
        pkt, peer = s.recvfrom(4096)
        r = answer(pkt)
        if r is not None:
            s.sendto(r, peer)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
