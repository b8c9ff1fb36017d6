#!/usr/bin/env python3
"""tlsscan.py PROBE - the TLS policy scan's one handshake
(crawler/tlspolicy/tlsscan.c, driven by tests/tlspolicy/tlsscan_probe)
against local servers on 127.0.0.1 whose policy is known because we set it:
`openssl s_server` with every version or one, with DHE over a 1024-bit
group, with static RSA only; a fake server that chooses TLS compression
(DEFLATE, RFC 3749), which no OpenSSL 3 server does; and hostile peers
(one that accepts and never answers, one that answers garbage, one that
closes at once), which must end bounded and recorded.  No root, no
namespace."""
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'testbed'))
from tap import Tap  # noqa: E402

PROBE = sys.argv[1]
TIMEOUT_MS = 5000          # TLSSCAN_TIMEOUT_MS (tlsscan.h)
SLACK_MS = 1500            # the loop's and the machine's slowness
t = Tap()
tmp = tempfile.mkdtemp(prefix='tlsscan-')
cert, key = os.path.join(tmp, 'c.pem'), os.path.join(tmp, 'k.pem')
# A 1024-bit DH group made once by `openssl dhparam -out dh1024.pem 1024`
# (public parameters; making one takes seconds to minutes of CPU).
dh1024 = os.path.join(os.path.dirname(__file__), 'dh1024.pem')
subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
                '-keyout', key, '-out', cert, '-days', '30',
                '-subj', '/CN=scan.test'], check=True, capture_output=True)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port):
    for _ in range(100):
        try:
            socket.create_connection(('127.0.0.1', port), 0.2).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


servers = []


