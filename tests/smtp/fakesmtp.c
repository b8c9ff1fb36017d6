/*
 * fakesmtp.c - fake SMTP servers for tests (fakesmtp.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "fakesmtp.h"

/* How long the server waits for the client's next line or byte. */
#define FAKE_IO_TIMEOUT_S 5
/* Bytes of an endless banner sent before the server gives up. */
#define FAKE_ENDLESS_MAX (4u << 20)
/* Bytes of a tarpit greeting at most (one per second). */
#define FAKE_TARPIT_MAX 60

struct fake_srv {
	int lfd;
	uint16_t port;
	enum fake_mode mode;
	SSL_CTX *ctx;
	pthread_t th;
	atomic_uint conns;
	atomic_bool stop;
};

static void
send_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void
say(int fd, const char *s)
{
	send_all(fd, s, strlen(s));
}

/* Read one line (up to LF); false on close, error or timeout. */
static bool
read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = recv(fd, &c, 1, 0);

		if (r <= 0)
			return false;
		if (n + 1 < len)
			buf[n++] = c;
		buf[n] = '\0';
		if (c == '\n')
			return true;
	}
}

static void
tls_part(struct fake_srv *s, int fd)
{
	SSL *ssl = SSL_new(s->ctx);
	char buf[512];
	int n;

	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		n = SSL_read(ssl, buf, sizeof(buf) - 1);
		if (n > 0 && strncmp(buf, "QUIT", 4) == 0)
			SSL_write(ssl, "221 2.0.0 bye\r\n", 15);
		SSL_shutdown(ssl);
	}
	SSL_free(ssl);
}

static void
serve(struct fake_srv *s, int fd)
{
	char line[1024];
	bool starttls = s->mode != FAKE_NO_STARTTLS;
	size_t i;

	switch (s->mode) {
	case FAKE_421:
		say(fd, "421 4.3.2 Service not available, come back later\r\n");
		return;
	case FAKE_ENDLESS_BANNER: {
		char chunk[1024];

		memset(chunk, 'a', sizeof(chunk));
		say(fd, "220 ");
		for (i = 0; i < FAKE_ENDLESS_MAX / sizeof(chunk); i++)
			if (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) <= 0)
				return;
		return;
	}
	case FAKE_TARPIT: {
		const char *g = "220 mx.test ESMTP a very slow greeting "
		    "indeed, one byte per second\r\n";

		for (i = 0; i < FAKE_TARPIT_MAX && g[i] != '\0'; i++) {
			if (send(fd, g + i, 1, MSG_NOSIGNAL) <= 0 ||
			    atomic_load(&s->stop))
				return;
			sleep(1);
		}
		return;
	}
	default:
		break;
	}
	say(fd, "220 mx.test ESMTP fake\r\n");
	if (!read_line(fd, line, sizeof(line)) || strncmp(line, "EHLO ", 5))
		return;
	if (s->mode == FAKE_DROP_EHLO)
		return;
	say(fd, "250-mx.test greets you\r\n250-PIPELINING\r\n"
	    "250-SIZE 10240000\r\n");
	say(fd, starttls ? "250-STARTTLS\r\n250 8BITMIME\r\n" :
	    "250 8BITMIME\r\n");
	if (!read_line(fd, line, sizeof(line)))
		return;
	if (strncmp(line, "QUIT", 4) == 0) {
		say(fd, "221 2.0.0 bye\r\n");
		return;
	}
	if (strncmp(line, "STARTTLS", 8) != 0)
		return;
	switch (s->mode) {
	case FAKE_454:
		say(fd, "454 4.7.0 TLS not available due to local problem\r\n");
		if (read_line(fd, line, sizeof(line)))
			say(fd, "221 2.0.0 bye\r\n");
		return;
	case FAKE_GARBAGE:
		say(fd, "220 2.0.0 Ready to start TLS\r\n");
		/* After the client's ClientHello, not TLS at all. */
		usleep(50000);
		say(fd, "HTTP/1.0 200 OK\r\nthis is not TLS at all\r\n\r\n");
		(void)read_line(fd, line, sizeof(line));
		return;
	case FAKE_GARBAGE_SAME:
		say(fd, "220 2.0.0 Ready to start TLS\r\ngarbage\r\n");
		(void)read_line(fd, line, sizeof(line));
		return;
	default:
		break;
	}
	say(fd, "220 2.0.0 Ready to start TLS\r\n");
	tls_part(s, fd);
}

