#!/usr/bin/env python3
"""gen_bomb.py - hostile Parquet parts for the reader tests (issue 14
point 4): small files whose pages declare huge sizes.

  gen_bomb.py OUT [--columns N] [--declare BYTES] [--real BYTES]
               [--bomb-index]

One row group of one row: input_index (INT64), list and domain (STRING),
then N-1 more STRING columns named like schema v1's.  The domain column
and the N-1 others each hold one ZSTD data page that declares --declare
bytes uncompressed; its ZSTD frame holds --real bytes of zeros (RLE
blocks, 4 bytes per 128 KiB): --real equal to --declare is a true bomb
(16 KiB for 512 MiB), a smaller --real a short frame that only claims it.
With --bomb-index the input_index page is such a page too (the column a
resuming crawl reads).  Written by hand (Thrift compact) because our
writer refuses such pages.
"""
import argparse
import struct

# Thrift compact types.
T_I32, T_I64, T_BINARY, T_LIST, T_STRUCT = 5, 6, 8, 9, 12

STRING_COLS = ["domain", "dns_status", "dnssec_status", "dnssec_reason",
               "denial", "signer_zone", "v4_rov", "v6_rov",
               "hosting_country", "hosting_as_org", "tls_status",
               "tls_version", "tls_cipher", "tls_group", "tls_alpn",
               "cert_verify", "cert_key_type", "cert_sig_alg",
               "cert_issuer_org", "x_frame_options", "referrer_policy",
               "security_txt", "spf", "dmarc", "error", "probed_host",
               "web_ipv4", "web_ipv6", "v4_prefix", "v6_prefix",
               "dnskey_algorithms", "ds_digest_types"]


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n):
    return (n << 1) ^ (n >> 63)


class S:
    """A Thrift compact struct under construction."""

    def __init__(self):
        self.b = bytearray()
        self.last = 0

    def field(self, fid, t):
        d = fid - self.last
        assert 0 < d <= 15
        self.b.append(d << 4 | t)
        self.last = fid

    def i32(self, fid, v):
        self.field(fid, T_I32)
        self.b += varint(zigzag(v))
        return self

    def i64(self, fid, v):
        self.field(fid, T_I64)
        self.b += varint(zigzag(v))
        return self

    def str(self, fid, v):
        self.field(fid, T_BINARY)
        v = v.encode() if isinstance(v, str) else v
        self.b += varint(len(v)) + v
        return self

    def struct(self, fid, s):
        self.field(fid, T_STRUCT)
        self.b += s.end()
        return self

    def lst(self, fid, t, items):
        self.field(fid, T_LIST)
        n = len(items)
        self.b.append((n << 4 | t) if n < 15 else (0xF0 | t))
        if n >= 15:
            self.b += varint(n)
        for it in items:
            if t == T_STRUCT:
                self.b += it.end()
            elif t == T_I32:
                self.b += varint(zigzag(it))
            elif t == T_BINARY:
                v = it.encode()
                self.b += varint(len(v)) + v
        return self

    def end(self):
        return bytes(self.b) + b"\x00"


def zstd_zeros(real, declare):
    """A ZSTD frame of `real` zero bytes that says `declare` in its header."""
    out = bytearray(struct.pack("<I", 0xFD2FB528))
    out.append(0xE0)  # single segment, 8-byte frame content size
    out += struct.pack("<Q", declare)
    block = 128 << 10
    left = real
    while True:
        n = min(left, block)
        left -= n
        last = 1 if left == 0 else 0
        hdr = last | (1 << 1) | (n << 3)  # RLE block
        out += struct.pack("<I", hdr)[:3] + b"\x00"
        if left == 0:
            return bytes(out)


def page(body, usize, nvalues):
    dph = S().i32(1, nvalues).i32(2, 0).i32(3, 3).i32(4, 3)
    h = S().i32(1, 0).i32(2, usize).i32(3, len(body)).struct(5, dph)
    return h.end() + body


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--columns", type=int, default=1)
    ap.add_argument("--declare", type=int, default=512 << 20)
    ap.add_argument("--real", type=int, default=None)
    ap.add_argument("--index", type=int, default=0)
    ap.add_argument("--bomb-index", action="store_true",
                    help="the input_index page is the bomb (the resume "
                    "reads only that column)")
    a = ap.parse_args()
    real = a.declare if a.real is None else a.real
    bombs = STRING_COLS[:a.columns]
    # (name, physical type, converted, codec, page bytes, usize)
    cols = []
    ix = struct.pack("<q", a.index)
    frame = zstd_zeros(real, a.declare)
    if a.bomb_index:
        cols.append(("input_index", 2, None, 6, page(frame, a.declare, 1)))
    else:
        cols.append(("input_index", 2, None, 0, page(ix, 8, 1)))
    lst = struct.pack("<I", 4) + b"bomb"
    cols.append(("list", 6, 0, 0, page(lst, len(lst), 1)))
    frame = zstd_zeros(real, a.declare)
    for name in bombs:
        cols.append((name, 6, 0, 6, page(frame, a.declare, 1)))
    data = bytearray(b"PAR1")
    chunks = []
    for name, ptype, conv, codec, pg in cols:
        off = len(data)
        data += pg
        md = (S().i32(1, ptype).lst(2, T_I32, [0, 3])
              .lst(3, T_BINARY, [name]).i32(4, codec).i64(5, 1)
              .i64(6, len(pg)).i64(7, len(pg)).i64(9, off))
        chunks.append(S().i64(2, off).struct(3, md))
    schema = [S().str(4, "schema").i32(5, len(cols))]
    for name, ptype, conv, codec, pg in cols:
        e = S().i32(1, ptype).i32(3, 0).str(4, name)
        if conv is not None:
            e.i32(6, conv)
        schema.append(e)
    rg = S().lst(1, T_STRUCT, chunks).i64(2, len(data)).i64(3, 1)
    fm = (S().i32(1, 1).lst(2, T_STRUCT, schema).i64(3, 1)
          .lst(4, T_STRUCT, [rg]).end())
    data += fm + struct.pack("<I", len(fm)) + b"PAR1"
    with open(a.out, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
