"""The TLS policy cases of the tlspolicy world (issue 17, point 1): one
server per case, each on an address of its own (TLS versions, ciphers and
DH parameters apply per listening address).  Pure data, shared by
world.py (the tlspol= key), plan.py (the addresses), tlsgen.py (the
servers) and tlstruth.py (the expected columns).

Each case: how it is served and with what settings.
  server     nginx | s_server (openssl s_server: what nginx cannot say) |
             fake (scripts/tb/tlsfake.py in front of an nginx backend with
             the same settings: it answers a ClientHello offering one of
             the fake suites with a ServerHello choosing it, and hands every
             other connection to the backend unchanged)
  protocols  the TLS versions accepted, OpenSSL's names
  ciphers    the TLS 1.2-and-older suites, OpenSSL names, in the server's
             order (every case shares at least two with an OpenSSL client,
             so that the server's order can be told)
  prefer     the server's cipher order is enforced
  dhparam    None | "dh1024" (tests/tlspolicy/dh1024.pem) | "ffdhe2048"
  early      TLS 1.3 0-RTT accepted (nginx ssl_early_data)
  reneg      client-initiated renegotiation accepted
  fake       (class, IANA suite number, IANA name) the fake server chooses
"""

# The two AEAD suites every case shares unless it says otherwise.
BASE = ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"]
V12_13 = ["TLSv1.2", "TLSv1.3"]


def _case(**kw):
    c = {"server": "nginx", "protocols": V12_13, "ciphers": BASE, "prefer": True,
         "dhparam": None, "early": False, "reneg": False, "fake": None, "what": ""}
    c.update(kw)
    return c


CASES = {
    "legacy":    _case(protocols=["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"],
                       ciphers=BASE + ["ECDHE-RSA-AES128-SHA"],
                       what="TLS 1.0, 1.1, 1.2 and 1.3 accepted (a SHA-1 CBC suite for 1.0/1.1)"),
    "tls12":     _case(protocols=["TLSv1.2"], what="TLS 1.2 only"),
    "tls13":     _case(protocols=["TLSv1.3"], ciphers=[], what="TLS 1.3 only"),
    "3des":      _case(server="fake", protocols=["TLSv1.2"],
                       fake=("3des", 0xc012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"),
                       what="TLS 1.2, 3DES accepted (fake server in front of nginx)"),
    "rc4":       _case(server="fake", protocols=["TLSv1.2"],
                       fake=("rc4", 0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
                       what="TLS 1.2, RC4 accepted (fake server in front of nginx)"),
    "dh1024":    _case(ciphers=BASE + ["DHE-RSA-AES128-GCM-SHA256"], dhparam="dh1024",
                       what="DHE with a 1024-bit group"),
    "dh2048":    _case(ciphers=BASE + ["DHE-RSA-AES128-GCM-SHA256"], dhparam="ffdhe2048",
                       what="DHE with ffdhe2048"),
    "staticrsa": _case(ciphers=BASE + ["AES128-GCM-SHA256"],
                       what="static RSA key exchange accepted"),
    "clientorder": _case(prefer=False, ciphers=BASE + ["ECDHE-RSA-CHACHA20-POLY1305"],
                         what="the client's cipher order followed"),
    "serverorder": _case(ciphers=["ECDHE-RSA-CHACHA20-POLY1305"] + BASE,
                         what="the server's cipher order enforced"),
    "cbconly":   _case(protocols=["TLSv1.2"],
                       ciphers=["ECDHE-RSA-AES128-SHA256", "ECDHE-RSA-AES256-SHA384"],
                       what="TLS 1.2 with CBC suites only"),
    "reneg":     _case(server="s_server", reneg=True,
                       what="client-initiated renegotiation accepted (openssl s_server "
                            "-client_renegotiation: nginx refuses it always)"),
    "earlydata": _case(early=True, what="TLS 1.3 0-RTT accepted (nginx ssl_early_data on)"),
    "null":      _case(ciphers=BASE + ["ECDHE-RSA-NULL-SHA"],
                       what="a NULL suite accepted (ECDHE-RSA-NULL-SHA)"),
    "anon":      _case(ciphers=BASE + ["AECDH-AES128-SHA"],
                       what="an anonymous suite accepted (AECDH-AES128-SHA)"),
}
