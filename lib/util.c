/*
 * util.c - allocation wrappers and bounded number parsing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "log.h"
#include "util.h"

static void
oom(size_t n)
{
	fprintf(stderr, "out of memory allocating %zu bytes\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		fprintf(stderr, "allocation overflow: %zu * %zu\n", nmemb, size);
		abort();
	}
	return xrealloc(p, nmemb * size);
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int
parse_u64(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
parse_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag;
	bool neg = false;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	if (parse_u64(s, len, (uint64_t)INT64_MAX + 1, &mag) != 0)
		return -1;
	if (!neg && mag > (uint64_t)INT64_MAX)
		return -1;
	{
		int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;

		if (v < min || v > max)
			return -1;
		*out = v;
	}
	return 0;
}

uint64_t
now_monotonic_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

bool
ascii_isalpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool
ascii_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

bool
ascii_isxdigit(char c)
{
	return ascii_isdigit(c) || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + ('a' - 'A')) : c;
}

bool
ascii_ieq(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen; i++)
		if (b[i] == '\0' || ascii_lower(a[i]) != ascii_lower(b[i]))
			return false;
	return b[i] == '\0';
}

char *
out_tmp_name(const char *path)
{
	struct stat st;
	size_t len = strlen(path) + 32;
	char *tmp;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return NULL;
	tmp = xmalloc(len);
	snprintf(tmp, len, "%s.tmp%ld", path, (long)getpid());
	return tmp;
}

FILE *
out_open(const char *path, char **tmp)
{
	*tmp = out_tmp_name(path);
	FILE *f = fopen(*tmp ? *tmp : path, "w");
	if (f == NULL)
		fatal(1, "%s: %s", *tmp ? *tmp : path, strerror(errno));
	return f;
}
