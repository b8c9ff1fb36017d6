/*
 * stats_group.c - what a row is grouped by: key names, the country of a
 * ccTLD, and the --meta file of domain labels.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "dname.h"
#include "log.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#define META_MAX_SECTOR 64	/* bytes of a sector label */
/* Bytes of an organisation: uptake_lists.c's bound (LISTS_MAX_ORG) on the
 * bundled lists' organisation column; a group label keeps the first
 * STATS_MAX_LABEL bytes of it. */
#define META_MAX_ORGANISATION 512
#define META_MAX_LABELS 65536	/* distinct country, sector and
				   organisation labels */

static const char *const key_names[STATS_KEY_COUNT] = {
	[STATS_KEY_COUNTRY] = "country",
	[STATS_KEY_SECTOR] = "sector",
	[STATS_KEY_LIST] = "list",
	[STATS_KEY_TLD] = "tld",
	[STATS_KEY_HOSTING_COUNTRY] = "hosting-country",
	[STATS_KEY_ASN] = "asn",
	[STATS_KEY_NS_OPERATOR] = "ns_operator",
	[STATS_KEY_MX_OPERATOR] = "mx_operator",
	[STATS_KEY_HOSTING_ASN] = "hosting_asn",
	[STATS_KEY_ORGANISATION] = "organisation",
};

bool
stats_key_is_operator(enum stats_key k)
{
	return k == STATS_KEY_NS_OPERATOR || k == STATS_KEY_MX_OPERATOR ||
	    k == STATS_KEY_HOSTING_ASN;
}

const char *
stats_key_name(enum stats_key k)
{
	return k < STATS_KEY_COUNT ? key_names[k] : "?";
}

int
stats_keys_parse(const char *s, enum stats_key *keys, size_t *nkeys,
    char *err, size_t errlen)
{
	char *copy = xstrdup(s), *save = NULL;
	int rc = 0;

	*nkeys = 0;
	for (char *t = strtok_r(copy, ",", &save); t && rc == 0;
	    t = strtok_r(NULL, ",", &save)) {
		size_t k;
		for (k = 0; k < STATS_KEY_COUNT; k++)
			if (strcmp(t, key_names[k]) == 0)
				break;
		if (k == STATS_KEY_COUNT) {
			snprintf(err, errlen, "--by: unknown key '%s' (one of country, sector, list, tld, hosting-country, asn, ns_operator, mx_operator, hosting_asn, organisation)",
			    t);
			rc = -1;
			break;
		}
		for (size_t j = 0; j < *nkeys; j++)
			if (keys[j] == (enum stats_key)k) {
				snprintf(err, errlen, "--by: '%s' given twice",
				    t);
				rc = -1;
			}
		for (size_t j = 0; j < *nkeys && rc == 0; j++)
			if (stats_key_is_operator(keys[j]) &&
			    stats_key_is_operator((enum stats_key)k)) {
				snprintf(err, errlen, "--by: one operator key "
				    "at a time ('%s' and '%s')",
				    key_names[keys[j]], t);
				rc = -1;
			}
		if (rc == 0 && *nkeys == STATS_MAX_KEYS) {
			snprintf(err, errlen, "--by: at most %d keys",
			    STATS_MAX_KEYS);
			rc = -1;
		}
		if (rc == 0)
			keys[(*nkeys)++] = (enum stats_key)k;
	}
	if (rc == 0 && *nkeys == 0) {
		snprintf(err, errlen, "--by: no key given");
		rc = -1;
	}
	free(copy);
	return rc;
}

int
stats_metrics_parse(const char *s, bool *wanted, char *err, size_t errlen)
{
	char *copy = xstrdup(s), *save = NULL;
	size_t n = 0;
	int rc = 0;

	for (char *t = strtok_r(copy, ",", &save); t;
	    t = strtok_r(NULL, ",", &save)) {
		int m = metric_find(t);
		if (m < 0) {
			snprintf(err, errlen, "--metrics: unknown metric '%s' (uptake-stats --list-metrics lists them)",
			    t);
			rc = -1;
			break;
		}
		wanted[m] = true;
		n++;
	}
	if (rc == 0 && n == 0) {
		snprintf(err, errlen, "--metrics: no metric named");
		rc = -1;
	}
	free(copy);
	return rc;
}

