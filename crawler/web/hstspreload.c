/*
 * hstspreload.c - HSTS preload-list membership (hstspreload.h).
 *
 * The force-https names are kept lower-case, without a trailing dot, in
 * one sorted array; a lookup is a binary search for the host and then
 * for each parent (at most a name's labels, 127).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "hstspreload.h"
#include "util.h"

struct preload_entry {
	char *name;
	bool subdomains;
};

struct hsts_preload {
	struct preload_entry *e;
	size_t n;		/* force-https entries kept */
	size_t total;		/* entries in the file */
	uint64_t bytes;
	char sha256[65];
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct preload_entry *)a)->name,
	    ((const struct preload_entry *)b)->name);
}

/* buf without its "//" comment lines (each blanked to keep line numbers
 * right in jansson's errors), NUL-terminated; the caller frees it. */
static char *
strip_comments(const char *buf, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t i = 0;

	memcpy(out, buf, len);
	out[len] = '\0';
	while (i < len) {
		size_t j = i, e;

		while (j < len && (out[j] == ' ' || out[j] == '\t'))
			j++;
		for (e = j; e < len && out[e] != '\n'; e++)
			;
		if (e - j >= 2 && out[j] == '/' && out[j + 1] == '/')
			memset(out + i, ' ', e - i);
		i = e + 1;
	}
	return out;
}

/* name as kept: lower-case, no trailing dot; false when it is no name. */
static bool
norm_name(const char *in, char *out, size_t cap)
{
	size_t n = strlen(in), i;

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n == 0 || n > HSTS_PRELOAD_MAX_NAME || n + 1 > cap)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c <= ' ' || c >= 0x7f)
			return false;
		out[i] = ascii_lower((char)c);
	}
	out[n] = '\0';
	return true;
}

struct hsts_preload *
hsts_preload_parse(const char *buf, size_t len, char *err, size_t errlen)
{
	struct hsts_preload *p;
	char *text;
	json_t *root, *entries;
	json_error_t je;
	size_t i;

	if (len > HSTS_PRELOAD_MAX_BYTES) {
		snprintf(err, errlen, "over %u bytes", HSTS_PRELOAD_MAX_BYTES);
		return NULL;
	}
	text = strip_comments(buf, len);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	free(text);
	if (root == NULL) {
		snprintf(err, errlen, "not JSON at line %d: %s", je.line,
		    je.text);
		return NULL;
	}
	entries = json_is_object(root) ? json_object_get(root, "entries") :
	    NULL;
	if (!json_is_array(entries)) {
		snprintf(err, errlen, "no \"entries\" array in a top-level "
		    "object");
		json_decref(root);
		return NULL;
	}
	if (json_array_size(entries) > HSTS_PRELOAD_MAX_ENTRIES) {
		snprintf(err, errlen, "%zu entries, over %u",
		    json_array_size(entries), HSTS_PRELOAD_MAX_ENTRIES);
		json_decref(root);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->total = json_array_size(entries);
	p->e = xcalloc(p->total ? p->total : 1, sizeof(*p->e));
	for (i = 0; i < p->total; i++) {
		json_t *e = json_array_get(entries, i);
		json_t *name = json_object_get(e, "name");
		json_t *mode = json_object_get(e, "mode");
		json_t *sub = json_object_get(e, "include_subdomains");
		char nb[HSTS_PRELOAD_MAX_NAME + 1];

		if (!json_is_object(e) || !json_is_string(name) ||
		    !norm_name(json_string_value(name), nb, sizeof(nb))) {
			snprintf(err, errlen, "entry %zu: no host name in "
			    "\"name\"", i);
			goto fail;
		}
		if (mode != NULL && !json_is_string(mode)) {
			snprintf(err, errlen, "entry %zu (%s): \"mode\" is not "
			    "a string", i, nb);
			goto fail;
		}
		if (sub != NULL && !json_is_boolean(sub)) {
			snprintf(err, errlen, "entry %zu (%s): "
			    "\"include_subdomains\" is not true or false", i,
			    nb);
			goto fail;
		}
		if (mode == NULL ||
		    strcmp(json_string_value(mode), "force-https") != 0)
			continue;	/* pinning only: not HSTS */
		p->e[p->n].name = xstrdup(nb);
		p->e[p->n].subdomains = sub != NULL && json_is_true(sub);
		p->n++;
	}
	json_decref(root);
	qsort(p->e, p->n, sizeof(*p->e), entry_cmp);
	p->bytes = len;
	{
		unsigned char md[32];
		unsigned int mdlen = 0;

		EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL);
		for (i = 0; i < 32; i++)
			snprintf(p->sha256 + 2 * i, 3, "%02x", md[i]);
	}
	return p;
fail:
	json_decref(root);
	hsts_preload_free(p);
	return NULL;
}

struct hsts_preload *
hsts_preload_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	struct hsts_preload *p;
	char *buf;
	size_t n;

	if (f == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "not a regular file");
		fclose(f);
		return NULL;
	}
	if ((uint64_t)st.st_size > HSTS_PRELOAD_MAX_BYTES) {
		snprintf(err, errlen, "%llu bytes, over %u",
		    (unsigned long long)st.st_size, HSTS_PRELOAD_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	buf = xmalloc((size_t)st.st_size + 1);
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f)) {
		snprintf(err, errlen, "read: %s", strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	p = hsts_preload_parse(buf, n, err, errlen);
	free(buf);
	return p;
}

void
hsts_preload_free(struct hsts_preload *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->e[i].name);
	free(p->e);
	free(p);
}

static const struct preload_entry *
find(const struct hsts_preload *p, const char *name)
{
	struct preload_entry key = { (char *)name, false };

	return bsearch(&key, p->e, p->n, sizeof(*p->e), entry_cmp);
}

bool
hsts_preload_has(const struct hsts_preload *p, const char *host)
{
	char nb[HSTS_PRELOAD_MAX_NAME + 1];
	const struct preload_entry *e;
	const char *s;

	if (p == NULL || host == NULL || !norm_name(host, nb, sizeof(nb)))
		return false;
	if (find(p, nb) != NULL)
		return true;
	for (s = strchr(nb, '.'); s != NULL; s = strchr(s + 1, '.')) {
		e = find(p, s + 1);
		if (e != NULL && e->subdomains)
			return true;
	}
	return false;
}

size_t
hsts_preload_count(const struct hsts_preload *p)
{
	return p->n;
}

size_t
hsts_preload_entries(const struct hsts_preload *p)
{
	return p->total;
}

uint64_t
hsts_preload_bytes(const struct hsts_preload *p)
{
	return p->bytes;
}

const char *
hsts_preload_sha256(const struct hsts_preload *p)
{
	return p->sha256;
}
