/*
 * report_html.c - uptake-report's document: headline figures, overall
 * adoption, a country x standard heat map, bars per standard by country,
 * sectors, trends across crawls, method and provenance.  Everything is
 * computed from the stats tables here (roll-ups and folds of copies) and
 * drawn by report_svg.c; the CSS is inline and has print rules.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "metrics.h"
#include "report.h"
#include "snapshot.h"
#include "util.h"

#define MAX_CHANGES 60		/* rows of the significant-changes table */
#define REPORT_ALPHA 0.05	/* the report's significance level (BH q) */

static const char css[] =
	":root{--ink:#1f2933;--muted:#52606d;--line:#d9dee3;--accent:#2f6db5;--soft:#f3f5f7}\n"
	"*{box-sizing:border-box}\n"
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:var(--ink);margin:0;background:#fff}\n"
	"main{max-width:1180px;margin:0 auto;padding:28px 32px 48px}\n"
	"header.title{border-bottom:3px solid var(--accent);padding-bottom:12px;margin-bottom:8px}\n"
	"h1{font-size:27px;line-height:1.2;margin:0 0 6px}\n"
	"h2{font-size:20px;margin:34px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}\n"
	"h3{font-size:15px;margin:20px 0 6px;color:#323f4b}\n"
	"p{margin:6px 0;max-width:62em}\n"
	".sub{color:var(--muted)}\n"
	".note{color:var(--muted);font-size:12.5px}\n"
	".partial{border:2px solid #b42318;background:#fef3f2;color:#7a271a;padding:10px 14px;margin:14px 0;font-weight:600}\n"
	".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(165px,1fr));gap:10px;margin:16px 0 6px}\n"
	".card{background:var(--soft);border-radius:6px;padding:10px 12px;border-left:4px solid var(--accent)}\n"
	".card .v{font-size:26px;font-weight:700;line-height:1.1;font-variant-numeric:tabular-nums}\n"
	".card .l{font-size:12.5px;font-weight:600}\n"
	".card .ci{font-size:11.5px;color:var(--muted)}\n"
	".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:16px 30px}\n"
	".grid.trend{grid-template-columns:repeat(auto-fill,minmax(300px,1fr))}\n"
	"figure{margin:0;break-inside:avoid;page-break-inside:avoid}\n"
	"figcaption{font-weight:600;font-size:13px;margin:0 0 3px}\n"
	"figcaption .def{display:block;font-weight:400;color:var(--muted);font-size:11.5px}\n"
	"svg.chart{max-width:100%;height:auto;display:block}\n"
	"table{border-collapse:collapse;font-size:12px}\n"
	".scroll{overflow-x:auto}\n"
	"table.heat th,table.heat td{border:1px solid #fff;padding:3px 4px;text-align:center;min-width:34px;font-variant-numeric:tabular-nums}\n"
	"table.heat thead th{font-weight:600;vertical-align:bottom;background:#fff}\n"
	"table.heat thead th small{display:block;font-weight:400;color:var(--muted);font-size:10px}\n"
	"table.heat th.m{text-align:left;font-weight:500;white-space:nowrap;background:#fff;padding-right:8px}\n"
	"table.heat tr.g th{text-align:left;background:var(--soft);font-weight:700;padding:4px 6px}\n"
	"table.heat td.low{font-style:italic}\n"
	"table.heat td.low::after{content:'\\2020';font-size:9px;vertical-align:super}\n"
	".scale{display:flex;align-items:center;gap:6px;font-size:11.5px;color:var(--muted);margin:6px 0}\n"
	".scale span.bar{display:inline-block;width:180px;height:10px;background:linear-gradient(90deg,#f7fbff,#c6dbef,#6baed6,#2171b5,#08306b);border:1px solid var(--line)}\n"
	"table.data th,table.data td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}\n"
	"table.providers td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	"table.data thead th{border-bottom:2px solid #9aa3ad}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	"code{font:11.5px/1.35 ui-monospace,'DejaVu Sans Mono',Menlo,monospace;word-break:break-word}\n"
	"table.defs td:nth-child(3),table.defs td:nth-child(4){max-width:26em}\n"
	"dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:12px;margin:6px 0}\n"
	"dl.prov dt{color:var(--muted)}dl.prov dd{margin:0;word-break:break-all}\n"
	"footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}\n"
	"@media print{\n"
	"@page{size:A4;margin:14mm 12mm 16mm}\n"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"body{font-size:9.5pt}\n"
	"main{max-width:none;padding:0}\n"
	"h2{break-after:avoid;page-break-after:avoid}\n"
	"h3{break-after:avoid;page-break-after:avoid}\n"
	"section.major{break-before:page;page-break-before:always}\n"
	".grid{grid-template-columns:1fr 1fr;gap:10px 18px}\n"
	".grid.trend{grid-template-columns:1fr 1fr 1fr}\n"
	".scroll{overflow:visible}\n"
	"table.heat{font-size:7.5pt;width:100%}\n"
	"table.heat th,table.heat td{min-width:0;padding:2px 1px}\n"
	"tr{break-inside:avoid;page-break-inside:avoid}\n"
	"thead{display:table-header-group}\n"
	"}\n";

/* Figures of one group for one metric; false without a denominator. */
static bool
fig(const struct stats_group *g, size_t m, double *rate, double *lo,
    double *hi)
{
	if (g == NULL) {
		*rate = *lo = *hi = NAN;
		return false;
	}
	return stats_count_rate(&g->c[m], false, rate, lo, hi, NULL);
}

static bool
is_special(const char *label)
{
	return strcmp(label, STATS_LABEL_OTHER) == 0 ||
	    strcmp(label, STATS_LABEL_UNKNOWN) == 0;
}

/* Keep the top groups by rows (at least min_n); fold the rest. */
struct top_ctx {
	const char **keep;
	size_t nkeep;
};

static bool
fold_not_top(const struct stats_group *g, void *arg)
{
	struct top_ctx *c = arg;

	for (size_t i = 0; i < c->nkeep; i++)
		if (strcmp(c->keep[i], g->key[0]) == 0)
			return false;
	return true;
}

static int
cmp_rows_desc(const void *a, const void *b)
{
	const struct stats_group *x = *(const struct stats_group *const *)a;
	const struct stats_group *y = *(const struct stats_group *const *)b;

	if (x->rows != y->rows)
		return x->rows < y->rows ? 1 : -1;
	return strcmp(x->key[0], y->key[0]);
}

static void
fold_top(struct stats_table *t, size_t top, uint64_t min_n)
{
	const struct stats_group **v = xcalloc(t->ngroups ? t->ngroups : 1,
	    sizeof(*v));
	struct top_ctx c = { xcalloc(top ? top : 1, sizeof(char *)), 0 };

	for (size_t i = 0; i < t->ngroups; i++)
		v[i] = &t->groups[i];
	qsort(v, t->ngroups, sizeof(*v), cmp_rows_desc);
	for (size_t i = 0; i < t->ngroups && c.nkeep < top; i++)
		if (v[i]->rows >= min_n &&
		    strcmp(v[i]->key[0], STATS_LABEL_OTHER) != 0)
			c.keep[c.nkeep++] = v[i]->key[0];
	/* Labels point into t, which fold_if rewrites: copy them first. */
	for (size_t i = 0; i < c.nkeep; i++)
		c.keep[i] = xstrdup(c.keep[i]);
	free(v);
	stats_table_fold_if(t, fold_not_top, &c);
	for (size_t i = 0; i < c.nkeep; i++)
		free((char *)c.keep[i]);
	free(c.keep);
}

struct doc {
	FILE *f;
	const struct report_input *in;
	const struct report_crawl *cur;
	const struct stats_result *res;
	struct stats_table *country;	/* folded, sorted */
	struct stats_table *sector;	/* or NULL */
	struct stats_table *all;	/* one group */
	size_t nm;
};

static const struct stats_group *
overall(const struct doc *d)
{
	return d->all->ngroups ? &d->all->groups[0] : NULL;
}

/*
 * Whether metric m is drawn: its columns are there and some domain of the
 * current crawl is in its denominator (a probe left out of the crawl
 * leaves n = 0 everywhere: listed under Method instead of empty charts).
 */
static bool
avail(const struct doc *d, size_t m)
{
	const struct stats_group *g = overall(d);

	return stats_result_available(d->res, m) && g && g->c[m].n > 0;
}

static void
header(struct doc *d)
{
	FILE *f = d->f;
	const struct stats_result *r = d->res;
	const char *list = NULL;
	char rows[32], when[64];
	struct tm tm;

	for (size_t s = 0; s < r->nsources && !list; s++)
		list = stats_source_kv(&r->sources[s], SNAPSHOT_KEY_LIST_NAME);
	report_count_text(r->rows, rows, sizeof(rows));
	gmtime_r(&d->in->generated, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	fputs("<header class=\"title\"><h1>", f);
	report_esc(f, d->in->title);
	fputs("</h1>\n<div class=\"sub\">", f);
	if (d->in->ncrawls > 1) {
		fprintf(f, "%zu crawls, ", d->in->ncrawls);
		report_esc(f, d->in->crawls[0].date);
		fputs(" to ", f);
		report_esc(f, d->cur->date);
		fputs(" (figures from the latest unless said otherwise)", f);
	} else {
		fputs("Crawl of ", f);
		report_esc(f, d->cur->date);
	}
	if (list) {
		fputs(" &middot; list <b>", f);
		report_esc(f, list);
		fputs("</b>", f);
	}
	fprintf(f, " &middot; %s domains &middot; %zu snapshot part%s</div>\n",
	    rows, r->nparts - r->bad_parts, r->nparts - r->bad_parts == 1 ?
	    "" : "s");
	fprintf(f, "<div class=\"sub note\">Generated %s by uptake-report %s (schema v%d).</div></header>\n",
	    when, UPTAKE_VERSION, SCHEMA_VERSION);
	for (size_t c = 0; c < d->in->ncrawls; c++) {
		const struct stats_result *cr = d->in->crawls[c].res;
		if (!cr->bad_parts)
			continue;
		fprintf(f, "<div class=\"partial\">PARTIAL RESULTS: %zu of %zu parts of the crawl of ",
		    cr->bad_parts, cr->nparts);
		report_esc(f, d->in->crawls[c].date);
		fputs(" could not be read and are left out; its figures do not describe the whole crawl. See Provenance.</div>\n",
		    f);
	}
	for (size_t c = 0; c < d->in->ncrawls; c++) {
		const struct stats_result *cr = d->in->crawls[c].res;
		if (!cr->dup_dropped)
			continue;
		fputs("<div class=\"partial\">Duplicate rows dropped (--dedupe keep-first) in the crawl of ", f);
		report_esc(f, d->in->crawls[c].date);
		fputs(": ", f);
		report_esc(f, cr->dup_text);
		fputs(".</div>\n", f);
	}
}

static void
cards(struct doc *d)
{
	static const char *const headline[] = { "dnssec_signed", "rpki_valid",
		"tls13", "hsts", "dmarc_enforced", "ipv6_web" };
	FILE *f = d->f;
	const struct stats_group *g = overall(d);
	bool any = false;

	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++) {
		int m = metric_find(headline[i]);
		double rate, lo, hi;
		if (m < 0 || !avail(d, (size_t)m) || !fig(g, (size_t)m, &rate,
		    &lo, &hi))
			continue;
		if (!any)
			fputs("<div class=\"cards\">\n", f);
		any = true;
		fprintf(f, "<div class=\"card\"><div class=\"v\">%.1f%%</div><div class=\"l\">",
		    100 * rate);
		report_esc(f, metric_get((size_t)m)->label);
		char cnt[32];
		report_count_text(g->c[m].n, cnt, sizeof(cnt));
		fprintf(f, "</div><div class=\"ci\">95%% CI %.1f&ndash;%.1f%%<br>n = %s</div></div>\n",
		    100 * lo, 100 * hi, cnt);
	}
	if (any)
		fputs("</div>\n", f);
}

static void
caption(FILE *f, const struct metric *m)
{
	fputs("<figcaption>", f);
	report_esc(f, m->label);
	fputs(" <code>", f);
	report_esc(f, m->name);
	fputs("</code><span class=\"def\">", f);
	report_esc(f, m->description);
	fputs("</span></figcaption>\n", f);
}

static void
overview(struct doc *d)
{
	FILE *f = d->f;
	const struct stats_group *g = overall(d);
	struct report_bar *bars = xcalloc(d->nm, sizeof(*bars));

	fputs("<section><h2>Overall adoption</h2>\n", f);
	fputs("<p>Share of the domains to which each question applies (the denominator <i>n</i>: for example only domains with a working HTTPS response for the web headers, only domains with MX for mail transport), with 95% Wilson intervals. Definitions are in the Method section.</p>\n",
	    f);
	cards(d);
	fputs("<div class=\"grid\">\n", f);
	for (const char *const *grp = metric_groups(); *grp; grp++) {
		size_t nb = 0;
		for (size_t m = 0; m < d->nm; m++) {
			const struct metric *mt = metric_get(m);
			if (strcmp(mt->group, *grp) != 0 || !avail(d, m))
				continue;
			struct report_bar *b = &bars[nb++];
			b->label = mt->label;
			fig(g, m, &b->rate, &b->lo, &b->hi);
			b->n = g ? g->c[m].n : 0;
		}
		if (nb == 0)
			continue;
		fputs("<figure><figcaption>", f);
		report_esc(f, metric_group_title(*grp));
		fputs("</figcaption>\n", f);
		report_svg_bars(f, bars, nb, 150, metric_group_title(*grp));
		fputs("</figure>\n", f);
	}
	fputs("</div></section>\n", f);
	free(bars);
}

/* A heat map: rows metrics (by group), columns the groups of t. */
static void
heat_table(struct doc *d, const struct stats_table *t, const char *what)
{
	FILE *f = d->f;
	char cnt[32];

	fputs("<div class=\"scroll\"><table class=\"heat\"><thead><tr><th class=\"m\">Standard</th>",
	    f);
	for (size_t i = 0; i < t->ngroups; i++) {
		report_count_text(t->groups[i].rows, cnt, sizeof(cnt));
		fputs("<th>", f);
		report_esc(f, t->groups[i].key[0]);
		fprintf(f, "<small>%s</small></th>", cnt);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (const char *const *grp = metric_groups(); *grp; grp++) {
		bool head = false;
		for (size_t m = 0; m < d->nm; m++) {
			const struct metric *mt = metric_get(m);
			if (strcmp(mt->group, *grp) != 0 || !avail(d, m))
				continue;
			if (!head) {
				fprintf(f, "<tr class=\"g\"><th colspan=\"%zu\">",
				    t->ngroups + 1);
				report_esc(f, metric_group_title(*grp));
				fputs("</th></tr>\n", f);
				head = true;
			}
			fputs("<tr><th class=\"m\">", f);
			report_esc(f, mt->label);
			fputs("</th>", f);
			for (size_t i = 0; i < t->ngroups; i++) {
				const struct stats_group *g = &t->groups[i];
				double rate, lo, hi;
				char bg[8];
				const char *fg;
				if (!fig(g, m, &rate, &lo, &hi)) {
					fputs("<td title=\"no denominator\" style=\"color:#9aa3ad\">&ndash;</td>",
					    f);
					continue;
				}
				report_heat_colour(rate, bg, &fg);
				bool low = g->c[m].n < d->in->min_n;
				fprintf(f, "<td%s style=\"background:%s;color:%s\" title=\"",
				    low ? " class=\"low\"" : "", bg, fg);
				report_esc(f, g->key[0]);
				fputs(", ", f);
				report_esc(f, mt->label);
				fprintf(f, ": %.1f%% (95%% CI %.1f-%.1f%%), n = %" PRIu64 "\">%.0f</td>",
				    100 * rate, 100 * lo, 100 * hi, g->c[m].n,
				    100 * rate);
			}
			fputs("</tr>\n", f);
		}
	}
	fprintf(f, "</tbody></table></div>\n<div class=\"scale\">0%%<span class=\"bar\"></span>100%% &nbsp; Cells: %% of <i>n</i> per %s (hover for the interval and <i>n</i>); &dagger; <i>n</i> below %" PRIu64 "; &ndash; no denominator.</div>\n",
	    what, d->in->min_n);
}

static void
countries(struct doc *d)
{
	FILE *f = d->f;
	const struct stats_table *t = d->country;
	struct report_bar *bars = xcalloc(t->ngroups ? t->ngroups : 1,
	    sizeof(*bars));
	const struct stats_result *r = d->res;

	fputs("<section class=\"major\"><h2>Countries</h2>\n", f);
	fprintf(f, "<p>Country of a domain: the list's own label (--meta) where given, else its country-code TLD, else the country where its web address is hosted. In this crawl: %" PRIu64 " from the list's labels, %" PRIu64 " from the ccTLD, %" PRIu64 " from hosting, %" PRIu64 " unknown.",
	    r->csrc[STATS_CSRC_META], r->csrc[STATS_CSRC_CCTLD],
	    r->csrc[STATS_CSRC_HOSTING], r->csrc[STATS_CSRC_NONE]);
	fprintf(f, " The %zu largest countries with at least %" PRIu64 " domains are shown; the others are in &ldquo;other&rdquo;.</p>\n",
	    d->in->top, d->in->min_n);
	fputs("<h3>Country &times; standard</h3>\n", f);
	heat_table(d, t, "country");
	for (const char *const *grp = metric_groups(); *grp; grp++) {
		bool head = false;
		for (size_t m = 0; m < d->nm; m++) {
			const struct metric *mt = metric_get(m);
			if (strcmp(mt->group, *grp) != 0 || !avail(d, m))
				continue;
			if (!head) {
				fputs("<h3>", f);
				report_esc(f, metric_group_title(*grp));
				fputs(" by country</h3>\n<div class=\"grid\">\n", f);
				head = true;
			}
			/* Sorted by rate, other and unknown last. */
			size_t nb = 0;
			for (int pass = 0; pass < 2; pass++)
				for (size_t i = 0; i < t->ngroups; i++) {
					const struct stats_group *g = &t->groups[i];
					if (is_special(g->key[0]) != (pass == 1))
						continue;
					struct report_bar *b = &bars[nb++];
					b->label = g->key[0];
					b->muted = pass == 1;
					b->n = g->c[m].n;
					fig(g, m, &b->rate, &b->lo, &b->hi);
				}
			size_t nreal = 0;
			while (nreal < nb && !bars[nreal].muted)
				nreal++;
			for (size_t i = 1; i < nreal; i++)
				for (size_t j = i; j > 0; j--) {
					double a = bars[j - 1].rate, b = bars[j].rate;
					bool swap = isnan(a) ? !isnan(b) :
					    (!isnan(b) && b > a);
					if (!swap)
						break;
					struct report_bar tmp = bars[j];
					bars[j] = bars[j - 1];
					bars[j - 1] = tmp;
				}
			fputs("<figure>", f);
			caption(f, mt);
			report_svg_bars(f, bars, nb, 64, mt->label);
			fputs("</figure>\n", f);
		}
		if (head)
			fputs("</div>\n", f);
	}
	fputs("</section>\n", f);
	free(bars);
}

/* The providers of one market, largest first (ties by name). */
static int
cmp_provider(const void *a, const void *b)
{
	const struct stats_group *x = *(const struct stats_group *const *)a;
	const struct stats_group *y = *(const struct stats_group *const *)b;

	if (x->rows != y->rows)
		return x->rows > y->rows ? -1 : 1;
	return strcmp(x->key[1], y->key[1]);
}

/* The US DoJ/FTC reading of an index (docs/method.md). */
static const char *
hhi_level(double hhi)
{
	return hhi < 1500 ? "unconcentrated" : hhi <= 2500 ?
	    "moderately concentrated" : "highly concentrated";
}

/* One role's table: a line per country shown elsewhere in the report
 * (the largest, not "other"), its top providers, their shares, the
 * index. */
static void
provider_table(struct doc *d, const struct stats_result *r,
    const char *role)
{
	FILE *f = d->f;
	const struct stats_conc *c = r->conc;
	const struct stats_table *t = &r->table;
	const struct stats_group **v = xcalloc(t->ngroups ? t->ngroups : 1,
	    sizeof(*v));
	char buf[32];
	bool any = false;

	for (size_t i = 0; c != NULL && i < c->n; i++)
		any |= c->m[i].with_operator > 0;
	fputs("<h3>", f);
	fputs(role, f);
	fputs(" operators</h3>\n", f);
	if (!any) {
		fputs("<p>Not measured in this crawl (no row has the operator column: a snapshot before schema v3, or the DNS probe was off).</p>\n",
		    f);
		free(v);
		return;
	}
	fprintf(f, "<table class=\"data providers\"><thead><tr><th>Country</th><th>Domains with a known operator</th><th>Providers</th><th>Top %d (share)</th><th>HHI</th><th>Reading</th><th>Unknown operator</th></tr></thead><tbody>\n",
	    REPORT_TOP_PROVIDERS);
	for (size_t k = 0; k < d->country->ngroups; k++) {
		const char *cc = d->country->groups[k].key[0];
		const struct stats_market *m = NULL;
		size_t nv = 0;

		if (strcmp(cc, STATS_LABEL_OTHER) == 0)
			continue;
		for (size_t i = 0; i < c->n; i++)
			if (strcmp(c->m[i].key[0], cc) == 0)
				m = &c->m[i];
		if (m == NULL || m->with_operator == 0)
			continue;
		for (size_t i = 0; i < t->ngroups; i++)
			if (strcmp(t->groups[i].key[0], cc) == 0 &&
			    strcmp(t->groups[i].key[1], STATS_LABEL_UNKNOWN) != 0)
				v[nv++] = &t->groups[i];
		qsort(v, nv, sizeof(*v), cmp_provider);
		fputs("<tr><th>", f);
		report_esc(f, cc);
		report_count_text(m->with_operator, buf, sizeof(buf));
		fprintf(f, "</th><td class=\"num\">%s</td>", buf);
		fprintf(f, "<td class=\"num\">%" PRIu64 "</td><td>", m->providers);
		for (size_t i = 0; i < nv && i < REPORT_TOP_PROVIDERS; i++) {
			if (i)
				fputs(", ", f);
			fputs("<span class=\"prov\">", f);
			report_esc(f, v[i]->key[1]);
			fprintf(f, "</span> %.1f%%", 100 * stats_conc_share(c, v[i]));
		}
		fprintf(f, "</td><td class=\"num hhi\">%.0f</td><td>%s</td>",
		    m->hhi, hhi_level(m->hhi));
		report_count_text(m->without_operator, buf, sizeof(buf));
		fprintf(f, "<td class=\"num\">%s</td></tr>\n", buf);
	}
	fputs("</tbody></table>\n", f);
	free(v);
}

static void
providers(struct doc *d)
{
	FILE *f = d->f;

	if (d->in->providers[0] == NULL && d->in->providers[1] == NULL)
		return;
	fputs("<section class=\"major\"><h2>Providers</h2>\n", f);
	fprintf(f, "<p>Who runs the DNS and the mail of each country's domains: the operator of a domain is the registrable domain of its name servers' (NS) or mail servers' (MX) host names, the one most of them share. A provider's share is its domains over the country's domains with a known operator; the Herfindahl-Hirschman index (HHI) sums the squared shares in percent, from near 0 (many small providers) to 10000 (one provider). Readings after the US DoJ/FTC merger guidelines: under 1500 unconcentrated, 1500&ndash;2500 moderately, above 2500 highly concentrated. Domains without an NS or MX answer have no operator and are in no share (last column). Definitions: Method, and docs/method.md (&ldquo;Concentration index&rdquo;).</p>\n");
	if (d->in->providers[0] != NULL)
		provider_table(d, d->in->providers[0], "DNS (NS)");
	if (d->in->providers[1] != NULL)
		provider_table(d, d->in->providers[1], "Mail (MX)");
	fputs("</section>\n", f);
}

static void
sectors(struct doc *d)
{
	FILE *f = d->f;
	const struct stats_table *t = d->sector;
	size_t ns = 0;

	if (t == NULL || t->ngroups == 0)
		return;
	fputs("<section class=\"major\"><h2>Sectors</h2>\n<p>Sector of a domain: the list's own label (--meta). Domains without one are &ldquo;unknown&rdquo;.</p>\n",
	    f);
	heat_table(d, t, "sector");
	const char **series = xcalloc(t->ngroups, sizeof(*series));
	for (size_t i = 0; i < t->ngroups; i++)
		series[ns++] = t->groups[i].key[0];
	double *rates = xcalloc(d->nm * ns, sizeof(*rates));
	struct report_dot_row *rows = xcalloc(d->nm, sizeof(*rows));
	fputs("<h3>Sector comparison</h3>\n<div>\n", f);
	for (const char *const *grp = metric_groups(); *grp; grp++) {
		size_t nr = 0;
		for (size_t m = 0; m < d->nm; m++) {
			const struct metric *mt = metric_get(m);
			if (strcmp(mt->group, *grp) != 0 || !avail(d, m))
				continue;
			double *rr = rates + m * ns;
			for (size_t s = 0; s < ns; s++) {
				double lo, hi;
				fig(&t->groups[s], m, &rr[s], &lo, &hi);
			}
			rows[nr].label = mt->label;
			rows[nr].rate = rr;
			nr++;
		}
		if (nr == 0)
			continue;
		fputs("<figure><figcaption>", f);
		report_esc(f, metric_group_title(*grp));
		fputs("</figcaption>\n", f);
		report_svg_dots(f, rows, nr, series, ns, metric_group_title(*grp));
		fputs("</figure>\n", f);
	}
	fputs("</div></section>\n", f);
	free(rows);
	free(rates);
	free(series);
}

static double
date_days(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(s, "%Y-%m-%d", &tm) == NULL)
		return NAN;
	return (double)timegm(&tm) / 86400.0;
}

struct change {
	const char *country;
	size_t m;
	struct stats_change c;	/* the trend model (stats.h) */
};

static int
cmp_change(const void *a, const void *b)
{
	const struct change *x = a, *y = b;
	double dx = fabs(x->c.r2 - x->c.r1), dy = fabs(y->c.r2 - y->c.r1);

	return dx < dy ? 1 : dx > dy ? -1 : 0;
}

/* One trend chart per metric, by group: all domains of each crawl. */
static void
trend_figures(struct doc *d)
{
	FILE *f = d->f;
	const struct report_input *in = d->in;
	size_t nc = in->ncrawls;
	struct stats_table **alls = xcalloc(nc, sizeof(*alls));
	const char **labels = xcalloc(nc, sizeof(*labels));
	struct report_point *pts = xcalloc(nc, sizeof(*pts));

	for (size_t c = 0; c < nc; c++) {
		alls[c] = stats_table_rollup(&in->crawls[c].res->table, NULL, 0);
		labels[c] = in->crawls[c].date;
	}
	for (const char *const *grp = metric_groups(); *grp; grp++) {
		bool head = false;
		for (size_t m = 0; m < d->nm; m++) {
			const struct metric *mt = metric_get(m);
			if (strcmp(mt->group, *grp) != 0 || !avail(d, m))
				continue;
			if (!head) {
				fputs("<h3>", f);
				report_esc(f, metric_group_title(*grp));
				fputs("</h3>\n<div class=\"grid trend\">\n", f);
				head = true;
			}
			for (size_t c = 0; c < nc; c++) {
				pts[c].x = date_days(in->crawls[c].date);
				if (isnan(pts[c].x))
					pts[c].x = (double)c;
				const struct stats_group *g = alls[c]->ngroups ?
				    &alls[c]->groups[0] : NULL;
				if (!stats_result_available(in->crawls[c].res, m))
					g = NULL;
				fig(g, m, &pts[c].rate, &pts[c].lo, &pts[c].hi);
			}
			fputs("<figure>", f);
			caption(f, mt);
			report_svg_trend(f, pts, nc, labels, mt->label);
			fputs("</figure>\n", f);
		}
		if (head)
			fputs("</div>\n", f);
	}
	for (size_t c = 0; c < nc; c++)
		stats_table_free(alls[c]);
	free(alls);
	free(labels);
	free(pts);
}

/* What moved by country between the last two crawls: the significant
 * changes (Benjamini-Hochberg), largest first. */
static void
trend_changes(struct doc *d)
{
	FILE *f = d->f;
	const struct report_input *in = d->in;
	const struct report_crawl *prev = &in->crawls[in->ncrawls - 2];
	struct stats_table *pc = stats_table_rollup(&prev->res->table,
	    (size_t[]){ 0 }, 1);
	const struct stats_table *cc = d->country;
	size_t cap = cc->ngroups * d->nm, n = 0;
	struct change *ch = xcalloc(cap ? cap : 1, sizeof(*ch));

	for (size_t i = 0; i < cc->ngroups; i++) {
		const struct stats_group *b = &cc->groups[i];
		if (is_special(b->key[0]))
			continue;
		const struct stats_group *a = stats_table_find(pc,
		    (const char *const *)b->key);
		if (a == NULL || a->rows < in->min_n)
			continue;
		for (size_t m = 0; m < d->nm; m++) {
			if (!avail(d, m) || !stats_result_available(prev->res, m))
				continue;
			ch[n].country = b->key[0];
			ch[n].m = m;
			if (stats_change_compute(a, b, m, true, &ch[n].c))
				n++;
		}
	}
	struct stats_change **cv = xcalloc(n ? n : 1, sizeof(*cv));
	for (size_t i = 0; i < n; i++)
		cv[i] = &ch[i].c;
	stats_change_adjust(cv, n);
	free(cv);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (stats_change_significant(&ch[i].c, REPORT_ALPHA, true))
			ch[w++] = ch[i];
	qsort(ch, w, sizeof(*ch), cmp_change);
	fputs("<h3>Significant changes by country since ", f);
	report_esc(f, prev->date);
	fputs("</h3>\n", f);
	fprintf(f, "<p class=\"note\">Pooled two-proportion z-test per country and standard, %zu tests, Benjamini-Hochberg adjusted <i>q</i> &lt; 0.05: %zu changes%s.</p>\n",
	    n, w, w > MAX_CHANGES ? ", the largest shown" : "");
	if (w) {
		fputs("<table class=\"data\"><thead><tr><th>Country</th><th>Standard</th><th class=\"num\">Before</th><th class=\"num\">Now</th><th class=\"num\">Change (pts)</th><th class=\"num\">q</th></tr></thead><tbody>\n",
		    f);
		for (size_t i = 0; i < w && i < MAX_CHANGES; i++) {
			fputs("<tr><td>", f);
			report_esc(f, ch[i].country);
			fputs("</td><td>", f);
			report_esc(f, metric_get(ch[i].m)->label);
			fprintf(f, "</td><td class=\"num\">%.1f%% <span class=\"note\">(n %" PRIu64 ")</span></td><td class=\"num\">%.1f%% <span class=\"note\">(n %" PRIu64 ")</span></td><td class=\"num\">%+.1f</td><td class=\"num\">%.2g</td></tr>\n",
			    100 * ch[i].c.r1, ch[i].c.n1, 100 * ch[i].c.r2,
			    ch[i].c.n2, 100 * (ch[i].c.r2 - ch[i].c.r1),
			    ch[i].c.q);
		}
		fputs("</tbody></table>\n", f);
	}
	free(ch);
	stats_table_free(pc);
}

static void
trends(struct doc *d)
{
	FILE *f = d->f;
	const struct report_input *in = d->in;
	size_t nc = in->ncrawls;

	if (nc < 2)
		return;
	fputs("<section class=\"major\"><h2>Trends</h2>\n", f);
	fprintf(f, "<p>All domains of each crawl, %zu crawls. Bands are 95%% Wilson intervals; the vertical axis is zoomed to the data (labelled).</p>\n",
	    nc);
	trend_figures(d);
	trend_changes(d);
	fputs("</section>\n", f);
}

static void
method(struct doc *d)
{
	FILE *f = d->f;
	bool any = false;

	fputs("<section class=\"major\"><h2>Method</h2>\n", f);
	fputs("<p>One row per domain of the input list. Each figure is <i>k</i> of <i>n</i>: <i>n</i> counts the domains for which the question applies and was measured; <i>k</i> those of <i>n</i> that have adopted the standard. A domain whose relevant value was not measured (null in the snapshot) is outside <i>n</i>, never counted as not adopting. The conditions below are SQL; the same text is the code uptake-stats runs, and DuckDB over the same Parquet files gives the same <i>n</i> and <i>k</i> (docs/method.md).</p>\n",
	    f);
	fputs("<p>95% intervals are Wilson score intervals: (p + z&sup2;/2n &plusmn; z&radic;(p(1&minus;p)/n + z&sup2;/4n&sup2;)) / (1 + z&sup2;/n) with z = 1.96. Changes between crawls are tested with the pooled two-proportion z-test, p-values adjusted for the number of tests (Benjamini-Hochberg).</p>\n",
	    f);
	fprintf(f, "<p>Groups of fewer than %" PRIu64 " domains are folded into &ldquo;other&rdquo;. Country: the --meta label, else the ccTLD (two-letter TLDs, uk as GB; eu and generic-use ccTLDs such as io, co, tv, me excluded), else the hosting country.%s</p>\n",
	    d->in->min_n, d->in->country_source >= 0 ?
	    " This report forces one source (--country-source)." : "");
	for (size_t m = 0; m < d->nm; m++)
		if (d->res->wanted[m] && d->res->missing[m]) {
			if (!any)
				fputs("<p>Not available in these snapshots (their columns are missing, e.g. an older schema):</p><ul>\n", f);
			any = true;
			fputs("<li><code>", f);
			report_esc(f, metric_get(m)->name);
			fputs("</code>: ", f);
			report_esc(f, d->res->missing[m]);
			fputs("</li>\n", f);
		}
	if (any)
		fputs("</ul>\n", f);
	any = false;
	for (size_t m = 0; m < d->nm; m++)
		if (stats_result_available(d->res, m) && !avail(d, m)) {
			fputs(any ? ", " : "<p>Not measured in this crawl (no domain in the denominator: the probe did not run or found nothing to judge): ", f);
			any = true;
			fputs("<code>", f);
			report_esc(f, metric_get(m)->name);
			fputs("</code>", f);
		}
	if (any)
		fputs(".</p>\n", f);
	fputs("<table class=\"data defs\"><thead><tr><th>Metric</th><th>Measures</th><th><i>n</i>: domains where</th><th><i>k</i>: domains of <i>n</i> where</th></tr></thead><tbody>\n",
	    f);
	for (size_t m = 0; m < d->nm; m++) {
		const struct metric *mt = metric_get(m);
		if (!d->res->wanted[m])
			continue;
		fputs("<tr><td><code>", f);
		report_esc(f, mt->name);
		fputs("</code></td><td>", f);
		report_esc(f, mt->description);
		fputs("</td><td><code>", f);
		report_esc(f, mt->den);
		fputs("</code></td><td><code>", f);
		report_esc(f, mt->num);
		fputs("</code></td></tr>\n", f);
	}
	fputs("</tbody></table></section>\n", f);
}

static void
provenance(struct doc *d)
{
	FILE *f = d->f;
	const struct report_input *in = d->in;

	fputs("<section class=\"major\"><h2>Provenance</h2>\n", f);
	if (in->meta_path) {
		fputs("<p>Labels (--meta): <code>", f);
		report_esc(f, in->meta_path);
		fputs("</code></p>\n", f);
	}
	for (size_t c = 0; c < in->ncrawls; c++) {
		const struct stats_result *r = in->crawls[c].res;
		fputs("<h3>Crawl of ", f);
		report_esc(f, in->crawls[c].date);
		fputs("</h3>\n", f);
		for (size_t s = 0; s < r->nsources; s++) {
			const struct stats_source *src = &r->sources[s];
			char rows[32];
			report_count_text((uint64_t)src->rows, rows, sizeof(rows));
			fputs("<dl class=\"prov\"><dt>snapshot</dt><dd><code>", f);
			report_esc(f, src->path);
			fprintf(f, "</code></dd><dt>parts, rows</dt><dd>%zu, %s</dd>\n",
			    src->nparts, rows);
			for (size_t i = 0; i < src->nkv; i++) {
				fputs("<dt>", f);
				report_esc(f, src->kv[i].key);
				fputs("</dt><dd>", f);
				report_esc(f, src->kv[i].value);
				fputs("</dd>\n", f);
			}
			fputs("</dl>\n", f);
		}
		for (size_t p = 0; p < r->nparts; p++) {
			if (!r->parts[p].error)
				continue;
			fputs("<p class=\"partial\">Left out: ", f);
			report_esc(f, r->parts[p].error);
			fputs("</p>\n", f);
		}
	}
	fputs("</section>\n", f);
}

int
report_write(FILE *f, const struct report_input *in)
{
	struct doc d;

	memset(&d, 0, sizeof(d));
	d.f = f;
	d.in = in;
	d.cur = &in->crawls[in->ncrawls - 1];
	d.res = d.cur->res;
	d.nm = metric_count();
	d.country = stats_table_rollup(&d.res->table, (size_t[]){ 0 }, 1);
	fold_top(d.country, in->top, in->min_n);
	stats_table_sort(d.country);
	if (in->have_sector) {
		d.sector = stats_table_rollup(&d.res->table, (size_t[]){ 1 }, 1);
		stats_table_fold(d.sector, in->min_n);
		stats_table_sort(d.sector);
	}
	d.all = stats_table_rollup(&d.res->table, NULL, 0);

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n", f);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", f);
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n",
	    f);
	fputs("<title>", f);
	report_esc(f, in->title);
	fputs(" &ndash; ", f);
	report_esc(f, d.cur->date);
	fprintf(f, "</title>\n<style>\n%s</style></head>\n<body><main>\n", css);
	header(&d);
	overview(&d);
	countries(&d);
	sectors(&d);
	providers(&d);
	trends(&d);
	method(&d);
	provenance(&d);
	fputs("<footer>uptake: measuring the adoption of Internet security standards. Every figure can be reproduced from the snapshots with uptake-stats or with SQL (docs/method.md).</footer>\n",
	    f);
	fputs("</main></body></html>\n", f);
	stats_table_free(d.country);
	stats_table_free(d.sector);
	stats_table_free(d.all);
	return ferror(f) ? -1 : 0;
}
