/*
 * stats_run.c - count every metric per group over the parts of one or
 * more snapshots.
 *
 * Plan: the footers of all parts are read first (row groups, which
 * columns each has), so a metric whose columns some part lacks is known
 * to be unavailable before counting starts.  The work is then a list of
 * (part, row group) units taken in order by a few threads.  For a unit a
 * thread reads only the columns it needs, turns each STRING column that
 * a condition tests into small codes (dictionary pages repeat the same
 * string pointers, so a tiny pointer cache does most of the work),
 * evaluates every distinct atom of the metric conditions once into a
 * byte mask, combines the masks into each metric's n and k masks, and
 * adds them to per-group counters.  The unit's counters join its part's
 * stage; a stage joins the result only when every unit of the part was
 * read, so a corrupt part never counts in part.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parquet.h"
#include "snapshot.h"
#include "snapshot_dups.h"
#include "stats.h"
#include "stats_int.h"
#include "util.h"

#define CODE_NULL 255		/* code of a null string */
#define CODE_OTHER 254		/* a string no condition names */
#define MAX_LITS 254		/* literals per STRING column */
#define KEYBUF (STATS_MAX_KEYS * (STATS_MAX_LABEL + 1))
/*
 * Rows counted at once: the columns stream one page each (a page of our
 * writer holds up to ~131,072 values), and a batch ends at the first page
 * boundary of any column, so the worker's arrays stay this size at most.
 */
#define BATCH_ROWS ((size_t)1 << 17)

/* A STRING column that conditions compare with literals. */
struct strcol {
	enum schema_col col;
	size_t nlits;
	const char *lits[MAX_LITS];
	size_t lens[MAX_LITS];
};

struct catom {
	const struct metric_atom *a;
	int strcol;		/* index into plan.strcols, or -1 */
	uint8_t lut[256];	/* IN / NOT IN: code -> value */
};

struct cclause {
	size_t n;
	uint16_t atoms[METRIC_MAX_ALT];
};

struct cmetric {
	size_t m;		/* index in the metric table */
	size_t nden, nnum;
	struct cclause den[METRIC_MAX_CLAUSES];
	struct cclause num[METRIC_MAX_CLAUSES];
};

struct plan {
	bool need[SCHEMA_COL_COUNT];	/* columns to read */
	struct catom *atoms;
	size_t natoms;
	struct strcol *strcols;
	size_t nstrcols;
	int strcol_of[SCHEMA_COL_COUNT];
	struct cmetric *cm;
	size_t ncm;
	bool need_meta;		/* meta lookup per row */
};

/* Counters by global group id. */
struct acc {
	size_t cap;
	struct stats_count *c;		/* [cap * nm] */
	uint64_t *rows;			/* [cap] */
	uint64_t (*csrc)[STATS_CSRC_COUNT];
};

struct pinfo {
	char *path;
	size_t source;
	int64_t rows;
	size_t nrg;
	int16_t fcol[SCHEMA_COL_COUNT];	/* file column, -1 when absent */
	char *error;
	bool probed;		/* the footer was read */
	/* Stage: counts of the part's units read so far. */
	pthread_mutex_t mu;
	size_t remaining;
	bool failed;
	struct acc stage;
};

struct unit {
	uint32_t part;
	uint32_t rg;
};

struct run {
	const struct stats_options *o;
	size_t nm;
	struct plan plan;
	struct pinfo *parts;
	size_t nparts;
	struct unit *units;
	size_t nunits;
	atomic_size_t next;
	atomic_bool abort;
	pthread_mutex_t mu;		/* groups, result, first_error */
	struct stats_strmap *gix;	/* key bytes -> group id */
	char **gkeys;			/* [ngroups] key bytes, length-prefixed */
	size_t *gkeylen;
	size_t ngroups, gcap;
	struct acc total;
	char *first_error;
	bool too_many;			/* STATS_MAX_GROUPS reached */
	size_t bad_parts;
	struct snapshot_dups dups;	/* rows to drop (--dedupe keep-first) */
	bool dedupe;			/* dups has rows to drop */
};

struct worker {
	struct run *run;
	pthread_t tid;
	struct parquet_reader *reader;
	size_t reader_part;
	struct parquet_column_data cd[SCHEMA_COL_COUNT];	/* batch views */
	struct parquet_column_reader *cr[SCHEMA_COL_COUNT];
	struct parquet_column_data page[SCHEMA_COL_COUNT];	/* current pages */
	size_t ppos[SCHEMA_COL_COUNT];		/* next row of page[c] */
	struct parquet_column_data nulls;	/* a column a part lacks */
	uint8_t *keep;				/* [cap] row not a duplicate */
	bool use_keep;				/* keep applies to this batch */
	uint8_t *codes[SCHEMA_COL_COUNT];	/* by strcol index */
	uint8_t **masks;			/* by atom */
	uint8_t *den, *num;
	uint32_t *gid;
	uint8_t *src;
	double *w;
	size_t cap;				/* rows of the arrays */
	struct stats_strmap *cache;		/* key bytes -> group id */
	struct acc acc;
	uint32_t *touched;
	size_t ntouched, touched_cap;
	uint8_t *is_touched;
	size_t is_touched_cap;
};

/* Plan. */

static bool
atom_same(const struct metric_atom *a, const struct metric_atom *b)
{
	if (a->col != b->col || a->op != b->op || a->num != b->num ||
	    a->nstrs != b->nstrs)
		return false;
	for (size_t i = 0; i < a->nstrs; i++)
		if (strcmp(a->strs[i], b->strs[i]) != 0)
			return false;
	return true;
}

static int
plan_lit(struct plan *p, enum schema_col col, const char *s, size_t len)
{
	if (p->strcol_of[col] < 0) {
		p->strcols = xreallocarray(p->strcols, p->nstrcols + 1,
		    sizeof(*p->strcols));
		memset(&p->strcols[p->nstrcols], 0, sizeof(*p->strcols));
		p->strcols[p->nstrcols].col = col;
		p->strcol_of[col] = (int)p->nstrcols++;
	}
	struct strcol *sc = &p->strcols[p->strcol_of[col]];
	for (size_t i = 0; i < sc->nlits; i++)
		if (sc->lens[i] == len && memcmp(sc->lits[i], s, len) == 0)
			return (int)i;
	if (sc->nlits == MAX_LITS)
		abort();	/* the table names far fewer */
	sc->lits[sc->nlits] = s;
	sc->lens[sc->nlits] = len;
	return (int)sc->nlits++;
}

static uint16_t
plan_atom(struct plan *p, const struct metric_atom *a)
{
	for (size_t i = 0; i < p->natoms; i++)
		if (atom_same(p->atoms[i].a, a))
			return (uint16_t)i;
	p->atoms = xreallocarray(p->atoms, p->natoms + 1, sizeof(*p->atoms));
	struct catom *c = &p->atoms[p->natoms];
	memset(c, 0, sizeof(*c));
	c->a = a;
	c->strcol = -1;
	return (uint16_t)p->natoms++;
}