def s_server(*args):
    port = free_port()
    p = subprocess.Popen(['openssl', 's_server', '-quiet', '-naccept', '100',
                          '-accept', '127.0.0.1:%d' % port, '-cert', cert,
                          '-key', key] + list(args),
                         # stdin kept open: at its end s_server closes
                         # each connection after the handshake
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    servers.append(p)
    if not wait_port(port):
        t.diag('s_server %s did not start' % ' '.join(args))
    return port


def raw_server(behaviour):
    """A TCP server on its own thread: 'stall' reads and never answers,
    'garbage' answers non-TLS bytes, 'close' closes at once."""
    ls = socket.socket()
    ls.bind(('127.0.0.1', 0))
    ls.listen(16)
    held = []

    def run():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            if behaviour == 'stall':
                held.append(c)
            elif behaviour == 'garbage':
                try:
                    c.recv(4096)
                    c.sendall(b'HTTP/1.0 400 Bad Request\r\n\r\n' * 40)
                except OSError:
                    pass
                c.close()
            else:
                c.close()
    threading.Thread(target=run, daemon=True).start()
    return ls.getsockname()[1]


def probe(port, version, ciphers=None):
    args = [PROBE, '127.0.0.1', str(port), version]
    if ciphers is not None:
        args.append(ciphers)
    out = subprocess.run(args, capture_output=True, text=True,
                         timeout=TIMEOUT_MS / 1000 + 10).stdout.split('\n')
    f = out[0].split(' ', 4)
    return {'status': f[0], 'version': f[1], 'suite': f[2],
            'dh': int(f[3]), 'why': f[4], 'ms': int(out[1])}


def policy(port, known=None):
    """The whole scan (tlspolscan.h): its key=value lines."""
    args = [PROBE, '127.0.0.1', str(port), 'policy']
    if known is not None:
        args.append(known)
    out = subprocess.run(args, capture_output=True, text=True,
                         timeout=3 * TIMEOUT_MS / 1000 + 10).stdout
    lines = out.strip().split('\n')
    r = dict(x.split('=', 1) for x in lines[:-1])
    r['ms'] = int(lines[-1])
    return r


def stall_after_first(backend):
    """A proxy: the first connection goes to backend, every later one is
    accepted and never answered (the hostile 'accepts, then stalls on the
    second handshake')."""
    ls = socket.socket()
    ls.bind(('127.0.0.1', 0))
    ls.listen(16)
    held = []

    def pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        for x in (a, b):
            try:
                x.close()
            except OSError:
                pass

    def run():
        first = True
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            if first:
                first = False
                u = socket.create_connection(('127.0.0.1', backend))
                threading.Thread(target=pipe, args=(c, u), daemon=True).start()
                threading.Thread(target=pipe, args=(u, c), daemon=True).start()
            else:
                held.append(c)
    threading.Thread(target=run, daemon=True).start()
    return ls.getsockname()[1]


def recv_exact(c, n):
    b = b''
    while len(b) < n:
        d = c.recv(n - len(b))
        if not d:
            raise OSError('closed')
        b += d
    return b


def deflate_fake(backend, on_3des=False):
    """A fake TLS server: a ClientHello offering compression DEFLATE (1;
    the scan's compression step, RFC 3749) is answered with a TLS 1.2
    ServerHello choosing its first suite and DEFLATE (what OpenSSL 3
    servers never do), every other connection handed to backend (an
    s_server).  on_3des: the scan's 3DES hello (first suite 0x000a,
    compression null alone) is answered so too, DEFLATE not offered.
    Returns its port."""
    ls = socket.socket()
    ls.bind(('127.0.0.1', 0))
    ls.listen(16)

    def pipe(a, b):
        try:
            while True:
                d = a.recv(65536)
                if not d:
                    break
                b.sendall(d)
        except OSError:
            pass
        # shutdown, not close alone: it wakes the other direction's
        # thread, blocked in recv, and sends the FIN s_server waits for.
        for x in (a, b):
            try:
                x.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            x.close()

    def handle(c):
        try:
            head = recv_exact(c, 5)
            rec = recv_exact(c, head[3] << 8 | head[4])
            # client_hello: type, length (4), version (2), random (32),
            # session ID, suites, compression methods (RFC 5246 7.4.1.2)
            i = 4 + 2 + 32
            i += 1 + rec[i]
            n = rec[i] << 8 | rec[i + 1]
            first = rec[i + 2:i + 4]
            i += 2 + n
            methods = rec[i + 1:i + 1 + rec[i]]
        except (OSError, IndexError):
            c.close()
            return
        if head[0] == 0x16 and (1 in methods or
                                (on_3des and first == b'\x00\x0a')):
            body = b'\x03\x03' + os.urandom(32) + b'\x00' + first + b'\x01'
            hs = b'\x02' + len(body).to_bytes(3, 'big') + body
            try:
                c.sendall(b'\x16\x03\x03' + len(hs).to_bytes(2, 'big') + hs)
            except OSError:
                pass
            c.close()
            return
        u = socket.create_connection(('127.0.0.1', backend))
        u.sendall(head + rec)
        threading.Thread(target=pipe, args=(c, u), daemon=True).start()
        threading.Thread(target=pipe, args=(u, c), daemon=True).start()

    def run():
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(c,), daemon=True).start()
    threading.Thread(target=run, daemon=True).start()
    return ls.getsockname()[1]


def check(name, r, **want):
    bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
    t.ok(not bad, name, None if not bad else 'got %r' % r)


