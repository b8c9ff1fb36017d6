/*
 * site_data.c - the figures of uptake-report --site (report_site.h):
 * every crawl read with comply_read and judged as uptake-comply judges
 * (profile_req_eval, then exc_find at the crawl's date), counted per
 * group (all, country, sector, organisation); the latest crawl's
 * verdicts kept per domain of an organisation for its scorecard.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dname.h"
#include "log.h"
#include "report_site.h"
#include "stats_int.h"
#include "util.h"

void
site_slug(const char *label, char *out)
{
	size_t o = 0;
	bool dash = false;

	for (const unsigned char *p = (const unsigned char *)label;
	    *p && o < SITE_SLUG_MAX; p++) {
		unsigned char ch = *p;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    (ch >= 'A' && ch <= 'Z')) {
			if (dash && o > 0 && o < SITE_SLUG_MAX - 1)
				out[o++] = '-';
			dash = false;
			out[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' :
			    ch);
		} else
			dash = true;
	}
	if (o == 0)
		out[o++] = 'x';
	out[o] = '\0';
}

static size_t
group_get(struct site_data *sd, enum site_kind kind, const char *label)
{
	const struct site_input *in = sd->in;
	size_t len = strlen(label);
	char *key = xmalloc(len + 2);
	bool ins;

	key[0] = (char)('0' + kind);
	memcpy(key + 1, label, len + 1);
	uint32_t *v = stats_strmap_put(sd->ix, key, len + 1, &ins);
	free(key);
	if (ins) {
		sd->g = xreallocarray(sd->g, sd->ng + 1, sizeof(*sd->g));
		struct site_group *g = &sd->g[sd->ng];
		memset(g, 0, sizeof(*g));
		g->kind = kind;
		g->label = xstrdup(label);
		g->sector_g = SIZE_MAX;
		g->cell = xcalloc(in->ncrawls * in->np, sizeof(*g->cell));
		if (kind != SITE_ORG)
			for (size_t c = 0; c < in->ncrawls; c++)
				for (size_t i = 0; i < in->np; i++)
					g->cell[c * in->np + i].rc = xcalloc(
					    in->profiles[i]->nreqs,
					    sizeof(*g->cell[0].rc));
		*v = (uint32_t)sd->ng++;
	}
	return *v;
}

/* "col=value; ..." of the columns r's condition reads, for a failure. */
static char *
why_text(const struct profile_req *r, const struct schema_value *row)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool first = true;

	if (f == NULL)
		fatal(1, "out of memory");
	for (size_t c = 0; c < SCHEMA_COL_COUNT; c++) {
		if (!r->cond_cols[c])
			continue;
		const struct schema_column *sc = schema_column_get(c);
		const struct schema_value *v = &row[c];
		fprintf(f, "%s%s=", first ? "" : "; ", sc->name);
		first = false;
		if (!v->present) {
			fputs("null", f);
			continue;
		}
		switch (sc->type) {
		case SCHEMA_TYPE_INT32:
			fprintf(f, "%" PRId32, v->u.i32);
			break;
		case SCHEMA_TYPE_INT64:
		case SCHEMA_TYPE_TIMESTAMP_US:
			fprintf(f, "%" PRId64, v->u.i64);
			break;
		case SCHEMA_TYPE_BOOLEAN:
			fputs(v->u.b ? "true" : "false", f);
			break;
		case SCHEMA_TYPE_STRING:
			if (v->u.str.len > SITE_VALUE_MAX)
				fprintf(f, "'%.*s...'", SITE_VALUE_MAX,
				    v->u.str.ptr);
			else
				fprintf(f, "'%.*s'", (int)v->u.str.len,
				    v->u.str.ptr);
			break;
		}
	}
	if (fclose(f) != 0)
		fatal(1, "out of memory");
	return buf;
}