static void
plan_expr(struct plan *p, const struct metric_expr *e, struct cclause *out,
    size_t *nout)
{
	*nout = e->nclauses;
	for (size_t i = 0; i < e->nclauses; i++) {
		out[i].n = e->clauses[i].natoms;
		for (size_t j = 0; j < out[i].n; j++)
			out[i].atoms[j] = plan_atom(p,
			    &e->clauses[i].atoms[j]);
	}
}

/* Build lookup tables once every literal of every column is known. */
static void
plan_luts(struct plan *p)
{
	for (size_t i = 0; i < p->natoms; i++) {
		struct catom *c = &p->atoms[i];
		const struct metric_atom *a = c->a;
		if (a->op != METRIC_OP_IN && a->op != METRIC_OP_NOT_IN)
			continue;
		for (size_t j = 0; j < a->nstrs; j++)
			plan_lit(p, a->col, a->strs[j], a->lens[j]);
	}
	for (size_t i = 0; i < p->natoms; i++) {
		struct catom *c = &p->atoms[i];
		const struct metric_atom *a = c->a;
		if (a->op != METRIC_OP_IN && a->op != METRIC_OP_NOT_IN)
			continue;
		c->strcol = p->strcol_of[a->col];
		bool in = a->op == METRIC_OP_IN;
		for (int k = 0; k < 256; k++)
			c->lut[k] = in ? 0 : 1;
		c->lut[CODE_NULL] = 0;
		for (size_t j = 0; j < a->nstrs; j++) {
			int code = plan_lit(p, a->col, a->strs[j], a->lens[j]);
			c->lut[code] = in ? 1 : 0;
		}
	}
}

/* Key columns. */
static void
plan_keys(struct plan *p, const struct stats_options *o)
{
	for (size_t i = 0; i < o->nkeys; i++) {
		switch (o->keys[i]) {
		case STATS_KEY_COUNTRY:
			p->need[SCHEMA_COL_DOMAIN] = true;
			if (o->country_source < 0 ||
			    o->country_source == STATS_CSRC_HOSTING)
				p->need[SCHEMA_COL_HOSTING_COUNTRY] = true;
			if (o->meta && (o->country_source < 0 ||
			    o->country_source == STATS_CSRC_META))
				p->need_meta = true;
			break;
		case STATS_KEY_SECTOR:
		case STATS_KEY_ORGANISATION:
			p->need[SCHEMA_COL_DOMAIN] = true;
			p->need_meta = o->meta != NULL;
			break;
		case STATS_KEY_LIST:
			p->need[SCHEMA_COL_LIST] = true;
			break;
		case STATS_KEY_TLD:
			p->need[SCHEMA_COL_DOMAIN] = true;
			break;
		case STATS_KEY_HOSTING_COUNTRY:
			p->need[SCHEMA_COL_HOSTING_COUNTRY] = true;
			break;
		case STATS_KEY_ASN:
		case STATS_KEY_HOSTING_ASN:
			p->need[SCHEMA_COL_HOSTING_ASN] = true;
			break;
		case STATS_KEY_NS_OPERATOR:
			p->need[SCHEMA_COL_NS_OPERATOR] = true;
			break;
		case STATS_KEY_MX_OPERATOR:
			p->need[SCHEMA_COL_MX_OPERATOR] = true;
			break;
		default:
			break;
		}
	}
	if (o->weight_rank)
		p->need[SCHEMA_COL_RANK] = true;
}

static void
plan_fini(struct plan *p)
{
	free(p->atoms);
	free(p->strcols);
	free(p->cm);
}

/* Counters. */

static void
acc_grow(struct acc *a, size_t need, size_t nm)
{
	size_t cap = a->cap;

	if (need <= cap)
		return;
	while (cap < need)
		cap = cap ? cap * 2 : 64;
	a->c = xreallocarray(a->c, cap * nm, sizeof(*a->c));
	memset(a->c + a->cap * nm, 0, (cap - a->cap) * nm * sizeof(*a->c));
	a->rows = xreallocarray(a->rows, cap, sizeof(*a->rows));
	memset(a->rows + a->cap, 0, (cap - a->cap) * sizeof(*a->rows));
	a->csrc = xreallocarray(a->csrc, cap, sizeof(*a->csrc));
	memset(a->csrc + a->cap, 0, (cap - a->cap) * sizeof(*a->csrc));
	a->cap = cap;
}

static void
acc_fini(struct acc *a)
{
	free(a->c);
	free(a->rows);
	free(a->csrc);
	memset(a, 0, sizeof(*a));
}

/* Add group g of src to dst (dst large enough) and clear it in src. */
static void
acc_move(struct acc *dst, struct acc *src, size_t g, size_t nm)
{
	struct stats_count *d = dst->c + g * nm, *s = src->c + g * nm;

	for (size_t m = 0; m < nm; m++) {
		d[m].n += s[m].n;
		d[m].k += s[m].k;
		d[m].wn += s[m].wn;
		d[m].wk += s[m].wk;
		d[m].wn2 += s[m].wn2;
	}
	memset(s, 0, nm * sizeof(*s));
	dst->rows[g] += src->rows[g];
	src->rows[g] = 0;
	for (int k = 0; k < STATS_CSRC_COUNT; k++) {
		dst->csrc[g][k] += src->csrc[g][k];
		src->csrc[g][k] = 0;
	}
}

/* Groups. */

__attribute__((format(printf, 2, 3))) static void
run_fail(struct run *r, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&r->mu);
	if (r->first_error == NULL)
		r->first_error = xstrdup(msg);
	pthread_mutex_unlock(&r->mu);
	atomic_store(&r->abort, true);
}

/* Global id of key bytes; UINT32_MAX past STATS_MAX_GROUPS. */
static uint32_t
group_intern(struct run *r, const char *key, size_t len)
{
	bool ins;
	uint32_t id;

	pthread_mutex_lock(&r->mu);
	uint32_t *v = stats_strmap_put(r->gix, key, len, &ins);
	if (ins) {
		if (r->ngroups == STATS_MAX_GROUPS) {
			r->too_many = true;
			pthread_mutex_unlock(&r->mu);
			run_fail(r, "more than %d groups: choose fewer or coarser --by keys",
			    STATS_MAX_GROUPS);
			return UINT32_MAX;
		}
		if (r->ngroups == r->gcap) {
			r->gcap = r->gcap ? r->gcap * 2 : 64;
			r->gkeys = xreallocarray(r->gkeys, r->gcap,
			    sizeof(*r->gkeys));
			r->gkeylen = xreallocarray(r->gkeylen, r->gcap,
			    sizeof(*r->gkeylen));
		}
		r->gkeys[r->ngroups] = xmalloc(len ? len : 1);
		memcpy(r->gkeys[r->ngroups], key, len);
		r->gkeylen[r->ngroups] = len;
		*v = (uint32_t)r->ngroups++;
	}
	id = *v;
	pthread_mutex_unlock(&r->mu);
	return id;
}