static const char *const csrc_names[STATS_CSRC_COUNT] = {
	[STATS_CSRC_META] = "meta",
	[STATS_CSRC_CCTLD] = "cctld",
	[STATS_CSRC_HOSTING] = "hosting",
	[STATS_CSRC_NONE] = "none",
};

const char *
stats_csrc_name(enum stats_csrc s)
{
	return s < STATS_CSRC_COUNT ? csrc_names[s] : "?";
}

int
stats_csrc_parse(const char *s, enum stats_csrc *out)
{
	for (int i = 0; i < STATS_CSRC_NONE; i++)
		if (strcmp(s, csrc_names[i]) == 0) {
			*out = (enum stats_csrc)i;
			return 0;
		}
	return -1;
}

/*
 * Two-letter TLDs that say nothing about a country: eu (a union, not in
 * ISO 3166-1 as a country) and the ccTLDs sold for generic use (the list
 * search engines treat as generic, plus ai).  su is a Soviet-era code.
 */
static const char *const generic_cc[] = { "ad", "ai", "as", "bz", "cc", "cd",
	"co", "dj", "eu", "fm", "io", "la", "me", "ms", "nu", "sc", "sr", "su",
	"tk", "tv", "ws" };

bool
stats_cctld_country(const char *tld, size_t len, char cc[3])
{
	if (len != 2 || !islower((unsigned char)tld[0]) ||
	    !islower((unsigned char)tld[1]))
		return false;
	for (size_t i = 0; i < sizeof(generic_cc) / sizeof(generic_cc[0]); i++)
		if (tld[0] == generic_cc[i][0] && tld[1] == generic_cc[i][1])
			return false;
	if (tld[0] == 'u' && tld[1] == 'k') {
		memcpy(cc, "GB", 3);
		return true;
	}
	cc[0] = (char)toupper((unsigned char)tld[0]);
	cc[1] = (char)toupper((unsigned char)tld[1]);
	cc[2] = '\0';
	return true;
}

/* The meta file. */

struct meta_entry {
	uint32_t country;	/* label index */
	uint32_t sector;
	uint32_t organisation;
	uint32_t line;
};

struct stats_meta {
	struct stats_strmap *domains;	/* domain -> entry index */
	struct meta_entry *entries;
	size_t nentries, cap;
	struct stats_strmap *label_ix;	/* label -> index */
	char **labels;
	size_t nlabels;
};

static uint32_t
meta_label(struct stats_meta *m, const char *s)
{
	bool ins;
	uint32_t *v = stats_strmap_put(m->label_ix, s, strlen(s), &ins);

	if (ins) {
		m->labels = xreallocarray(m->labels, m->nlabels + 1,
		    sizeof(*m->labels));
		m->labels[m->nlabels] = xstrdup(s);
		*v = (uint32_t)m->nlabels++;
	}
	return *v;
}

/*
 * Normalise a domain into out (DNAME_BUF_SIZE) with the crawler's own
 * normaliser (lib/dname.h: case, trailing dot, U-labels to A-labels), so
 * that a file written in Unicode or upper case labels the rows whose
 * `domain` column holds the normal form.  Returns false with why (in
 * whylen bytes) when it is not a domain name.
 */
static bool
norm_domain(const char *d, char *out, char *why, size_t whylen)
{
	enum dname_error e;

	for (const char *p = d; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c == 0x7f || c == ',' || c == '"') {
			snprintf(why, whylen, "domain with a space, control "
			    "character, comma or quote");
			return false;
		}
	}
	e = dname_normalize(d, strlen(d), out, DNAME_BUF_SIZE);
	if (e == DNAME_EMPTY)
		snprintf(why, whylen, "empty domain");
	else if (e == DNAME_TOO_LONG)
		snprintf(why, whylen, "domain longer than %d characters",
		    DNAME_MAX_LEN);
	else if (e != DNAME_OK)
		snprintf(why, whylen, "'%.80s' is not a domain name (%s)", d,
		    dname_error_str(e));
	return e == DNAME_OK;
}