static void
row_take(void *ctx, const struct comply_reader *cr,
    const struct schema_value *row)
{
	struct site_data *sd = ctx;
	const struct site_input *in = sd->in;
	const struct schema_value *d = &row[SCHEMA_COL_DOMAIN];
	const char *mc = NULL, *ms = NULL, *org = NULL;
	char dom[DNAME_BUF_SIZE], cbuf[64];
	bool in_meta = false, latest = sd->cur + 1 == in->ncrawls;

	snprintf(dom, sizeof(dom), "%.*s", d->present ? (int)d->u.str.len : 0,
	    d->present ? d->u.str.ptr : "");
	if (in->meta && d->present) {
		in_meta = stats_meta_lookup(in->meta, d->u.str.ptr,
		    d->u.str.len, &mc, &ms);
		org = stats_meta_organisation(in->meta, d->u.str.ptr,
		    d->u.str.len);
	}
	size_t gi[SITE_KINDS];
	size_t ngi = 0;
	gi[ngi++] = group_get(sd, SITE_ALL, "all");
	size_t cg = gi[ngi++] = group_get(sd, SITE_COUNTRY,
	    comply_country_label(row, in_meta ? mc : NULL, cbuf,
	    sizeof(cbuf)));
	size_t sg = SIZE_MAX, og = SIZE_MAX;
	if (in->meta)
		sg = gi[ngi++] = group_get(sd, SITE_SECTOR,
		    in_meta && *ms ? ms : STATS_LABEL_UNKNOWN);
	if (org && *org)
		og = gi[ngi++] = group_get(sd, SITE_ORG, org);

	struct site_dom *sdom = NULL;
	if (latest && og != SIZE_MAX) {
		sd->d = xreallocarray(sd->d, sd->nd + 1, sizeof(*sd->d));
		sdom = &sd->d[sd->nd];
		memset(sdom, 0, sizeof(*sdom));
		sdom->domain = xstrdup(dom);
		sdom->org = og;
		sdom->country_g = cg;
		sdom->sector_g = sg;
		sdom->v = xcalloc(sd->nr ? sd->nr : 1, 1);
		struct site_group *o = &sd->g[og];
		o->dom = xreallocarray(o->dom, o->ndom + 1, sizeof(*o->dom));
		o->dom[o->ndom++] = sd->nd++;
	}
	for (size_t i = 0; i < in->np; i++) {
		const struct profile *p = in->profiles[i];
		bool any_nm = false, all_ok = true, any_exp = false;
		bool any_req = false;
		for (size_t j = 0; j < p->nreqs; j++) {
			const struct profile_req *q = &p->reqs[j];
			enum profile_verdict v = profile_req_eval(q,
			    cr->measurable[i][j], row);
			const struct exc_entry *e = NULL;
			if (v == PROFILE_FAIL && in->exc &&
			    (e = exc_find(in->exc, dom, p, q, cr->date)) != NULL)
				v = PROFILE_EXPLAINED;
			/* a requirement the part cannot measure is left
			 * out of meets all, as uptake-comply does */
			if (cr->measurable[i][j]) {
				any_req = true;
				any_nm |= v == PROFILE_NOT_MEASURED;
				all_ok &= v == PROFILE_PASS ||
				    v == PROFILE_EXPLAINED;
				any_exp |= v == PROFILE_EXPLAINED;
			}
			for (size_t x = 0; x < ngi; x++) {
				struct site_cell *cl = &sd->g[gi[x]].cell[
				    sd->cur * in->np + i];
				if (cl->rc)
					cl->rc[j][v]++;
			}
			if (sdom == NULL)
				continue;
			size_t r = sd->roff[i] + j;
			sdom->v[r] = (unsigned char)v;
			if (v == PROFILE_FAIL) {
				if (sdom->why == NULL)
					sdom->why = xcalloc(sd->nr,
					    sizeof(*sdom->why));
				sdom->why[r] = why_text(q, row);
			} else if (v == PROFILE_EXPLAINED) {
				if (sdom->ex == NULL)
					sdom->ex = xcalloc(sd->nr,
					    sizeof(*sdom->ex));
				sdom->ex[r] = e;
			}
		}
		for (size_t x = 0; x < ngi; x++) {
			struct site_cell *cl = &sd->g[gi[x]].cell[
			    sd->cur * in->np + i];
			cl->domains++;
			if (any_req && !any_nm) {
				cl->n++;
				if (all_ok) {
					cl->k++;
					cl->kx += any_exp;
				}
			}
		}
	}
}

static int
group_cmp(const void *a, const void *b)
{
	const struct site_group *x = a, *y = b;

	if (x->kind != y->kind)
		return (int)x->kind - (int)y->kind;
	bool ux = strcmp(x->label, STATS_LABEL_UNKNOWN) == 0;
	bool uy = strcmp(y->label, STATS_LABEL_UNKNOWN) == 0;
	if (ux != uy)
		return ux - uy;
	return strcmp(x->label, y->label);
}