/* Append one length-prefixed label to a key buffer. */
static size_t
key_put(char *buf, size_t len, const void *s, size_t n)
{
	if (n > STATS_MAX_LABEL)
		n = STATS_MAX_LABEL;
	buf[len++] = (char)n;
	memcpy(buf + len, s, n);
	return len + n;
}

#define KEY_LIT(buf, len, lit) key_put(buf, len, lit, sizeof(lit) - 1)

/*
 * Append row i's country key: from the --meta file (mc, NULL when the
 * domain is not in it), the ccTLD or the hosting country, the first that
 * has one unless force (--country-source, -1 when not given) names one;
 * "unknown" else.  *src says which gave it.
 */
static size_t
country_key(char *buf, size_t len, int force, const char *mc,
    const char *tld, size_t tlen, const struct parquet_column_data *hc,
    size_t i, enum stats_csrc *src)
{
	char cc[3];

	if ((force < 0 || force == STATS_CSRC_META) && mc != NULL && mc[0]) {
		*src = STATS_CSRC_META;
		return key_put(buf, len, mc, strlen(mc));
	}
	if ((force < 0 || force == STATS_CSRC_CCTLD) && tld &&
	    stats_cctld_country(tld, tlen, cc)) {
		*src = STATS_CSRC_CCTLD;
		return key_put(buf, len, cc, 2);
	}
	if ((force < 0 || force == STATS_CSRC_HOSTING) && hc->present[i] &&
	    hc->str_len[i] > 0) {
		*src = STATS_CSRC_HOSTING;
		return key_put(buf, len, hc->str[i], hc->str_len[i]);
	}
	return KEY_LIT(buf, len, STATS_LABEL_UNKNOWN);
}

/* The group id of a key: from the worker's cache, else interned (and
 * cached).  UINT32_MAX when there are too many groups. */
static uint32_t
key_group(struct worker *w, const char *buf, size_t len)
{
	uint32_t *v = stats_strmap_get(w->cache, buf, len);
	uint32_t g;
	bool ins;

	if (v)
		return *v;
	g = group_intern(w->run, buf, len);
	if (g == UINT32_MAX)
		return UINT32_MAX;
	*stats_strmap_put(w->cache, buf, len, &ins) = g;
	return g;
}

/* Group id and country source of every row of a unit. */
static int
unit_groups(struct worker *w, size_t nrows)
{
	struct run *r = w->run;
	const struct stats_options *o = r->o;
	const struct parquet_column_data *dom = &w->cd[SCHEMA_COL_DOMAIN];
	const struct parquet_column_data *hc =
	    &w->cd[SCHEMA_COL_HOSTING_COUNTRY];
	const struct parquet_column_data *lst = &w->cd[SCHEMA_COL_LIST];
	const struct parquet_column_data *asn = &w->cd[SCHEMA_COL_HOSTING_ASN];
	const struct parquet_column_data *nsop = &w->cd[SCHEMA_COL_NS_OPERATOR];
	const struct parquet_column_data *mxop = &w->cd[SCHEMA_COL_MX_OPERATOR];
	char buf[KEYBUF];

	for (size_t i = 0; i < nrows; i++) {
		size_t len = 0;
		const char *mc = NULL, *ms = NULL;
		bool in_meta = false;
		const char *d = NULL, *tld = NULL;
		size_t dlen = 0, tlen = 0;
		enum stats_csrc src = STATS_CSRC_NONE;

		if (r->plan.need[SCHEMA_COL_DOMAIN] && dom->present[i]) {
			d = (const char *)dom->str[i];
			dlen = dom->str_len[i];
			const char *dot = memrchr(d, '.', dlen);
			tld = dot ? dot + 1 : d;
			tlen = dlen - (size_t)(tld - d);
		}
		if (r->plan.need_meta && d)
			in_meta = stats_meta_lookup(o->meta, d, dlen, &mc, &ms);
		for (size_t k = 0; k < o->nkeys; k++) {
			switch (o->keys[k]) {
			case STATS_KEY_COUNTRY:
				len = country_key(buf, len, o->country_source,
				    in_meta ? mc : NULL, tld, tlen, hc, i,
				    &src);
				break;
			case STATS_KEY_SECTOR:
				if (in_meta && ms[0])
					len = key_put(buf, len, ms, strlen(ms));
				else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			case STATS_KEY_ORGANISATION: {
				const char *org = in_meta ?
				    stats_meta_organisation(o->meta, d, dlen) :
				    NULL;
				if (org && org[0])
					len = key_put(buf, len, org,
					    strlen(org));
				else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			}
			case STATS_KEY_LIST:
				if (lst->present[i] && lst->str_len[i] > 0)
					len = key_put(buf, len, lst->str[i],
					    lst->str_len[i]);
				else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			case STATS_KEY_TLD:
				if (tld && tlen > 0)
					len = key_put(buf, len, tld, tlen);
				else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			case STATS_KEY_HOSTING_COUNTRY:
				if (hc->present[i] && hc->str_len[i] > 0)
					len = key_put(buf, len, hc->str[i],
					    hc->str_len[i]);
				else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			case STATS_KEY_NS_OPERATOR:
			case STATS_KEY_MX_OPERATOR: {
				const struct parquet_column_data *op =
				    o->keys[k] == STATS_KEY_NS_OPERATOR ?
				    nsop : mxop;
				if (op->present[i] && op->str_len[i] > 0)
					len = key_put(buf, len, op->str[i],
					    op->str_len[i]);
				else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			}
			case STATS_KEY_ASN:
			case STATS_KEY_HOSTING_ASN:
				if (asn->present[i]) {
					char t[32];
					int n = snprintf(t, sizeof(t),
					    "AS%lld", (long long)asn->i64[i]);
					len = key_put(buf, len, t, (size_t)n);
				} else
					len = KEY_LIT(buf, len,
					    STATS_LABEL_UNKNOWN);
				break;
			default:
				break;
			}
		}
		uint32_t g = key_group(w, buf, len);
		if (g == UINT32_MAX)
			return -1;
		w->gid[i] = g;
		w->src[i] = (uint8_t)src;
	}
	return 0;
}