static void *
run(void *arg)
{
	struct fake_srv *s = arg;

	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = { .fd = s->lfd, .events = POLLIN };
		struct timeval tv = { .tv_sec = FAKE_IO_TIMEOUT_S };
		int fd;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		atomic_fetch_add(&s->conns, 1);
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		serve(s, fd);
		close(fd);
	}
	return NULL;
}

struct fake_srv *
fake_srv_start(const char *ip, enum fake_mode mode, SSL_CTX *ctx)
{
	return fake_srv_start_port(ip, 0, mode, ctx);
}

struct fake_srv *
fake_srv_start_port(const char *ip, uint16_t port, enum fake_mode mode,
	SSL_CTX *ctx)
{
	struct fake_srv *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	bool v6 = strchr(ip, ':') != NULL;
	socklen_t sl = v6 ? sizeof(*sin6) : sizeof(*sin);
	int one = 1;

	s->mode = mode;
	s->ctx = ctx;
	s->lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC,
	    0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6) {
		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, ip, &sin6->sin6_addr);
		sin6->sin6_port = htons(port);
	} else {
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, ip, &sin->sin_addr);
		sin->sin_port = htons(port);
	}
	if (bind(s->lfd, (struct sockaddr *)&ss, sl) != 0 ||
	    listen(s->lfd, 64) != 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&ss, &sl) != 0) {
		perror("fake_srv_start");
		exit(1);
	}
	s->port = ntohs(v6 ? sin6->sin6_port : sin->sin_port);
	pthread_create(&s->th, NULL, run, s);
	return s;
}

uint16_t
fake_srv_port(const struct fake_srv *s)
{
	return s->port;
}

unsigned
fake_srv_conns(struct fake_srv *s)
{
	return atomic_load(&s->conns);
}

void
fake_srv_stop(struct fake_srv *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->th, NULL);
	close(s->lfd);
	free(s);
}

EVP_PKEY *
fake_key(void)
{
	return EVP_EC_gen("P-256");
}

X509 *
fake_cert(EVP_PKEY *key, const char *cn, const char *dns, bool ca,
	X509 *issuer, EVP_PKEY *ikey)
{
	static long serial = 1;
	X509 *c = X509_new();
	X509_NAME *n = X509_NAME_new();
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	char san[300];

	X509_set_version(c, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(c), serial++);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_subject_name(c, n);
	X509_set_issuer_name(c, issuer != NULL ?
	    X509_get_subject_name(issuer) : n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(c), -86400);
	X509_gmtime_adj(X509_getm_notAfter(c), 30L * 86400);
	X509_set_pubkey(c, key);
	X509V3_set_ctx(&v3, issuer != NULL ? issuer : c, c, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
	    ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(c, ext, -1);
	X509_EXTENSION_free(ext);
	if (ca) {
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_key_usage,
		    "critical,keyCertSign,cRLSign");
		X509_add_ext(c, ext, -1);
		X509_EXTENSION_free(ext);
	}
	if (dns != NULL) {
		snprintf(san, sizeof(san), "DNS:%s", dns);
		ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
		X509_add_ext(c, ext, -1);
		X509_EXTENSION_free(ext);
	}
	X509_sign(c, ikey != NULL ? ikey : key, EVP_sha256());
	return c;
}

SSL_CTX *
fake_server_ctx(X509 *leaf, EVP_PKEY *key, X509 *chain)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	SSL_CTX_use_certificate(ctx, leaf);
	SSL_CTX_use_PrivateKey(ctx, key);
	if (chain != NULL) {
		X509_up_ref(chain);
		SSL_CTX_add0_chain_cert(ctx, chain);
	}
	return ctx;
}

void
fake_digest(X509 *c, int selector, uint8_t out[32])
{
	unsigned char *der = NULL;
	int len = selector == 1 ? i2d_PUBKEY(X509_get0_pubkey(c), &der) :
	    i2d_X509(c, &der);
	unsigned int olen = 32;

	EVP_Digest(der, (size_t)len, out, &olen, EVP_sha256(), NULL);
	OPENSSL_free(der);
}
