/*
 * tls_floor.c - the reference for the crawler's TLS cost (scripts/bench
 * cost): what OpenSSL alone spends on one verified full handshake.
 *
 *   tls_floor CA_FILE < HOSTS
 *
 * HOSTS: lines "name address" (IPv4).  For each: a blocking TCP connect
 * to address:443, a TLS handshake with SNI = name (OpenSSL's defaults,
 * ALPN h2/http/1.1), the served chain verified against CA_FILE with the
 * host name checked (SSL_VERIFY_PEER, as a browser would), then the
 * connection freed.  Nothing else: no event loop, no DNS, no HTTP.
 * Prints one line: "handshakes N failed N cpu_s S us_per_handshake U",
 * CPU being user+sys of this process (getrusage), kernel work on the
 * loopback path included, as it is for the crawler.
 *
 * Not a test: a benchmark helper, like bench_rpki.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

static double
cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
tcp_connect(const char *addr)
{
	struct sockaddr_in sin;
	struct timeval tv = { 5, 0 };
	int fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(443);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	/* Every read and write is bounded in time. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static const unsigned char alpn[] = "\x02h2\x08http/1.1";
	char line[512], name[256], addr[64];
	unsigned long n = 0, failed = 0;
	double t0, cpu;
	SSL_CTX *ctx;

	if (argc != 2) {
		fprintf(stderr, "usage: tls_floor CA_FILE < HOSTS\n");
		return 2;
	}
	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || SSL_CTX_load_verify_locations(ctx, argv[1],
	    NULL) != 1) {
		fprintf(stderr, "tls_floor: %s: cannot load the CA file\n",
		    argv[1]);
		return 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	t0 = cpu_seconds();
	while (fgets(line, sizeof(line), stdin) != NULL) {
		SSL *s;
		int fd;

		if (sscanf(line, "%255s %63s", name, addr) != 2)
			continue;
		n++;
		fd = tcp_connect(addr);
		if (fd < 0) {
			failed++;
			continue;
		}
		s = SSL_new(ctx);
		SSL_set_tlsext_host_name(s, name);
		SSL_set1_host(s, name);
		SSL_set_alpn_protos(s, alpn, sizeof(alpn) - 1);
		SSL_set_fd(s, fd);
		if (SSL_connect(s) != 1 || SSL_get_verify_result(s) != X509_V_OK)
			failed++;
		ERR_clear_error();
		SSL_free(s);
		close(fd);
	}
	cpu = cpu_seconds() - t0;
	printf("handshakes %lu failed %lu cpu_s %.3f us_per_handshake %.1f\n",
	    n, failed, cpu, n > 0 ? cpu * 1e6 / (double)n : 0.0);
	SSL_CTX_free(ctx);
	return failed == n && n > 0 ? 1 : 0;
}