/* Codes of a STRING column against its literals. */
static void
unit_codes(const struct parquet_column_data *d, const struct strcol *sc,
    uint8_t *code, size_t nrows)
{
	struct {
		const uint8_t *p;
		uint32_t len;
		uint8_t code;
	} cache[64];

	memset(cache, 0, sizeof(cache));
	for (size_t i = 0; i < nrows; i++) {
		if (!d->present[i]) {
			code[i] = CODE_NULL;
			continue;
		}
		const uint8_t *p = d->str[i];
		uint32_t len = d->str_len[i];
		size_t h = ((uintptr_t)p >> 2 ^ (uintptr_t)p >> 8) & 63;
		if (p != NULL && cache[h].p == p && cache[h].len == len) {
			code[i] = cache[h].code;
			continue;
		}
		uint8_t c = CODE_OTHER;
		for (size_t j = 0; j < sc->nlits; j++)
			if (sc->lens[j] == len &&
			    memcmp(sc->lits[j], p, len) == 0) {
				c = (uint8_t)j;
				break;
			}
		cache[h].p = p;
		cache[h].len = len;
		cache[h].code = c;
		code[i] = c;
	}
}

static void
unit_atom(struct worker *w, const struct catom *c, uint8_t *mask,
    size_t nrows)
{
	const struct metric_atom *a = c->a;
	const struct parquet_column_data *d = &w->cd[a->col];
	const uint8_t *pr = d->present;
	int64_t x = a->num;

	switch (a->op) {
	case METRIC_OP_IS_NULL:
		for (size_t i = 0; i < nrows; i++)
			mask[i] = !pr[i];
		return;
	case METRIC_OP_NOT_NULL:
		for (size_t i = 0; i < nrows; i++)
			mask[i] = pr[i] != 0;
		return;
	case METRIC_OP_IS_TRUE:
		for (size_t i = 0; i < nrows; i++)
			mask[i] = pr[i] && d->b[i];
		return;
	case METRIC_OP_IS_FALSE:
		for (size_t i = 0; i < nrows; i++)
			mask[i] = pr[i] && !d->b[i];
		return;
	case METRIC_OP_IN:
	case METRIC_OP_NOT_IN: {
		const uint8_t *code = w->codes[c->strcol];
		for (size_t i = 0; i < nrows; i++)
			mask[i] = c->lut[code[i]];
		return;
	}
	default:
		break;
	}
	/* Integer comparisons. */
	bool i32 = d->type == SCHEMA_TYPE_INT32;
	for (size_t i = 0; i < nrows; i++) {
		int64_t v = i32 ? d->i32[i] : d->i64[i];
		bool t;
		switch (a->op) {
		case METRIC_OP_EQ:
			t = v == x;
			break;
		case METRIC_OP_NE:
			t = v != x;
			break;
		case METRIC_OP_LT:
			t = v < x;
			break;
		case METRIC_OP_LE:
			t = v <= x;
			break;
		case METRIC_OP_GT:
			t = v > x;
			break;
		default:
			t = v >= x;
			break;
		}
		mask[i] = pr[i] && t;
	}
}

/* AND of clauses (OR of atom masks) into out; out &= base when given. */
static void
unit_combine(struct worker *w, const struct cclause *cl, size_t ncl,
    const uint8_t *base, uint8_t *out, size_t nrows)
{
	if (base)
		memcpy(out, base, nrows);
	else
		memset(out, 1, nrows);
	for (size_t c = 0; c < ncl; c++) {
		const struct cclause *k = &cl[c];
		if (k->n == 1) {
			const uint8_t *m = w->masks[k->atoms[0]];
			for (size_t i = 0; i < nrows; i++)
				out[i] &= m[i];
			continue;
		}
		for (size_t i = 0; i < nrows; i++) {
			uint8_t any = 0;
			for (size_t j = 0; j < k->n; j++)
				any |= w->masks[k->atoms[j]][i];
			out[i] &= any;
		}
	}
}

static void
worker_arrays(struct worker *w, size_t nrows)
{
	struct plan *p = &w->run->plan;

	if (nrows <= w->cap)
		return;
	w->cap = nrows;
	for (size_t i = 0; i < p->nstrcols; i++)
		w->codes[i] = xrealloc(w->codes[i], nrows);
	for (size_t i = 0; i < p->natoms; i++)
		w->masks[i] = xrealloc(w->masks[i], nrows);
	w->den = xrealloc(w->den, nrows);
	w->num = xrealloc(w->num, nrows);
	w->gid = xreallocarray(w->gid, nrows, sizeof(*w->gid));
	w->src = xrealloc(w->src, nrows);
	w->keep = xrealloc(w->keep, nrows);
	w->w = xreallocarray(w->w, nrows, sizeof(*w->w));
}

static void
worker_columns_fini(struct worker *w)
{
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		parquet_column_reader_free(w->cr[c]);
		w->cr[c] = NULL;
		memset(&w->cd[c], 0, sizeof(w->cd[c]));
		memset(&w->page[c], 0, sizeof(w->page[c]));
		w->ppos[c] = 0;
	}
}

/* All-null arrays of BATCH_ROWS rows, for a key column a part lacks. */
static void
worker_nulls(struct worker *w)
{
	struct parquet_column_data *d = &w->nulls;

	if (d->present)
		return;
	d->nrows = BATCH_ROWS;
	d->present = xcalloc(BATCH_ROWS, 1);
	d->i32 = xcalloc(BATCH_ROWS, sizeof(*d->i32));
	d->i64 = xcalloc(BATCH_ROWS, sizeof(*d->i64));
	d->b = xcalloc(BATCH_ROWS, 1);
	d->str = xcalloc(BATCH_ROWS, sizeof(*d->str));
	d->str_len = xcalloc(BATCH_ROWS, sizeof(*d->str_len));
}

/* View v as rows [k, k + n) of page p. */
static void
view_of(struct parquet_column_data *v, const struct parquet_column_data *p,
    enum schema_type type, size_t k, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->type = type;
	v->nrows = n;
	v->present = p->present + k;
	v->i32 = p->i32 ? p->i32 + k : NULL;
	v->i64 = p->i64 ? p->i64 + k : NULL;
	v->b = p->b ? p->b + k : NULL;
	v->str = p->str ? p->str + k : NULL;
	v->str_len = p->str_len ? p->str_len + k : NULL;
}

static void
touch(struct worker *w, uint32_t g)
{
	if (g >= w->is_touched_cap) {
		size_t cap = w->is_touched_cap ? w->is_touched_cap : 64;
		while (cap <= g)
			cap *= 2;
		w->is_touched = xrealloc(w->is_touched, cap);
		memset(w->is_touched + w->is_touched_cap, 0,
		    cap - w->is_touched_cap);
		w->is_touched_cap = cap;
	}
	if (w->is_touched[g])
		return;
	w->is_touched[g] = 1;
	if (w->ntouched == w->touched_cap) {
		w->touched_cap = w->touched_cap ? w->touched_cap * 2 : 64;
		w->touched = xreallocarray(w->touched, w->touched_cap,
		    sizeof(*w->touched));
	}
	w->touched[w->ntouched++] = g;
}

