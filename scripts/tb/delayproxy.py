#!/usr/bin/env python3
"""A UDP DNS relay that delays and drops packets: the latency benchmark's
stand-in for tc netem where the kernel has no sch_netem (this testbed's
machines).  Each datagram is held for half the round-trip time in each
direction and dropped with the given probability, so a client talking to
LISTEN sees RTT more latency and loss both ways to UPSTREAM.

    delayproxy.py LISTEN_ADDR UPSTREAM_ADDR RTT_MS LOSS_FRACTION
"""

import asyncio
import random
import socket
import sys


BUFFER = 4 * 1024 * 1024


def big_buffers(transport):
    sock = transport.get_extra_info("socket")
    for opt in (socket.SO_RCVBUF, socket.SO_SNDBUF):
        try:
            sock.setsockopt(socket.SOL_SOCKET, opt, BUFFER)
        except OSError:
            pass


class Upstream(asyncio.DatagramProtocol):
    def __init__(self, front, client, half, loss):
        self.front, self.client, self.half, self.loss = front, client, half, loss
        self.transport = None

    def connection_made(self, transport):
        big_buffers(transport)
        self.transport = transport

    def datagram_received(self, data, addr):
        if random.random() >= self.loss:
            asyncio.get_running_loop().call_later(
                self.half, self.front.transport.sendto, data, self.client)


class Front(asyncio.DatagramProtocol):
    def __init__(self, upstream, half, loss):
        self.upstream, self.half, self.loss = upstream, half, loss
        self.transport = None
        self.ups = {}

    def connection_made(self, transport):
        big_buffers(transport)
        self.transport = transport

    def datagram_received(self, data, addr):
        if random.random() < self.loss:
            return
        asyncio.get_running_loop().call_later(self.half, self._forward, data, addr)

    def _forward(self, data, addr):
        up = self.ups.get(addr)
        if up is None:
            loop = asyncio.get_running_loop()
            up = Upstream(self, addr, self.half, self.loss)
            self.ups[addr] = up
            fam = socket.AF_INET6 if ":" in self.upstream else socket.AF_INET
            loop.create_task(loop.create_datagram_endpoint(lambda: up, remote_addr=(self.upstream, 53),
                                                           family=fam))
            loop.call_later(0.05, self._forward, data, addr)
            return
        if up.transport is None:
            asyncio.get_running_loop().call_later(0.01, self._forward, data, addr)
            return
        up.transport.sendto(data)


async def main():
    listen, upstream, rtt, loss = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    loop = asyncio.get_running_loop()
    fam = socket.AF_INET6 if ":" in listen else socket.AF_INET
    await loop.create_datagram_endpoint(lambda: Front(upstream, rtt / 2000.0, loss),
                                        local_addr=(listen, 53), family=fam)
    print("delayproxy: %s -> %s, RTT +%g ms, loss %g" % (listen, upstream, rtt, loss), flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
