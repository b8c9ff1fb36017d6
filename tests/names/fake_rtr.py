#!/usr/bin/env python3
"""A fake RTR cache (RFC 8210) for tests/names/rtr_wait.py: accepts
connections on ADDR:PORT and, to every Reset Query, answers as MODE says.

  fake_rtr.py MODE ADDR PORT

MODE:
  silent   accept, read, never answer
  reset    answer Cache Reset (no data to give)
  nodata   answer Error Report "No Data Available" with a text

Prints "ready" on stdout once it listens.  Runs until killed.
"""

import socket
import struct
import sys
import threading

NODATA_TEXT = b"still validating, try again later"


def pdu_error(version, code, text):
    # Error Report: header (code in the session field), the encapsulated
    # PDU (none), the text (RFC 8210 section 5.11).
    body = struct.pack("!I", 0) + struct.pack("!I", len(text)) + text
    return struct.pack("!BBHI", version, 10, code, 8 + len(body)) + body


def serve(conn, mode):
    with conn:
        try:
            q = conn.recv(8)
            if len(q) < 8:
                return
            version = q[0]
            if mode == "reset":
                conn.sendall(struct.pack("!BBHI", version, 8, 0, 8))
            elif mode == "nodata":
                conn.sendall(pdu_error(version, 2, NODATA_TEXT))
            # silent (and after an answer): keep the connection open
            # until the client closes it.
            while conn.recv(4096):
                pass
        except OSError:
            pass


def main():
    mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