static int unit_batch(struct worker *w, size_t nrows, char *msg,
    size_t msglen);

/*
 * Read and count one row group into w->acc, page by page: every needed
 * column has one page decoded at a time, and rows are counted in batches
 * that end at the first page boundary.  0 or -1 with msg.
 */
static int
unit_count(struct worker *w, struct pinfo *pi, size_t rg, char *msg,
    size_t msglen)
{
	struct run *r = w->run;
	struct plan *p = &r->plan;
	int64_t nr64 = parquet_reader_row_group_rows(w->reader, rg);

	if (nr64 <= 0)
		return 0;
	size_t left = (size_t)nr64;
	size_t part = (size_t)(pi - r->parts);
	bool drops = r->dedupe && r->dups.drop[part] != NULL;
	uint64_t row = 0;		/* of the part, for the duplicates */
	if (drops)
		for (size_t g = 0; g < rg; g++)
			row += (uint64_t)parquet_reader_row_group_rows(
			    w->reader, g);
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		if (!p->need[c] || pi->fcol[c] < 0)
			continue;
		w->cr[c] = parquet_column_reader_new(w->reader, rg,
		    (size_t)pi->fcol[c]);
		if (w->cr[c] == NULL) {
			snprintf(msg, msglen, "%s",
			    parquet_reader_error(w->reader));
			worker_columns_fini(w);
			return -1;
		}
	}
	while (left > 0) {
		size_t nb = left < BATCH_ROWS ? left : BATCH_ROWS;
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
			if (!p->need[c] || pi->fcol[c] < 0)
				continue;
			if (w->ppos[c] >= w->page[c].nrows) {
				int n = parquet_column_reader_next(w->cr[c],
				    SIZE_MAX, &w->page[c]);
				if (n <= 0) {
					if (n == 0)
						snprintf(msg, msglen, "%s: row group %zu, column '%s': fewer values than rows",
						    pi->path, rg,
						    schema_column_get(c)->name);
					else
						snprintf(msg, msglen, "%s",
						    parquet_reader_error(
						    w->reader));
					worker_columns_fini(w);
					return -1;
				}
				w->ppos[c] = 0;
			}
			if (w->page[c].nrows - w->ppos[c] < nb)
				nb = w->page[c].nrows - w->ppos[c];
		}
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
			if (!p->need[c])
				continue;
			if (pi->fcol[c] < 0) {
				/* A key column this part lacks: all null. */
				worker_nulls(w);
				view_of(&w->cd[c], &w->nulls,
				    schema_column_get(c)->type, 0, nb);
				continue;
			}
			view_of(&w->cd[c], &w->page[c], w->page[c].type,
			    w->ppos[c], nb);
			w->ppos[c] += nb;
		}
		w->use_keep = drops;
		if (drops) {
			worker_arrays(w, nb);
			for (size_t i = 0; i < nb; i++)
				w->keep[i] = !snapshot_dups_is_dropped(
				    &r->dups, part, row + i);
		}
		if (unit_batch(w, nb, msg, msglen) < 0) {
			worker_columns_fini(w);
			return -1;
		}
		left -= nb;
		row += nb;
	}
	worker_columns_fini(w);
	return 0;
}

/* Count nrows rows of the views in w->cd into w->acc.  0 or -1 with msg. */
static int
unit_batch(struct worker *w, size_t nrows, char *msg, size_t msglen)
{
	struct run *r = w->run;
	struct plan *p = &r->plan;
	size_t nm = r->nm;

	worker_arrays(w, nrows);
	if (unit_groups(w, nrows) < 0) {
		snprintf(msg, msglen, "too many groups");
		return -1;
	}
	if (r->o->weight_rank) {
		const struct parquet_column_data *rk = &w->cd[SCHEMA_COL_RANK];
		for (size_t i = 0; i < nrows; i++)
			w->w[i] = rk->present[i] && rk->i64[i] >= 1 ?
			    1.0 / (double)rk->i64[i] : 0.0;
	}
	for (size_t s = 0; s < p->nstrcols; s++)
		unit_codes(&w->cd[p->strcols[s].col], &p->strcols[s],
		    w->codes[s], nrows);
	for (size_t a = 0; a < p->natoms; a++)
		unit_atom(w, &p->atoms[a], w->masks[a], nrows);

	/* Groups seen: make room and remember them for the merge. */
	uint32_t gmax = 0;
	for (size_t i = 0; i < nrows; i++)
		if (w->gid[i] > gmax)
			gmax = w->gid[i];
	acc_grow(&w->acc, (size_t)gmax + 1, nm);
	for (size_t i = 0; i < nrows; i++) {
		uint32_t g = w->gid[i];
		if (w->use_keep && !w->keep[i])
			continue;
		touch(w, g);
		w->acc.rows[g]++;
		w->acc.csrc[g][w->src[i]]++;
	}
	for (size_t k = 0; k < p->ncm; k++) {
		const struct cmetric *cm = &p->cm[k];
		struct stats_count *base = w->acc.c + cm->m;
		unit_combine(w, cm->den, cm->nden, NULL, w->den, nrows);
		if (w->use_keep)
			for (size_t i = 0; i < nrows; i++)
				w->den[i] &= w->keep[i];
		unit_combine(w, cm->num, cm->nnum, w->den, w->num, nrows);
		const uint8_t *dn = w->den, *nu = w->num;
		const uint32_t *gid = w->gid;
		for (size_t i = 0; i < nrows; i++) {
			struct stats_count *c = base + (size_t)gid[i] * nm;
			c->n += dn[i];
			c->k += nu[i];
		}
		if (r->o->weight_rank)
			for (size_t i = 0; i < nrows; i++) {
				if (!dn[i])
					continue;
				struct stats_count *c = base +
				    (size_t)gid[i] * nm;
				double x = w->w[i];
				c->wn += x;
				c->wn2 += x * x;
				if (nu[i])
					c->wk += x;
			}
	}
	return 0;
}