/* Format the message (its arguments may point into the record), then free. */
__attribute__((format(printf, 5, 6))) static struct stats_meta *
meta_fail(struct stats_meta *m, struct csv_file *cf, char *err,
    size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	csv_file_close(cf);
	stats_meta_free(m);
	return NULL;
}

/*
 * Check a row's labels and put the country in normal form (upper case, UK
 * as GB) in place.  cc is empty or two letters; sec is short and free of
 * control characters.  Returns false with why (in whylen bytes).
 */
static bool
norm_labels(char *cc, const char *sec, char *why, size_t whylen)
{
	if (*cc && (strlen(cc) != 2 || !isalpha((unsigned char)cc[0]) ||
	    !isalpha((unsigned char)cc[1]))) {
		snprintf(why, whylen, "country '%.40s' is not a two-letter "
		    "ISO 3166-1 code", cc);
		return false;
	}
	/* cc may be the empty string of a file without a country column
	 * (a constant): nothing is written to it then. */
	if (*cc) {
		cc[0] = (char)toupper((unsigned char)cc[0]);
		cc[1] = (char)toupper((unsigned char)cc[1]);
	}
	if (strcmp(cc, "UK") == 0)
		memcpy(cc, "GB", 2);
	if (strlen(sec) > META_MAX_SECTOR) {
		snprintf(why, whylen, "sector longer than %d bytes",
		    META_MAX_SECTOR);
		return false;
	}
	for (const char *p = sec; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			snprintf(why, whylen, "control character in sector");
			return false;
		}
	return true;
}

/* Columns of the meta file; the default order when it has no header. */
struct meta_cols {
	int domain, country, sector;	/* -1: not in the file */
	int organisation;		/* -1: not in the file */
	int n;				/* fields a row has */
};

/*
 * The first line, when it names a domain column, is the header: its
 * columns into c.  Returns 1 for a header, 0 for a data line, -1 for a
 * header with neither country nor sector.
 */
static int
meta_header(char **f, int n, struct meta_cols *c)
{
	int d = -1, cc = -1, s = -1, o = -1;

	for (int i = 0; i < n; i++) {
		if (strcasecmp(f[i], "domain") == 0)
			d = i;
		else if (strcasecmp(f[i], "country") == 0)
			cc = i;
		else if (strcasecmp(f[i], "sector") == 0)
			s = i;
		else if (strcasecmp(f[i], "organisation") == 0)
			o = i;
	}
	if (d < 0)
		return 0;
	if (cc < 0 && s < 0)
		return -1;
	c->domain = d;
	c->country = cc;
	c->sector = s;
	c->organisation = o;
	c->n = n;
	return 1;
}