L0 = 'ALL:@SECLEVEL=0'
try:
    # every version 1.0 .. 1.3
    p_all = s_server('-cipher', L0)
    for v, name in (('1.0', 'TLSv1'), ('1.1', 'TLSv1.1'), ('1.2', 'TLSv1.2'),
                    ('1.3', 'TLSv1.3')):
        check('all versions: %s accepted' % v, probe(p_all, v),
              status='accepted', version=name)
    # TLS 1.2 only: the others refused by the server (an alert)
    p12 = s_server('-tls1_2', '-cipher', L0)
    check('1.2 only: 1.2 accepted', probe(p12, '1.2'), status='accepted',
          version='TLSv1.2')
    for v in ('1.0', '1.1', '1.3'):
        check('1.2 only: %s refused' % v, probe(p12, v), status='refused')
    # TLS 1.3 only
    p13 = s_server('-tls1_3')
    check('1.3 only: 1.3 accepted', probe(p13, '1.3'), status='accepted',
          version='TLSv1.3', suite='TLS_AES_256_GCM_SHA384')
    check('1.3 only: 1.2 refused', probe(p13, '1.2'), status='refused')
    # 3DES and RC4 are not in Debian's OpenSSL (`openssl ciphers 3DES`:
    # no cipher match), neither for s_server nor for the scan's client: the
    # scan cannot offer them through OpenSSL (docs/web.md).  Static RSA: the
    # chosen suite's IANA name.
    prsa = s_server('-tls1_2', '-cipher', 'AES128-GCM-SHA256')
    check('static RSA only: TLS_RSA_WITH_ chosen', probe(prsa, '1.2'),
          status='accepted', suite='TLS_RSA_WITH_AES_128_GCM_SHA256', dh=0)
    # DHE over a 1024-bit group: its size
    pdh = s_server('-tls1_2', '-cipher', 'DHE-RSA-AES128-GCM-SHA256:'
                   '@SECLEVEL=0', '-dhparam', dh1024)
    check('DHE 1024: the group size', probe(pdh, '1.2', 'kDHE:@SECLEVEL=0'),
          status='accepted', suite='TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
          dh=1024)
    # hostile peers: bounded, recorded
    r = probe(raw_server('stall'), '1.2')
    check('stalling peer: timeout', r, status='timeout')
    t.ok(TIMEOUT_MS - 100 <= r['ms'] <= TIMEOUT_MS + SLACK_MS,
         'stalling peer: ended within the bound (%d ms)' % r['ms'])
    r = probe(raw_server('garbage'), '1.2')
    check('garbage peer: error, not refused', r, status='error')
    t.ok(r['ms'] < TIMEOUT_MS, 'garbage peer: ended at once (%d ms, %s)'
         % (r['ms'], r['why']))
    check('closing peer: refused (closed)', probe(raw_server('close'), '1.2'),
          status='refused', why='connection closed')
    check('nobody listening: error', probe(free_port(), '1.2'),
          status='error')

    # The whole scan: every column fact of servers whose policy we set.
    # Every weak class is asked (3DES, RC4 and EXPORT by the hand-written
    # hello; these servers, Debian's OpenSSL, refuse all three), so the NCSC
    # class is decided; client renegotiation is not measured yet, which
    # leaves it undecided only for a server that would otherwise be good.
    asked = '3des,rc4,null,anon,export,cbc_only'
    check('scan, every version and ALL: anon, static RSA, DHE 2048',
          policy(p_all), versions='TLSv1,TLSv1.1,TLSv1.2,TLSv1.3',
          min_version='TLSv1', weak='anon', weak_measured=asked,
          dh_bits='2048', static_rsa='1', kex_weak='1', ncsc='insufficient',
          server_order='0', secure_reneg='1', client_reneg='0',
          compression='0', handshakes='15', why='-')
    # The web stage's version is not asked again, but then the order
    # steps need their own first offer: the same 15.
    check('scan, the web stage saw 1.2: 1.2 not asked, order asks instead',
          policy(p_all, '1.2'), versions='TLSv1,TLSv1.1,TLSv1.2,TLSv1.3',
          server_order='0', compression='0', handshakes='15')
    # TLS 1.3 has no compression (RFC 8446 4.1.2): false, not asked.
    check('scan, TLS 1.3 only: nothing weak exists, good', policy(p13, '1.3'),
          versions='TLSv1.3', min_version='TLSv1.3', weak='',
          weak_measured='3des,rc4,null,anon,export,cbc_only', dh_bits='0',
          static_rsa='0', kex_weak='0', ncsc='good', compression='0',
          handshakes='3')
    check('scan, static RSA only: kex weak, phase_out',
          policy(prsa, '1.2'), versions='TLSv1.2', weak='',
          weak_measured=asked, dh_bits='0', static_rsa='1', kex_weak='1',
          ncsc='phase_out', server_order='-1', compression='0',
          handshakes='16')
    check('scan, DHE 1024: insufficient', policy(pdh, '1.2'),
          versions='TLSv1.2', weak='', dh_bits='1024', static_rsa='0',
          kex_weak='1', ncsc='insufficient', compression='0')
    pcbc = s_server('-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA')
    check('scan, ECDHE with CBC only: cbc_only, sufficient',
          policy(pcbc, '1.2'), versions='TLSv1.2', weak='cbc_only',
          dh_bits='0', static_rsa='0', kex_weak='0', ncsc='sufficient',
          compression='0')
    pnull = s_server('-tls1_2', '-cipher', 'NULL-SHA256:@SECLEVEL=0')
    # NULL-SHA256 is no AEAD suite: cbc_only by our definition ("no AEAD
    # suite accepted under TLS 1.2"), and RSA key transport.  It shares
    # none of the compression step's suites: its alert leaves
    # tls_compression not measured.
    check('scan, NULL only: null, static RSA, insufficient, compression '
          'not measured', policy(pnull, '1.2'), versions='TLSv1.2',
          weak='null,cbc_only', static_rsa='1', kex_weak='1',
          ncsc='insufficient', compression='null', handshakes='16')
    pgcm = s_server('-tls1_2', '-cipher', 'ECDHE+AESGCM')
    check('scan, ECDHE with AES-GCM, 1.2 only: sufficient (B1-1), our '
          'order followed', policy(pgcm, '1.2'), versions='TLSv1.2',
          weak='', dh_bits='0', static_rsa='0', kex_weak='0',
          ncsc='sufficient', server_order='0')
    ppref = s_server('-tls1_2', '-cipher', 'ECDHE+AESGCM', '-serverpref')
    check('scan, the same with -serverpref: the server\'s order',
          policy(ppref, '1.2'), versions='TLSv1.2', server_order='1',
          handshakes='16')
    # Renegotiation: OpenSSL 3 servers refuse a client's by default (an
    # alert, at once) and allow it with -client_renegotiation; both signal
    # RFC 5746.  B8-1: client-initiated renegotiation is "sufficient".
    pren = s_server('-tls1_2', '-cipher', 'ECDHE+AESGCM',
                    '-client_renegotiation')
    r = policy(pren, '1.2')
    check('scan, -client_renegotiation: accepted, secure, sufficient', r,
          secure_reneg='1', client_reneg='1', ncsc='sufficient',
          handshakes='15', why='-')
    check('scan, default OpenSSL server: client renegotiation refused by '
          'its alert', policy(pgcm, '1.2'), secure_reneg='1',
          client_reneg='0', reneg_why='renegotiation: no renegotiation')
    # Hostile: the second handshake stalls; the garbage peer.
    r = policy(stall_after_first(p12))
    check('scan, stalls on the second handshake: versions null, recorded',
          r, versions='null', min_version='null', weak='null',
          dh_bits='-1', static_rsa='-1', kex_weak='-1', ncsc='null',
          compression='null', handshakes='2')
    t.ok(r['why'].startswith('TLSv1.2 probe: timeout'),
         'scan, stall: why names the step (%s)' % r['why'])
    t.ok(r['ms'] <= TIMEOUT_MS + SLACK_MS,
         'scan, stall: one timeout, no more (%d ms)' % r['ms'])
    r = policy(raw_server('garbage'))
    check('scan, garbage to every version: ended at the first, recorded', r,
          versions='null', weak='null', ncsc='null', compression='null',
          handshakes='1')
    t.ok(r['why'].startswith('TLSv1.3 probe: error') and
         r['ms'] < TIMEOUT_MS, 'scan, garbage: at once (%d ms, %s)'
         % (r['ms'], r['why']))

    # The crawl-wide cache (tlspolcache.h): one scan per (address, port,
    # name); the second asker of a key in flight joins it, a later one is
    # answered from the stored result, a cancelled one gets nothing.
    def cache(maxe, *names):
        out = subprocess.run([PROBE, '127.0.0.1', str(p12), 'cache',
                              str(maxe)] + list(names), capture_output=True,
                             text=True, timeout=60).stdout.strip().split('\n')
        answers = [x.split()[1:] for x in out if x.startswith('answer ')]
        stats = dict(x.split('=') for x in out[-1].split())
        return answers, stats
    ans, st = cache(0, 'a.test', 'a.test', 'b.test')
    t.eq([a[0] for a in ans], ['a.test', 'a.test', 'b.test', 'a.test'],
         'cache: every asker answered once, in order, the cancelled one not')
    t.ok(all(a[1:] == ['TLSv1.2', '15'] for a in ans),
         'cache: every answer is the scan of a 1.2-only server (%r)' % ans)
    t.eq(st, {'lookups': '5', 'scans': '2', 'joined': '2', 'cached': '1',
              'uncached': '0', 'entries': '2'},
         'cache: 2 scans for 2 names, 2 joined, 1 from the table')
    ans, st = cache(1, 'a.test', 'b.test')
    t.eq(st, {'lookups': '4', 'scans': '2', 'joined': '1', 'cached': '1',
              'uncached': '1', 'entries': '1'},
         'cache at its bound of 1: the second name scanned uncached')
    t.eq(len(ans), 3, 'cache at its bound: every asker answered')

    # The hand-written ClientHello (tlshello.h), for the suites OpenSSL
    # cannot offer: real OpenSSL servers answer it (a ServerHello choosing
    # an offered suite, or an alert), garbage is garbage.
    def hello(port, cls):
        return subprocess.run([PROBE, '127.0.0.1', str(port), 'hello', cls],
                              capture_output=True, text=True,
                              timeout=15).stdout.strip()
    r = hello(p_all, 'aes')
    t.ok(r in ('serverhello 0x0303 0x002f 0', 'serverhello 0x0303 0xc013 0'),
         'hello: an OpenSSL server chooses an offered AES-CBC suite, no '
         'compression (%s)' % r)
    for cls in ('3des', 'rc4', 'export'):
        t.eq(hello(p_all, cls), 'alert 40',
             'hello: %s refused by an OpenSSL server with handshake_failure'
             % cls)
    t.eq(hello(p13, 'aes'), 'alert 70',
         'hello: a TLS 1.3-only server answers protocol_version')
    t.eq(hello(raw_server('garbage'), '3des'), 'garbage',
         'hello: a garbage answer is garbage')
    t.eq(hello(raw_server('close'), '3des'), 'closed',
         'hello: a close is a close')

    # TLS compression (RFC 3749; CRIME): the scan's last step offers the
    # ordinary suites with DEFLATE and null.  OpenSSL 3 servers never
    # choose DEFLATE (built without zlib compression, and
    # SSL_OP_NO_COMPRESSION by default): null.
    r = hello(p_all, 'deflate')
    t.ok(r.startswith('serverhello 0x0303 0x') and r.endswith(' 0'),
         'hello deflate: an OpenSSL server chooses null (%s)' % r)
    # A backend of its own: p12 has served most of its -naccept already.
    pback = s_server('-tls1_2', '-cipher', L0)
    pfake = deflate_fake(pback)
    t.eq(hello(pfake, 'deflate'), 'serverhello 0x0303 0xc02b 1',
         'hello deflate: the fake server chooses DEFLATE')
    check('scan, a server that chooses DEFLATE: compression 1, the rest '
          'its backend\'s', policy(pfake), versions='TLSv1.2',
          weak_measured=asked, compression='1', handshakes='15',
          why='-')
    check('scan, its backend alone: compression 0', policy(pback),
          versions='TLSv1.2', compression='0', handshakes='15')
    # DEFLATE chosen where only null was offered (the 3DES hello): not TLS
    # as we asked it, an error that ends the scan, never "3des accepted".
    r = policy(deflate_fake(pback, on_3des=True))
    check('scan, DEFLATE chosen when not offered: ended at the 3DES hello',
          r, compression='null', handshakes='12')
    t.ok(r['why'] == '3DES probe: error: server chose compression method '
         '1, not offered', 'scan, DEFLATE not offered: why (%s)' % r['why'])
finally:
    for p in servers:
        p.kill()
        p.wait()
sys.exit(t.done())
