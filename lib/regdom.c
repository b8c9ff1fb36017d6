/*
 * regdom.c - registrable domains with libpsl (regdom.h).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpsl.h>

#include "dname.h"
#include "list.h"
#include "regdom.h"
#include "util.h"

/* Where Debian's publicsuffix package puts the list libpsl reads. */
#define REGDOM_DEFAULT_FILE "/usr/share/publicsuffix/public_suffix_list.dafsa"

struct regdom {
	psl_ctx_t *psl;
	char *source;
};

struct regdom *
regdom_new(const char *path, char *err, size_t errlen)
{
	struct regdom *rd;
	psl_ctx_t *psl;

	if (path == NULL) {
		path = psl_dist_filename();
		if (path == NULL || path[0] == '\0')
			path = REGDOM_DEFAULT_FILE;
	}
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "Public Suffix List %s: %s (install the "
		    "Debian package publicsuffix, or run scripts/deps)", path,
		    strerror(errno));
		return NULL;
	}
	psl = psl_load_file(path);
	/* A sanity check: psl_suffix_count() is unknown for a DAFSA file. */
	if (psl == NULL ||
	    !psl_is_public_suffix2(psl, "co.uk", PSL_TYPE_ICANN)) {
		psl_free(psl);
		snprintf(err, errlen, "Public Suffix List %s: libpsl cannot "
		    "read it", path);
		return NULL;
	}
	rd = xcalloc(1, sizeof(*rd));
	rd->psl = psl;
	rd->source = xstrdup(path);
	return rd;
}

void
regdom_free(struct regdom *rd)
{
	if (rd == NULL)
		return;
	psl_free(rd->psl);
	free(rd->source);
	free(rd);
}

const char *
regdom_source(const struct regdom *rd)
{
	return rd->source;
}

bool
regdom_is_suffix(const struct regdom *rd, const char *name)
{
	return psl_is_public_suffix2(rd->psl, name, PSL_TYPE_ICANN) != 0;
}

bool
regdom_map(const struct regdom *rd, const char *name, char *out,
    size_t outlen)
{
	const char *p = name, *prev = NULL;
	size_t n;

	/*
	 * The longest public suffix is the leftmost one: walk the label
	 * boundaries left to right; the registrable domain is that suffix
	 * with the label before it.
	 */
	for (;;) {
		if (psl_is_public_suffix2(rd->psl, p, PSL_TYPE_ICANN))
			break;
		prev = p;
		p = strchr(p, '.');
		if (p == NULL)
			break; /* not reached: a last label is a suffix ("*") */
		p++;
	}
	if (p == NULL || prev == NULL)
		prev = name; /* a public suffix itself: kept */
	n = strlen(prev);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, prev, n);
	out[n] = '\0';
	return prev != name;
}

static int
map_cb(void *arg, const char *name, char *out, size_t outlen)
{
	regdom_map(arg, name, out, outlen);
	return 0;
}

static void
free_cb(void *arg)
{
	regdom_free(arg);
}

int
regdom_attach(struct list_reader *r, char *err, size_t errlen)
{
	struct regdom *rd = regdom_new(NULL, err, errlen);

	if (rd == NULL)
		return -1;
	list_set_map(r, map_cb, free_cb, rd);
	return 0;
}