struct stats_meta *
stats_meta_load(const char *path, char *err, size_t errlen)
{
	struct csv_file *cf = csv_file_open(path, err, errlen);
	struct stats_meta *m;
	char **f;
	int n, rc;
	unsigned long lineno = 0;
	struct meta_cols col = { 0, 1, 2, -1, 3 };
	bool first = true;

	if (cf == NULL)
		return NULL;
	m = xcalloc(1, sizeof(*m));
	m->domains = stats_strmap_new();
	m->label_ix = stats_strmap_new();
	meta_label(m, "");
	while ((rc = csv_file_next(cf, &f, &n, err, errlen)) != 0) {
		if (rc < 0) {	/* err says where and what */
			csv_file_close(cf);
			stats_meta_free(m);
			return NULL;
		}
		lineno = csv_file_line(cf);
		for (int i = 0; i < n; i++)
			f[i] = csv_trim(f[i]);
		if (first) {
			first = false;
			rc = meta_header(f, n, &col);
			if (rc < 0)
				return meta_fail(m, cf, err, errlen,
				    "%s:%lu: the header names no country or sector column",
				    path, lineno);
			if (rc > 0)
				continue;
		}
		if (n != col.n) {
			return meta_fail(m, cf, err, errlen,
			    "%s:%lu: %d fields, expected %d (domain,country,sector)",
			    path, lineno, n, col.n);
		}
		char dom[DNAME_BUF_SIZE], dwhy[128];
		if (!norm_domain(f[col.domain], dom, dwhy, sizeof(dwhy))) {
			return meta_fail(m, cf, err, errlen, "%s:%lu: %s",
			    path, lineno, dwhy);
		}
		char *cc = col.country >= 0 ? f[col.country] : "";
		char *sec = col.sector >= 0 ? f[col.sector] : "";
		if (!norm_labels(cc, sec, dwhy, sizeof(dwhy)))
			return meta_fail(m, cf, err, errlen, "%s:%lu: %s",
			    path, lineno, dwhy);
		const char *org = col.organisation >= 0 ?
		    f[col.organisation] : "";
		if (strlen(org) > META_MAX_ORGANISATION)
			return meta_fail(m, cf, err, errlen,
			    "%s:%lu: organisation longer than %d bytes", path,
			    lineno, META_MAX_ORGANISATION);
		for (const char *q = org; *q; q++)
			if ((unsigned char)*q < ' ' || *q == 0x7f)
				return meta_fail(m, cf, err, errlen,
				    "%s:%lu: control character in organisation",
				    path, lineno);
		if (m->nlabels + 3 > META_MAX_LABELS) {
			return meta_fail(m, cf, err, errlen,
			    "%s:%lu: more than %d distinct labels", path,
			    lineno, META_MAX_LABELS);
		}
		uint32_t ci = meta_label(m, cc), si = meta_label(m, sec);
		uint32_t oi = meta_label(m, org);
		bool ins;
		uint32_t *v = stats_strmap_put(m->domains, dom, strlen(dom),
		    &ins);
		if (!ins) {
			struct meta_entry *e = &m->entries[*v];
			if (e->country != ci || e->sector != si ||
			    e->organisation != oi) {
				unsigned long prev = e->line;
				return meta_fail(m, cf, err, errlen,
				    "%s:%lu: domain %s is on line %lu with other labels",
				    path, lineno, dom, prev);
			}
			continue;
		}
		if (m->nentries == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 1024;
			m->entries = xreallocarray(m->entries, m->cap,
			    sizeof(*m->entries));
		}
		m->entries[m->nentries] = (struct meta_entry){ ci, si, oi,
			(uint32_t)lineno };
		*v = (uint32_t)m->nentries++;
	}
	csv_file_close(cf);
	if (m->nentries == 0)
		return meta_fail(m, NULL, err, errlen,
		    "%s: no domains (expected lines domain,country,sector)",
		    path);
	return m;
}

size_t
stats_meta_count(const struct stats_meta *m)
{
	return m->nentries;
}

bool
stats_meta_lookup(const struct stats_meta *m, const char *domain, size_t len,
    const char **country, const char **sector)
{
	uint32_t *v = stats_strmap_get(m->domains, domain, len);

	if (v == NULL)
		return false;
	*country = m->labels[m->entries[*v].country];
	*sector = m->labels[m->entries[*v].sector];
	return true;
}

const char *
stats_meta_organisation(const struct stats_meta *m, const char *domain,
    size_t len)
{
	uint32_t *v = stats_strmap_get(m->domains, domain, len);

	return v ? m->labels[m->entries[*v].organisation] : NULL;
}

void
stats_meta_free(struct stats_meta *m)
{
	if (m == NULL)
		return;
	stats_strmap_free(m->domains);
	stats_strmap_free(m->label_ix);
	for (size_t i = 0; i < m->nlabels; i++)
		free(m->labels[i]);
	free(m->labels);
	free(m->entries);
	free(m);
}
