"""png.py - read and write 8-bit RGB/RGBA PNG files with the standard
library only (zlib), for the rendering test and for cropping screenshots.

    python3 png.py crop IN.png OUT.png X Y W H
    python3 png.py info IN.png
"""

import struct
import sys
import zlib


class PNGError(Exception):
    pass


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def read(path):
    """Return (width, height, channels, rows): rows are bytearrays."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise PNGError("%s: not a PNG file" % path)
    pos, idat, ihdr = 8, [], None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length:
            raise PNGError("%s: truncated chunk" % path)
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + body) & 0xffffffff != crc:
            raise PNGError("%s: bad CRC in %s chunk" % (path, kind.decode()))
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if ihdr is None:
        raise PNGError("%s: no IHDR" % path)
    width, height, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise PNGError("%s: only 8-bit RGB/RGBA, non-interlaced" % path)
    ch = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * ch
    rows, prev, p = [], bytearray(stride), 0
    for _ in range(height):
        ft = raw[p]
        line = bytearray(raw[p + 1:p + 1 + stride])
        p += 1 + stride
        if ft == 1:
            for i in range(ch, stride):
                line[i] = (line[i] + line[i - ch]) & 0xff
        elif ft == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xff
        elif ft == 3:
            for i in range(stride):
                left = line[i - ch] if i >= ch else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xff
        elif ft == 4:
            for i in range(stride):
                left = line[i - ch] if i >= ch else 0
                ul = prev[i - ch] if i >= ch else 0
                line[i] = (line[i] + _paeth(left, prev[i], ul)) & 0xff
        elif ft != 0:
            raise PNGError("%s: bad filter type %d" % (path, ft))
        rows.append(line)
        prev = line
    return width, height, ch, rows


def write(path, width, height, ch, rows):
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    ctype = 2 if ch == 3 else 6
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, ctype, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def crop(src, dst, x, y, w, h):
    width, height, ch, rows = read(src)
    w, h = min(w, width - x), min(h, height - y)
    out = [r[x * ch:(x + w) * ch] for r in rows[y:y + h]]
    write(dst, w, h, ch, out)


def main():
    if sys.argv[1] == "crop":
        crop(sys.argv[2], sys.argv[3], *map(int, sys.argv[4:8]))
    elif sys.argv[1] == "info":
        w, h, ch, _ = read(sys.argv[2])
        print(w, h, ch)


if __name__ == "__main__":
    main()