struct site_data *
site_gather(const struct site_input *in)
{
	struct site_data *sd = xcalloc(1, sizeof(*sd));

	sd->in = in;
	sd->ix = stats_strmap_new();
	sd->roff = xcalloc(in->np + 1, sizeof(*sd->roff));
	for (size_t i = 0; i < in->np; i++)
		sd->roff[i + 1] = sd->roff[i] + in->profiles[i]->nreqs;
	sd->nr = sd->roff[in->np];
	sd->date = xcalloc(in->ncrawls ? in->ncrawls : 1, sizeof(*sd->date));
	group_get(sd, SITE_ALL, "all");
	for (size_t c = 0; c < in->ncrawls; c++) {
		struct comply_reader cr;
		memset(&cr, 0, sizeof(cr));
		cr.profiles = in->profiles;
		cr.np = in->np;
		cr.need_hosting = true;
		cr.dedupe = in->dedupe;
		cr.log_tag = "report";
		cr.row = row_take;
		cr.ctx = sd;
		sd->cur = c;
		comply_read(&cr, in->crawls[c].paths, in->crawls[c].npaths);
		if (in->exc && cr.date[0] == '\0')
			fatal(1, "--exceptions: crawl %s has neither %s nor %s in its metadata, so no exception can be dated",
			    in->crawls[c].date, SNAPSHOT_KEY_VALIDATION_TIME,
			    SNAPSHOT_KEY_CRAWL_START);
		memcpy(sd->date[c], cr.date, sizeof(cr.date));
	}
	/* Sort the groups; renumber the domains' group indices. */
	size_t *old = xcalloc(sd->ng, sizeof(*old));
	for (size_t i = 0; i < sd->ng; i++)
		sd->g[i].sector_g = i;	/* the old index, for a moment */
	qsort(sd->g, sd->ng, sizeof(*sd->g), group_cmp);
	for (size_t i = 0; i < sd->ng; i++) {
		old[sd->g[i].sector_g] = i;
		sd->g[i].sector_g = SIZE_MAX;
	}
	for (size_t i = 0; i < sd->nd; i++) {
		struct site_dom *d = &sd->d[i];
		d->org = old[d->org];
		d->country_g = old[d->country_g];
		if (d->sector_g != SIZE_MAX)
			d->sector_g = old[d->sector_g];
	}
	free(old);
	for (int k = 0, i = 0; k <= SITE_KINDS; k++) {
		while ((size_t)i < sd->ng && (int)sd->g[i].kind < k)
			i++;
		sd->first[k] = (size_t)i;
	}
	/* Slugs, unique per kind ("-2", "-3" after a repeat). */
	for (int k = 0; k < SITE_KINDS; k++) {
		struct stats_strmap *seen = stats_strmap_new();
		for (size_t i = sd->first[k]; i < sd->first[k + 1]; i++) {
			char s[SITE_SLUG_MAX + 1], t[SITE_SLUG_MAX + 24];
			bool ins;
			site_slug(sd->g[i].label, s);
			snprintf(t, sizeof(t), "%s", s);
			for (unsigned n = 2;; n++) {
				stats_strmap_put(seen, t, strlen(t), &ins);
				if (ins)
					break;
				snprintf(t, sizeof(t), "%s-%u", s, n);
			}
			sd->g[i].slug = xstrdup(t);
		}
		stats_strmap_free(seen);
	}
	/* Main sector of each organisation. */
	for (size_t i = sd->first[SITE_ORG]; i < sd->first[SITE_ORG + 1]; i++) {
		struct site_group *o = &sd->g[i];
		size_t best = SIZE_MAX, bestn = 0;
		for (size_t a = 0; a < o->ndom; a++) {
			size_t s = sd->d[o->dom[a]].sector_g, cnt = 0;
			if (s == SIZE_MAX)
				continue;
			for (size_t b = 0; b < o->ndom; b++)
				cnt += sd->d[o->dom[b]].sector_g == s;
			if (cnt > bestn || (cnt == bestn && s < best)) {
				best = s;
				bestn = cnt;
			}
		}
		o->sector_g = best;
	}
	return sd;
}

const struct site_cell *
site_cell_get(const struct site_data *sd, const struct site_group *g,
    size_t c, size_t i)
{
	return &g->cell[c * sd->in->np + i];
}

static double
share_of(const struct site_cell *c)
{
	return c->n ? (double)c->k / (double)c->n : -1;
}

size_t
site_org_rank(const struct site_data *sd, const struct site_group *g,
    size_t i, size_t *of)
{
	size_t last = sd->in->ncrawls - 1, better = 0;
	double mine = share_of(site_cell_get(sd, g, last, i));

	*of = 0;
	for (size_t x = sd->first[SITE_ORG]; x < sd->first[SITE_ORG + 1]; x++) {
		const struct site_group *o = &sd->g[x];
		if (o->sector_g != g->sector_g)
			continue;
		double s = share_of(site_cell_get(sd, o, last, i));
		if (s < 0)
			continue;
		(*of)++;
		better += s > mine;
	}
	return mine < 0 ? 0 : better + 1;
}

void
site_data_free(struct site_data *sd)
{
	if (sd == NULL)
		return;
	for (size_t i = 0; i < sd->ng; i++) {
		struct site_group *g = &sd->g[i];
		for (size_t c = 0; c < sd->in->ncrawls * sd->in->np; c++)
			free(g->cell[c].rc);
		free(g->cell);
		free(g->label);
		free(g->slug);
		free(g->dom);
	}
	free(sd->g);
	for (size_t i = 0; i < sd->nd; i++) {
		struct site_dom *d = &sd->d[i];
		free(d->domain);
		free(d->v);
		if (d->why)
			for (size_t r = 0; r < sd->nr; r++)
				free(d->why[r]);
		free(d->why);
		free(d->ex);
	}
	free(sd->d);
	free(sd->roff);
	free(sd->date);
	stats_strmap_free(sd->ix);
	free(sd);
}
