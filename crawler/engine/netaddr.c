/*
 * netaddr.c - the crawler's IP address type (netaddr.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "netaddr.h"

/* Longest address text looked at: an IPv6 address in full (45). */
#define NETADDR_MAX_TEXT 45

int
netaddr_from_bytes(const uint8_t *b, size_t len, struct netaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (len == 4)
		out->af = NETADDR_V4;
	else if (len == 16)
		out->af = NETADDR_V6;
	else
		return -1;
	memcpy(out->b, b, len);
	return 0;
}

int
netaddr_parse(const char *s, size_t len, struct netaddr *out)
{
	char buf[NETADDR_MAX_TEXT + 1];
	uint8_t b[16];

	if (s == NULL || len == 0 || len > NETADDR_MAX_TEXT ||
	    memchr(s, '\0', len) != NULL)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, b) == 1)
		return netaddr_from_bytes(b, 4, out);
	if (inet_pton(AF_INET6, buf, b) == 1)
		return netaddr_from_bytes(b, 16, out);
	return -1;
}

int
netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;

		return netaddr_from_bytes((const uint8_t *)&s->sin_addr, 4,
		    out);
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s =
		    (const struct sockaddr_in6 *)sa;

		return netaddr_from_bytes(s->sin6_addr.s6_addr, 16, out);
	}
	return -1;
}

size_t
netaddr_to_sockaddr(const struct netaddr *a, uint16_t port,
    struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	if (a->af == NETADDR_V4) {
		struct sockaddr_in *s = (struct sockaddr_in *)out;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, a->b, 4);
		return sizeof(*s);
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)out;

		s->sin6_family = AF_INET6;
		s->sin6_port = htons(port);
		memcpy(&s->sin6_addr, a->b, 16);
		return sizeof(*s);
	}
}

void
netaddr_format(const struct netaddr *a, char *buf, size_t len)
{
	if (inet_ntop(a->af == NETADDR_V4 ? AF_INET : AF_INET6, a->b, buf,
	    (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
}

size_t
netaddr_len(const struct netaddr *a)
{
	return a->af == NETADDR_V4 ? 4 : 16;
}

bool
netaddr_equal(const struct netaddr *a, const struct netaddr *b)
{
	return a->af == b->af && memcmp(a->b, b->b, netaddr_len(a)) == 0;
}

void
netaddr_unmap(const struct netaddr *a, struct netaddr *out)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };

	struct netaddr in = *a;		/* out may be a */

	if (in.af == NETADDR_V6 && memcmp(in.b, mapped, sizeof(mapped)) == 0)
		(void)netaddr_from_bytes(in.b + 12, 4, out);
	else
		*out = in;
}