/* A unit is done: its counts join the part's stage; the last one ends it. */
static void
unit_done(struct worker *w, struct pinfo *pi, bool ok, const char *msg)
{
	struct run *r = w->run;
	size_t nm = r->nm;

	pthread_mutex_lock(&pi->mu);
	if (!ok && !pi->failed) {
		pi->failed = true;
		pi->error = xstrdup(msg);
	}
	if (!ok && !r->o->allow_partial)
		run_fail(r, "%s", msg);
	if (!pi->failed && w->ntouched) {
		uint32_t gmax = 0;
		for (size_t i = 0; i < w->ntouched; i++)
			if (w->touched[i] > gmax)
				gmax = w->touched[i];
		acc_grow(&pi->stage, (size_t)gmax + 1, nm);
		for (size_t i = 0; i < w->ntouched; i++)
			acc_move(&pi->stage, &w->acc, w->touched[i], nm);
	} else {
		for (size_t i = 0; i < w->ntouched; i++) {
			uint32_t g = w->touched[i];
			memset(w->acc.c + (size_t)g * nm, 0,
			    nm * sizeof(*w->acc.c));
			w->acc.rows[g] = 0;
			memset(w->acc.csrc[g], 0, sizeof(w->acc.csrc[g]));
		}
	}
	for (size_t i = 0; i < w->ntouched; i++)
		w->is_touched[w->touched[i]] = 0;
	w->ntouched = 0;
	bool last = --pi->remaining == 0;
	pthread_mutex_unlock(&pi->mu);
	if (!last)
		return;

	pthread_mutex_lock(&r->mu);
	if (pi->failed) {
		r->bad_parts++;
	} else {
		acc_grow(&r->total, pi->stage.cap, nm);
		for (size_t g = 0; g < pi->stage.cap; g++)
			if (pi->stage.rows[g])
				acc_move(&r->total, &pi->stage, g, nm);
	}
	pthread_mutex_unlock(&r->mu);
	acc_fini(&pi->stage);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	char msg[1024];

	while (!atomic_load(&r->abort)) {
		size_t u = atomic_fetch_add(&r->next, 1);
		if (u >= r->nunits)
			break;
		struct pinfo *pi = &r->parts[r->units[u].part];
		bool ok = true;
		if (w->reader == NULL || w->reader_part != r->units[u].part) {
			parquet_reader_free(w->reader);
			w->reader = parquet_reader_open(pi->path, msg,
			    sizeof(msg));
			w->reader_part = r->units[u].part;
			if (w->reader == NULL)
				ok = false;
			else if (parquet_reader_row_group_count(w->reader) !=
			    pi->nrg) {
				snprintf(msg, sizeof(msg),
				    "%s: changed while being read", pi->path);
				ok = false;
			}
		}
		if (ok && unit_count(w, pi, r->units[u].rg, msg,
		    sizeof(msg)) < 0)
			ok = false;
		if (!ok) {
			parquet_reader_free(w->reader);
			w->reader = NULL;
		}
		unit_done(w, pi, ok, msg);
	}
	parquet_reader_free(w->reader);
	w->reader = NULL;
	return NULL;
}

static void
worker_fini(struct worker *w)
{
	struct plan *p = &w->run->plan;

	for (size_t i = 0; i < p->nstrcols; i++)
		free(w->codes[i]);
	for (size_t i = 0; i < p->natoms; i++)
		free(w->masks[i]);
	free(w->masks);
	free(w->den);
	free(w->num);
	free(w->gid);
	free(w->src);
	free(w->keep);
	free(w->w);
	free(w->touched);
	free(w->is_touched);
	stats_strmap_free(w->cache);
	acc_fini(&w->acc);
	worker_columns_fini(w);
	parquet_column_data_fini(&w->nulls);
}

/* Footers. */

static void
source_kv_add(struct stats_source *s, const char *k, const char *v)
{
	for (size_t i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, k) == 0)
			return;
	s->kv = xreallocarray(s->kv, s->nkv + 1, sizeof(*s->kv));
	s->kv[s->nkv].key = xstrdup(k);
	s->kv[s->nkv].value = xstrdup(v ? v : "");
	s->nkv++;
}

/* Read a part's footer into pi.  0, or -1 with pi->error set. */
static int
part_probe(struct pinfo *pi, struct stats_source *src)
{
	char err[1024];
	struct parquet_reader *rd = parquet_reader_open(pi->path, err,
	    sizeof(err));

	if (rd == NULL) {
		pi->error = xstrdup(err);
		return -1;
	}
	pi->rows = parquet_reader_rows(rd);
	pi->nrg = parquet_reader_row_group_count(rd);
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		const struct schema_column *sc = schema_column_get(c);
		int f = parquet_reader_column_find(rd, sc->name);
		pi->fcol[c] = (int16_t)f;
		if (f < 0)
			continue;
		const struct parquet_column_def *d =
		    parquet_reader_column(rd, (size_t)f);
		if (d->type != sc->type) {
			snprintf(err, sizeof(err),
			    "%s: column '%s' is %s, schema v%d says %s",
			    pi->path, sc->name, schema_type_name(d->type),
			    SCHEMA_VERSION, schema_type_name(sc->type));
			pi->error = xstrdup(err);
			parquet_reader_free(rd);
			return -1;
		}
	}
	if (pi->fcol[SCHEMA_COL_DOMAIN] < 0) {
		snprintf(err, sizeof(err), "%s: no 'domain' column: not an uptake snapshot part",
		    pi->path);
		pi->error = xstrdup(err);
		parquet_reader_free(rd);
		return -1;
	}
	for (size_t i = 0; i < parquet_reader_kv_count(rd); i++) {
		const char *k, *v;
		if (parquet_reader_kv(rd, i, &k, &v) == 0)
			source_kv_add(src, k, v);
	}
	src->rows += pi->rows;
	pi->probed = true;
	parquet_reader_free(rd);
	return 0;
}

static char *
missing_text(struct run *r, size_t m, const struct metric_def *d)
{
	char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		if (!d->cols[c])
			continue;
		size_t lacking = 0, good = 0;
		const char *first = NULL;
		for (size_t p = 0; p < r->nparts; p++) {
			if (r->parts[p].error)
				continue;
			good++;
			if (r->parts[p].fcol[c] < 0) {
				lacking++;
				if (first == NULL)
					first = r->parts[p].path;
			}
		}
		if (lacking == 0)
			continue;
		int n = snprintf(buf + len, sizeof(buf) - len,
		    "%scolumn %s is not in %zu of %zu parts (e.g. %s)",
		    len ? "; " : "", schema_column_get(c)->name, lacking, good,
		    first);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			break;
		len += (size_t)n;
	}
	(void)m;
	return len ? xstrdup(buf) : NULL;
}

void
stats_options_default(struct stats_options *o)
{
	memset(o, 0, sizeof(*o));
	o->country_source = -1;
}

static unsigned
thread_count(const struct stats_options *o, size_t nunits)
{
	long n = o->threads ? (long)o->threads : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > STATS_MAX_THREADS)
		n = STATS_MAX_THREADS;
	if ((size_t)n > nunits)
		n = nunits ? (long)nunits : 1;
	return (unsigned)n;
}

static void
run_fini(struct run *r)
{
	for (size_t p = 0; p < r->nparts; p++) {
		free(r->parts[p].path);
		free(r->parts[p].error);
		acc_fini(&r->parts[p].stage);
		pthread_mutex_destroy(&r->parts[p].mu);
	}
	free(r->parts);
	free(r->units);
	for (size_t g = 0; g < r->ngroups; g++)
		free(r->gkeys[g]);
	free(r->gkeys);
	free(r->gkeylen);
	stats_strmap_free(r->gix);
	acc_fini(&r->total);
	free(r->first_error);
	snapshot_dups_fini(&r->dups);
	plan_fini(&r->plan);
	pthread_mutex_destroy(&r->mu);
}

/* Collect parts of every path; duplicates (same file twice) are an error. */
static int
run_parts(struct run *r, char *const *paths, size_t npaths,
    struct stats_result *res, char *err, size_t errlen)
{
	struct stats_strmap *seen = stats_strmap_new();
	size_t cap = 0;
	int rc = 0;

	res->sources = xcalloc(npaths, sizeof(*res->sources));
	res->nsources = npaths;
	for (size_t s = 0; s < npaths && rc == 0; s++) {
		char **list;
		int n = snapshot_parts_list(paths[s], &list, err, errlen);
		res->sources[s].path = xstrdup(paths[s]);
		if (n < 0) {
			rc = -1;
			break;
		}
		if (n == 0) {
			snprintf(err, errlen, "%s: no part-N.parquet files (not a snapshot?)",
			    paths[s]);
			snapshot_parts_free(list);
			rc = -1;
			break;
		}
		res->sources[s].nparts = (size_t)n;
		for (int i = 0; i < n; i++) {
			char *real = realpath(list[i], NULL);
			const char *id = real ? real : list[i];
			bool ins;
			uint32_t *v = stats_strmap_put(seen, id, strlen(id),
			    &ins);
			if (!ins) {
				snprintf(err, errlen, "%s: already given as %s (a snapshot given twice would count its rows twice)",
				    list[i], r->parts[*v].path);
				free(real);
				rc = -1;
				break;
			}
			free(real);
			if (r->nparts == cap) {
				cap = cap ? cap * 2 : 16;
				r->parts = xreallocarray(r->parts, cap,
				    sizeof(*r->parts));
			}
			struct pinfo *pi = &r->parts[r->nparts];
			memset(pi, 0, sizeof(*pi));
			pthread_mutex_init(&pi->mu, NULL);
			pi->path = xstrdup(list[i]);
			pi->source = s;
			*v = (uint32_t)r->nparts++;
		}
		snapshot_parts_free(list);
	}
	stats_strmap_free(seen);
	if (rc < 0)
		return -1;
	for (size_t p = 0; p < r->nparts; p++) {
		struct pinfo *pi = &r->parts[p];
		if (part_probe(pi, &res->sources[pi->source]) < 0)
			r->bad_parts++;
	}
	if (r->bad_parts && !r->o->allow_partial) {
		for (size_t p = 0; p < r->nparts; p++)
			if (r->parts[p].error) {
				if (r->bad_parts == 1)
					snprintf(err, errlen, "%s",
					    r->parts[p].error);
				else
					snprintf(err, errlen, "%s (and %zu more unreadable parts)",
					    r->parts[p].error,
					    r->bad_parts - 1);
				break;
			}
		return -1;
	}
	return 0;
}

/*
 * Rows with the same list and input_index in two places (a part copied,
 * a crawl run twice into one directory, one snapshot given under two
 * names): refused, or the first in part order kept (o->dedupe).
 */
struct dups_job {
	struct run *r;
	int rc;
	char err[1024];
};

static void *
dups_main(void *arg)
{
	struct dups_job *j = arg;
	struct run *r = j->r;
	char **paths = xcalloc(r->nparts ? r->nparts : 1, sizeof(*paths));

	for (size_t p = 0; p < r->nparts; p++)
		paths[p] = r->parts[p].path;
	j->rc = snapshot_dups_scan(paths, r->nparts, &r->dups, j->err,
	    sizeof(j->err));
	free(paths);
	return NULL;
}

/* After the scan: refuse, or keep the first of each (o->dedupe). */
static int
run_dups_apply(struct run *r, struct stats_result *res, char *err,
    size_t errlen)
{
	char **paths = xcalloc(r->nparts ? r->nparts : 1, sizeof(*paths));
	char text[2048];
	int rc = 0;

	for (size_t p = 0; p < r->nparts; p++)
		paths[p] = r->parts[p].path;
	if (r->dups.dropped > 0) {
		snapshot_dups_describe(&r->dups, paths, text, sizeof(text));
		if (r->o->dedupe == SNAPSHOT_DEDUPE_REFUSE) {
			snprintf(err, errlen, "%s: refusing to count them twice (--dedupe keep-first keeps the first of each, in part order)",
			    text);
			rc = -1;
		} else {
			r->dedupe = true;
			res->dup_dropped = r->dups.dropped;
			res->dup_text = xstrdup(text);
			for (size_t p = 0; p < r->nparts; p++)
				if (r->parts[p].probed)
					res->sources[r->parts[p].source].rows -=
					    (int64_t)r->dups.dropped_in[p];
		}
	}
	free(paths);
	return rc;
}

static void
run_plan(struct run *r, struct stats_result *res)
{
	const struct stats_options *o = r->o;
	struct plan *p = &r->plan;

	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
		p->strcol_of[c] = -1;
	p->cm = xcalloc(r->nm, sizeof(*p->cm));
	for (size_t m = 0; m < r->nm; m++) {
		const struct metric_def *d = &o->defs[m];
		res->wanted[m] = o->wanted == NULL || o->wanted[m];
		if (!res->wanted[m])
			continue;
		res->missing[m] = missing_text(r, m, d);
		if (res->missing[m])
			continue;
		struct cmetric *cm = &p->cm[p->ncm++];
		cm->m = m;
		plan_expr(p, &d->den, cm->den, &cm->nden);
		plan_expr(p, &d->num, cm->num, &cm->nnum);
		for (size_t c = 0; c < SCHEMA_COL_COUNT; c++)
			if (d->cols[c])
				p->need[c] = true;
	}
	plan_luts(p);
	plan_keys(p, o);
}

/* Turn the counters into the result's groups. */
static void
run_result(struct run *r, struct stats_result *res)
{
	struct stats_table *t = &res->table;
	size_t nm = r->nm;

	t->nkeys = r->o->nkeys;
	memcpy(t->keys, r->o->keys, sizeof(t->keys));
	t->groups = xcalloc(r->ngroups ? r->ngroups : 1, sizeof(*t->groups));
	acc_grow(&r->total, r->ngroups, nm);
	for (size_t g = 0; g < r->ngroups; g++) {
		if (r->total.rows[g] == 0)
			continue;
		struct stats_group *sg = &t->groups[t->ngroups++];
		stats_group_init(sg, t->nkeys);
		const unsigned char *k = (const unsigned char *)r->gkeys[g];
		size_t pos = 0;
		for (size_t j = 0; j < t->nkeys; j++) {
			size_t l = k[pos];
			sg->key[j] = xstrndup((const char *)k + pos + 1, l);
			pos += 1 + l;
		}
		sg->rows = r->total.rows[g];
		memcpy(sg->csrc, r->total.csrc[g], sizeof(sg->csrc));
		memcpy(sg->c, r->total.c + g * nm, nm * sizeof(*sg->c));
		res->rows += sg->rows;
		for (int s = 0; s < STATS_CSRC_COUNT; s++)
			res->csrc[s] += sg->csrc[s];
	}
	res->parts = xcalloc(r->nparts ? r->nparts : 1, sizeof(*res->parts));
	res->nparts = r->nparts;
	for (size_t p = 0; p < r->nparts; p++) {
		struct pinfo *pi = &r->parts[p];
		res->parts[p].path = xstrdup(pi->path);
		res->parts[p].source = pi->source;
		res->parts[p].rows = pi->rows;
		res->parts[p].error = pi->error ? xstrdup(pi->error) : NULL;
		/* A part that failed while being read leaves its source. */
		if (pi->error && pi->probed)
			res->sources[pi->source].rows -= pi->rows -
			    (int64_t)(r->dedupe ? r->dups.dropped_in[p] : 0);
	}
	res->bad_parts = r->bad_parts;
}

/* The units of work: every row group of every readable part, in order. */
static void
run_units(struct run *r)
{
	size_t nunits = 0;

	for (size_t p = 0; p < r->nparts; p++)
		if (!r->parts[p].error)
			nunits += r->parts[p].nrg;
	r->units = xcalloc(nunits ? nunits : 1, sizeof(*r->units));
	for (size_t p = 0; p < r->nparts; p++) {
		if (r->parts[p].error)
			continue;
		r->parts[p].remaining = r->parts[p].nrg;
		for (size_t g = 0; g < r->parts[p].nrg; g++)
			r->units[r->nunits++] = (struct unit){ (uint32_t)p,
				(uint32_t)g };
	}
	atomic_init(&r->next, 0);
	atomic_init(&r->abort, false);
}

/* Count every unit: the workers' threads and this one, until done. */
static void
run_workers(struct run *r)
{
	unsigned nt = thread_count(r->o, r->nunits);
	struct worker *ws = xcalloc(nt, sizeof(*ws));
	unsigned started = 0;

	for (unsigned t = 0; t < nt; t++) {
		ws[t].run = r;
		ws[t].cache = stats_strmap_new();
		ws[t].masks = xcalloc(r->plan.natoms ? r->plan.natoms : 1,
		    sizeof(*ws[t].masks));
	}
	for (unsigned t = 1; t < nt; t++) {
		if (pthread_create(&ws[t].tid, NULL, worker_main, &ws[t]) != 0)
			break;
		started = t;
	}
	worker_main(&ws[0]);
	for (unsigned t = 1; t <= started; t++)
		pthread_join(ws[t].tid, NULL);
	for (unsigned t = 0; t < nt; t++)
		worker_fini(&ws[t]);
	free(ws);
}

int
stats_run(char *const *paths, size_t npaths, const struct stats_options *o,
    struct stats_result **out, char *err, size_t errlen)
{
	struct run r;
	struct stats_result *res;
	int rc = -1;
	bool part_error = false;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	pthread_mutex_init(&r.mu, NULL);
	r.o = o;
	r.nm = metric_count();
	r.gix = stats_strmap_new();
	res = xcalloc(1, sizeof(*res));
	res->defs = o->defs;
	res->nmetrics = r.nm;
	res->weighted = o->weight_rank;
	res->wanted = xcalloc(r.nm, sizeof(*res->wanted));
	res->missing = xcalloc(r.nm, sizeof(*res->missing));

	if (npaths == 0) {
		snprintf(err, errlen, "no snapshot given");
		goto out;
	}
	if (run_parts(&r, paths, npaths, res, err, errlen) < 0) {
		part_error = r.bad_parts > 0;
		goto out;
	}
	/*
	 * Duplicates: to keep the first of each, the rows to drop must be
	 * known before counting; to refuse them (the default), the scan runs
	 * beside the workers and is checked when they are done.
	 */
	struct dups_job dj = { .r = &r };
	pthread_t dups_tid;
	bool dups_thread = false;
	if (o->dedupe == SNAPSHOT_DEDUPE_KEEP_FIRST) {
		dups_main(&dj);
		if (dj.rc < 0) {
			snprintf(err, errlen, "%s", dj.err);
			goto out;
		}
		if (run_dups_apply(&r, res, err, errlen) < 0)
			goto out;
	} else if (pthread_create(&dups_tid, NULL, dups_main, &dj) == 0)
		dups_thread = true;
	else
		dups_main(&dj);
	run_plan(&r, res);

	run_units(&r);
	run_workers(&r);
	if (dups_thread)
		pthread_join(dups_tid, NULL);
	if (o->dedupe == SNAPSHOT_DEDUPE_REFUSE) {
		if (dj.rc < 0) {
			snprintf(err, errlen, "%s", dj.err);
			goto out;
		}
		if (run_dups_apply(&r, res, err, errlen) < 0)
			goto out;
	}

	if (r.first_error) {
		snprintf(err, errlen, "%s", r.first_error);
		part_error = r.bad_parts > 0 || !r.too_many;
		goto out;
	}
	run_result(&r, res);
	rc = r.bad_parts ? 1 : 0;
out:
	run_fini(&r);
	if (rc < 0) {
		stats_result_free(res);
		return part_error ? -2 : -1;
	}
	res->conc = stats_conc_new(&res->table);
	*out = res;
	return rc;
}

bool
stats_result_available(const struct stats_result *r, size_t m)
{
	return m < r->nmetrics && r->wanted[m] && r->missing[m] == NULL;
}

const char *
stats_source_kv(const struct stats_source *s, const char *key)
{
	for (size_t i = 0; i < s->nkv; i++)
		if (strcmp(s->kv[i].key, key) == 0)
			return s->kv[i].value;
	return NULL;
}

void
stats_result_free(struct stats_result *r)
{
	if (r == NULL)
		return;
	stats_conc_free(r->conc);
	stats_table_fini(&r->table);
	for (size_t m = 0; m < r->nmetrics; m++)
		free(r->missing[m]);
	free(r->missing);
	free(r->wanted);
	for (size_t s = 0; s < r->nsources; s++) {
		free(r->sources[s].path);
		for (size_t i = 0; i < r->sources[s].nkv; i++) {
			free(r->sources[s].kv[i].key);
			free(r->sources[s].kv[i].value);
		}
		free(r->sources[s].kv);
	}
	free(r->sources);
	free(r->dup_text);
	for (size_t p = 0; p < r->nparts; p++) {
		free(r->parts[p].path);
		free(r->parts[p].error);
	}
	free(r->parts);
	free(r);
}
