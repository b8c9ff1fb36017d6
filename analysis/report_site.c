/*
 * report_site.c - the pages of uptake-report --site (report_site.h).
 *
 * DIR/index.html, DIR/style.css, DIR/country/SLUG.html,
 * DIR/sector/SLUG.html, DIR/org/SLUG.html and SLUG.csv (the scorecard),
 * DIR/profile/SLUG.html, DIR/organisations.csv.  Every text taken from
 * the inputs goes through report_esc; file names are slugs of [a-z0-9-]
 * (site_slug), so no label can leave DIR or break out of an attribute.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "report_site.h"
#include "util.h"

static const char *const kind_dir[SITE_KINDS] = { "", "country", "sector",
	"org" };
static const char *const kind_name[SITE_KINDS] = { "All", "Country",
	"Sector", "Organisation" };

static const char site_css[] =
	":root{--ink:#1f2933;--muted:#52606d;--line:#d9dee3;--soft:#f3f5f7;--accent:#2f6db5}\n"
	"body{margin:0;color:var(--ink);font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;background:#fff}\n"
	"nav{background:var(--soft);border-bottom:1px solid var(--line);padding:8px 24px;font-size:13px}\n"
	"nav a{margin-right:14px}\n"
	"main{max-width:1100px;margin:0 auto;padding:16px 24px 40px}\n"
	"a{color:var(--accent)}\n"
	"h1{font-size:24px;margin:10px 0 4px}h2{font-size:18px;margin:26px 0 8px;border-bottom:1px solid var(--line)}\n"
	"h3{font-size:15px;margin:18px 0 6px}\n"
	"p.sub{color:var(--muted);margin:0 0 12px}\n"
	"table{border-collapse:collapse;font-size:12.5px;margin:6px 0 14px}\n"
	"caption{text-align:left;font-weight:600;padding:4px 0;caption-side:top}\n"
	"th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}\n"
	"thead th{border-bottom:2px solid #9aa3ad}\n"
	"td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".v-pass{background:#d8f0dc}.v-fail{background:#f8d7d3}.v-explained{background:#fdf1c7}.v-not_measured{background:#eceff1;color:var(--muted)}\n"
	"figure{margin:8px 0 16px;break-inside:avoid;page-break-inside:avoid}\n"
	"figcaption{font-weight:600;font-size:13px}\n"
	"svg.chart{max-width:100%;height:auto;display:block}\n"
	".scroll{overflow-x:auto}\n"
	"code{font:12px ui-monospace,'DejaVu Sans Mono',monospace;word-break:break-word}\n"
	"ul.cols{columns:3 220px;padding-left:18px}\n"
	"footer{margin-top:30px;color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}\n"
	"@media print{\n"
	"@page{size:A4;margin:14mm 12mm 16mm}\n"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"nav{display:none}\n"
	"body{font-size:9.5pt}\n"
	"main{max-width:none;padding:0}\n"
	"a{color:inherit;text-decoration:none}\n"
	"h2,h3{break-after:avoid;page-break-after:avoid}\n"
	"table,figure{break-inside:avoid;page-break-inside:avoid}\n"
	".scroll{overflow:visible}\n"
	"ul.cols{columns:2}\n"
	"}\n";

struct out {
	const char *dir;
	char *err;
	size_t errlen;
	int failed;
};

/* Open dir/sub/name for writing; sub and name are ours (slugs). */
static FILE *
page_open(struct out *o, const char *sub, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s%s/%s", o->dir, *sub ? "/" : "",
	    sub, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		if (!o->failed)
			snprintf(o->err, o->errlen, "%s: %s", path,
			    strerror(errno));
		o->failed = 1;
		if (fd >= 0)
			close(fd);
	}
	return f;
}

static void
page_close(struct out *o, FILE *f, const char *sub, const char *name)
{
	if (fclose(f) != 0 && !o->failed) {
		snprintf(o->err, o->errlen, "%s/%s/%s: writing failed: %s",
		    o->dir, sub, name, strerror(errno));
		o->failed = 1;
	}
}

static void
page_head(FILE *f, const struct site_data *sd, const char *up,
    const char *heading, const char *kind)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
	    f);
	report_esc(f, heading);
	fputs(" &mdash; ", f);
	report_esc(f, sd->in->title);
	fprintf(f, "</title>\n<link rel=\"stylesheet\" href=\"%sstyle.css\">\n</head>\n<body>\n"
	    "<nav><a href=\"%sindex.html\">Index</a>", up, up);
	for (size_t i = 0; i < sd->in->np; i++) {
		char s[SITE_SLUG_MAX + 1];
		site_slug(sd->in->profiles[i]->name, s);
		fprintf(f, "<a href=\"%sprofile/%s.html\">", up, s);
		report_esc(f, sd->in->profiles[i]->name);
		fputs("</a>", f);
	}
	fputs("</nav>\n<main>\n", f);
	if (kind)
		fprintf(f, "<p class=\"sub\">%s</p>\n", kind);
	fputs("<h1>", f);
	report_esc(f, heading);
	fputs("</h1>\n", f);
}

static void
page_foot(FILE *f, const struct site_data *sd, const char *up)
{
	char when[32];
	struct tm tm;
	time_t t = sd->in->generated;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	fprintf(f, "<footer><a href=\"%sindex.html\">Index</a> &middot; generated %s by uptake-report &middot; crawls:",
	    up, when);
	for (size_t c = 0; c < sd->in->ncrawls; c++) {
		fputc(' ', f);
		report_esc(f, sd->in->crawls[c].date);
	}
	fputs("</footer>\n</main>\n</body></html>\n", f);
}

static void
link_group(FILE *f, const struct site_group *g, const char *up)
{
	fprintf(f, "<a href=\"%s%s/%s.html\">", up, kind_dir[g->kind], g->slug);
	report_esc(f, g->label);
	fputs("</a>", f);
}

/* "12.3%" and "10.1&ndash;14.9%" of k of n, or dashes. */
static void
td_share(FILE *f, uint64_t k, uint64_t n)
{
	double lo, hi;

	if (n == 0 || !stats_wilson((double)k, (double)n, STATS_Z95, &lo, &hi)) {
		fputs("<td class=\"num\">&ndash;</td><td class=\"num\">&ndash;</td>", f);
		return;
	}
	fprintf(f, "<td class=\"num\">%.1f%%</td><td class=\"num\">%.1f&ndash;%.1f%%</td>",
	    100.0 * (double)k / (double)n, 100 * lo, 100 * hi);
}

/* Days since 1970-01-01 of a YYYY-MM-DD date; NaN when not a date. */
static double
date_days(const char *s)
{
	if (s == NULL || strlen(s) < 10 || !profile_date_valid(s, 10))
		return NAN;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (double)era * 146097 + (double)doe - 719468;
}

/*
 * The "meets all" share of g for profile i over every crawl: a line
 * with its Wilson band, a <title> and a <desc> giving every point, and
 * (profile page) the requirements' effective dates as dashed lines.
 */
static void
chart_trend(FILE *f, const struct site_data *sd, const struct site_group *g,
    size_t i, bool deadlines)
{
	const struct site_input *in = sd->in;
	const struct profile *p = in->profiles[i];
	const double w = 520, h = 200, l = 44, r = 16, t = 14, b = 34;
	double pw = w - l - r, ph = h - t - b;
	double xmin = NAN, xmax = NAN;

	for (size_t c = 0; c < in->ncrawls; c++) {
		double x = date_days(in->crawls[c].date);
		if (isnan(x))
			x = (double)c;
		if (isnan(xmin) || x < xmin)
			xmin = x;
		if (isnan(xmax) || x > xmax)
			xmax = x;
	}
	double cmin = xmin, cmax = xmax;
	if (deadlines)
		for (size_t j = 0; j < p->nreqs; j++) {
			double x = date_days(p->reqs[j].date);
			if (isnan(x) || x < cmin - SITE_DEADLINE_SPAN_DAYS ||
			    x > cmax + SITE_DEADLINE_SPAN_DAYS)
				continue;
			xmin = x < xmin ? x : xmin;
			xmax = x > xmax ? x : xmax;
		}
	double span = xmax > xmin ? xmax - xmin : 1;
#define XP(v) (xmax > xmin ? l + pw * ((v) - xmin) / span : l + pw / 2)
#define YP(v) (t + ph * (1 - (v)))
	fprintf(f, "<figure><svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" font-size=\"10\" font-family=\"sans-serif\">\n<title>",
	    w, h, w, h);
	report_esc(f, p->name);
	fputs(": share of domains meeting all requirements, ", f);
	report_esc(f, g->label);
	fputs(", by crawl</title>\n<desc>", f);
	for (size_t c = 0; c < in->ncrawls; c++) {
		const struct site_cell *cl = site_cell_get(sd, g, c, i);
		report_esc(f, in->crawls[c].date);
		if (cl->n)
			fprintf(f, ": %.1f%% (%" PRIu64 " of %" PRIu64 "); ",
			    100.0 * (double)cl->k / (double)cl->n, cl->k, cl->n);
		else
			fputs(": no domain measured; ", f);
	}
	if (deadlines) {
		fputs("deadlines:", f);
		for (size_t j = 0; j < p->nreqs; j++) {
			fputc(' ', f);
			report_esc(f, p->reqs[j].id);
			fputc(' ', f);
			report_esc(f, p->reqs[j].date);
			fputc(';', f);
		}
	}
	fputs("</desc>\n", f);
	for (int y = 0; y <= 100; y += 25) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#52606d\">%d%%</text>\n",
		    l, YP(y / 100.0), l + pw, YP(y / 100.0), l - 4,
		    YP(y / 100.0) + 3, y);
	}
	if (deadlines)
		for (size_t j = 0; j < p->nreqs; j++) {
			double x = date_days(p->reqs[j].date);
			if (isnan(x) || x < xmin || x > xmax)
				continue;
			fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"><title>",
			    XP(x), t, XP(x), t + ph);
			report_esc(f, p->reqs[j].id);
			fputs(": effective ", f);
			report_esc(f, p->reqs[j].date);
			fputs("</title></line>\n", f);
		}
	/* Band and line. */
	size_t k = 0;
	fputs("<path d=\"", f);
	for (size_t c = 0; c < in->ncrawls; c++) {
		const struct site_cell *cl = site_cell_get(sd, g, c, i);
		double lo, hi, x = date_days(in->crawls[c].date);
		if (isnan(x))
			x = (double)c;
		if (stats_wilson((double)cl->k, (double)cl->n, STATS_Z95, &lo, &hi))
			fprintf(f, "%s%.2f %.2f", k++ ? "L" : "M", XP(x), YP(hi));
	}
	for (size_t c = in->ncrawls; c-- > 0;) {
		const struct site_cell *cl = site_cell_get(sd, g, c, i);
		double lo, hi, x = date_days(in->crawls[c].date);
		if (isnan(x))
			x = (double)c;
		if (stats_wilson((double)cl->k, (double)cl->n, STATS_Z95, &lo, &hi))
			fprintf(f, "L%.2f %.2f", XP(x), YP(lo));
	}
	fprintf(f, "%s\" fill=\"#2f6db5\" fill-opacity=\"0.18\"/>\n<path d=\"",
	    k ? "Z" : "M0 0");
	k = 0;
	for (size_t c = 0; c < in->ncrawls; c++) {
		const struct site_cell *cl = site_cell_get(sd, g, c, i);
		double x = date_days(in->crawls[c].date);
		if (isnan(x))
			x = (double)c;
		if (cl->n)
			fprintf(f, "%s%.2f %.2f", k++ ? "L" : "M", XP(x),
			    YP((double)cl->k / (double)cl->n));
	}
	fprintf(f, "%s\" fill=\"none\" stroke=\"#2f6db5\" stroke-width=\"2\"/>\n",
	    k ? "" : "M0 0");
	for (size_t c = 0; c < in->ncrawls; c++) {
		const struct site_cell *cl = site_cell_get(sd, g, c, i);
		double x = date_days(in->crawls[c].date);
		if (isnan(x))
			x = (double)c;
		if (cl->n)
			fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3.5\" fill=\"#2f6db5\"/>\n",
			    XP(x), YP((double)cl->k / (double)cl->n));
		if (c == 0 || c + 1 == in->ncrawls) {
			fprintf(f, "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"#52606d\">",
			    XP(x), h - b + 16, in->ncrawls == 1 ? "middle" :
			    c == 0 ? "start" : "end");
			report_esc(f, in->crawls[c].date);
			fputs("</text>\n", f);
		}
	}
	fputs("</svg>\n<figcaption>Meets all, ", f);
	report_esc(f, p->name);
	fputs(", by crawl (95% Wilson band)", f);
	if (deadlines)
		fputs("; dashed red lines: the requirements' effective dates", f);
	fputs("</figcaption></figure>\n", f);
#undef XP
#undef YP
}

/* Each requirement's pass share (of the domains where it is measured). */
static void
table_reqs(FILE *f, const struct site_data *sd, const struct site_group *g,
    size_t i)
{
	const struct profile *p = sd->in->profiles[i];
	const struct site_cell *cl = site_cell_get(sd, g, sd->in->ncrawls - 1,
	    i);

	fputs("<div class=\"scroll\"><table><caption>Requirements of ", f);
	report_esc(f, p->name);
	fputs(", ", f);
	report_esc(f, g->label);
	fputs(", latest crawl: pass share of the domains where measured (pass, fail or explained)</caption>\n"
	    "<thead><tr><th>requirement</th><th>effective</th><th>reference</th><th class=\"num\">pass</th><th class=\"num\">fail</th><th class=\"num\">explained</th><th class=\"num\">not measured</th><th class=\"num\">pass share</th><th class=\"num\">95% interval</th></tr></thead><tbody>\n",
	    f);
	for (size_t j = 0; j < p->nreqs; j++) {
		const struct profile_req *q = &p->reqs[j];
		const uint64_t *rc = cl->rc[j];
		fputs("<tr><td><code>", f);
		report_esc(f, q->id);
		fputs("</code> ", f);
		report_esc(f, q->title);
		fputs("</td><td>", f);
		report_esc(f, q->date);
		fputs("</td><td>", f);
		report_esc(f, q->source);
		fputs(", ", f);
		report_esc(f, q->section);
		fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
		    "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td>",
		    rc[PROFILE_PASS], rc[PROFILE_FAIL], rc[PROFILE_EXPLAINED],
		    rc[PROFILE_NOT_MEASURED]);
		td_share(f, rc[PROFILE_PASS], rc[PROFILE_PASS] +
		    rc[PROFILE_FAIL] + rc[PROFILE_EXPLAINED]);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
}

/* "Meets all" of profile i in the latest crawl for groups of kind k
 * (only those in keep[] when keep is given). */
static void
table_meets(FILE *f, const struct site_data *sd, size_t i, enum site_kind k,
    const bool *keep, const char *up)
{
	const struct profile *p = sd->in->profiles[i];
	size_t last = sd->in->ncrawls - 1;

	fputs("<div class=\"scroll\"><table><caption>Meets all of ", f);
	report_esc(f, p->name);
	fprintf(f, " by %s, latest crawl (n: domains where every requirement is measured)</caption>\n"
	    "<thead><tr><th>%s</th><th class=\"num\">domains</th><th class=\"num\">n</th><th class=\"num\">meets all</th><th class=\"num\">of which explained</th><th class=\"num\">share</th><th class=\"num\">95%% interval</th></tr></thead><tbody>\n",
	    k == SITE_COUNTRY ? "country" : k == SITE_SECTOR ? "sector" :
	    "organisation", kind_name[k]);
	for (size_t x = sd->first[k]; x < sd->first[k + 1]; x++) {
		if (keep && !keep[x])
			continue;
		const struct site_group *g = &sd->g[x];
		const struct site_cell *cl = site_cell_get(sd, g, last, i);
		fputs("<tr><td>", f);
		link_group(f, g, up);
		fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
		    "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64 "</td>",
		    cl->domains, cl->n, cl->k, cl->kx);
		td_share(f, cl->k, cl->n);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
}

static void
write_index(struct out *o, const struct site_data *sd)
{
	FILE *f = page_open(o, "", "index.html");
	const struct site_input *in = sd->in;

	if (f == NULL)
		return;
	page_head(f, sd, "", in->title, NULL);
	fprintf(f, "<p class=\"sub\">%zu crawl%s, latest ", in->ncrawls,
	    in->ncrawls == 1 ? "" : "s");
	report_esc(f, in->crawls[in->ncrawls - 1].date);
	fputs(". Verdicts as uptake-comply gives them; \"meets all\": every requirement passes or is explained, among the domains where every requirement is measured.</p>\n", f);
	fputs("<h2>Profiles</h2>\n<table><caption>Meets all, every domain, latest crawl</caption>\n"
	    "<thead><tr><th>profile</th><th>version</th><th class=\"num\">domains</th><th class=\"num\">n</th><th class=\"num\">meets all</th><th class=\"num\">share</th><th class=\"num\">95% interval</th></tr></thead><tbody>\n",
	    f);
	const struct site_group *all = &sd->g[sd->first[SITE_ALL]];
	for (size_t i = 0; i < in->np; i++) {
		const struct profile *p = in->profiles[i];
		const struct site_cell *cl = site_cell_get(sd, all,
		    in->ncrawls - 1, i);
		char s[SITE_SLUG_MAX + 1];
		site_slug(p->name, s);
		fprintf(f, "<tr><td><a href=\"profile/%s.html\">", s);
		report_esc(f, p->name);
		fputs("</a> ", f);
		if (p->title)
			report_esc(f, p->title);
		fputs("</td><td>", f);
		report_esc(f, p->version);
		fprintf(f, "</td><td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
		    "</td><td class=\"num\">%" PRIu64 "</td>", cl->domains,
		    cl->n, cl->k);
		td_share(f, cl->k, cl->n);
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
	for (size_t i = 0; i < in->np; i++)
		chart_trend(f, sd, all, i, false);
	for (int k = SITE_COUNTRY; k <= SITE_ORG; k++) {
		if (sd->first[k] == sd->first[k + 1])
			continue;
		fprintf(f, "<h2>%s</h2>\n", k == SITE_COUNTRY ? "Countries" :
		    k == SITE_SECTOR ? "Sectors" : "Organisations (scorecards)");
		for (size_t i = 0; i < in->np; i++)
			table_meets(f, sd, i, (enum site_kind)k, NULL, "");
	}
	if (sd->first[SITE_ORG] < sd->first[SITE_ORG + 1])
		fputs("<p>Every organisation's figures as CSV: <a href=\"organisations.csv\">organisations.csv</a>.</p>\n", f);
	page_foot(f, sd, "");
	page_close(o, f, "", "index.html");
}

/* Country or sector page. */
static void
write_area(struct out *o, const struct site_data *sd, const struct site_group *g)
{
	char name[SITE_SLUG_MAX + 32];
	const struct site_input *in = sd->in;

	snprintf(name, sizeof(name), "%s.html", g->slug);
	FILE *f = page_open(o, kind_dir[g->kind], name);
	if (f == NULL)
		return;
	page_head(f, sd, "../", g->label, kind_name[g->kind]);
	/* Its organisations: those with a domain here (country) or this
	 * main sector (sector). */
	bool *keep = xcalloc(sd->ng, sizeof(*keep));
	size_t gx = (size_t)(g - sd->g), nkeep = 0;
	for (size_t x = sd->first[SITE_ORG]; x < sd->first[SITE_ORG + 1]; x++) {
		const struct site_group *og = &sd->g[x];
		if (g->kind == SITE_SECTOR)
			keep[x] = og->sector_g == gx;
		else
			for (size_t a = 0; a < og->ndom && !keep[x]; a++)
				keep[x] = sd->d[og->dom[a]].country_g == gx;
		nkeep += keep[x];
	}
	for (size_t i = 0; i < in->np; i++) {
		const struct profile *p = in->profiles[i];
		const struct site_cell *cl = site_cell_get(sd, g,
		    in->ncrawls - 1, i);
		char s[SITE_SLUG_MAX + 1];
		site_slug(p->name, s);
		fprintf(f, "<h2><a href=\"../profile/%s.html\">", s);
		report_esc(f, p->name);
		fputs("</a></h2>\n<table><caption>Meets all, latest crawl</caption><thead><tr><th class=\"num\">domains</th><th class=\"num\">n</th><th class=\"num\">meets all</th><th class=\"num\">share</th><th class=\"num\">95% interval</th></tr></thead><tbody><tr>", f);
		fprintf(f, "<td class=\"num\">%" PRIu64 "</td><td class=\"num\">%" PRIu64
		    "</td><td class=\"num\">%" PRIu64 "</td>", cl->domains,
		    cl->n, cl->k);
		td_share(f, cl->k, cl->n);
		fputs("</tr></tbody></table>\n", f);
		chart_trend(f, sd, g, i, false);
		table_reqs(f, sd, g, i);
		if (nkeep)
			table_meets(f, sd, i, SITE_ORG, keep, "../");
	}
	free(keep);
	page_foot(f, sd, "../");
	page_close(o, f, kind_dir[g->kind], name);
}

static void
write_profile(struct out *o, const struct site_data *sd, size_t i)
{
	const struct site_input *in = sd->in;
	const struct profile *p = in->profiles[i];
	char s[SITE_SLUG_MAX + 1], name[SITE_SLUG_MAX + 32];

	site_slug(p->name, s);
	snprintf(name, sizeof(name), "%s.html", s);
	FILE *f = page_open(o, "profile", name);
	if (f == NULL)
		return;
	page_head(f, sd, "../", p->name, "Profile");
	fputs("<p class=\"sub\">", f);
	if (p->title)
		report_esc(f, p->title);
	fputs(" &middot; version ", f);
	report_esc(f, p->version);
	fputs("</p>\n", f);
	const struct site_group *all = &sd->g[sd->first[SITE_ALL]];
	chart_trend(f, sd, all, i, true);
	table_reqs(f, sd, all, i);
	for (int k = SITE_COUNTRY; k <= SITE_ORG; k++)
		if (sd->first[k] < sd->first[k + 1])
			table_meets(f, sd, i, (enum site_kind)k, NULL, "../");
	page_foot(f, sd, "../");
	page_close(o, f, "profile", name);
}

static void
write_org(struct out *o, const struct site_data *sd, const struct site_group *g,
    FILE *summary)
{
	const struct site_input *in = sd->in;
	size_t last = in->ncrawls - 1;
	char name[SITE_SLUG_MAX + 32];

	snprintf(name, sizeof(name), "%s.html", g->slug);
	FILE *f = page_open(o, "org", name);
	if (f == NULL)
		return;
	page_head(f, sd, "../", g->label, "Organisation scorecard");
	const struct site_group *sec = g->sector_g != SIZE_MAX ?
	    &sd->g[g->sector_g] : NULL;
	fputs("<p>Sector: ", f);
	if (sec)
		link_group(f, sec, "../");
	else
		fputs("none", f);
	fputs(" &middot; countries:", f);
	bool *seen = xcalloc(sd->ng, sizeof(*seen));
	for (size_t a = 0; a < g->ndom; a++) {
		size_t cg = sd->d[g->dom[a]].country_g;
		if (seen[cg])
			continue;
		seen[cg] = true;
		fputc(' ', f);
		link_group(f, &sd->g[cg], "../");
	}
	free(seen);
	fprintf(f, " &middot; %zu domain%s &middot; <a href=\"%s.csv\">verdicts as CSV</a></p>\n",
	    g->ndom, g->ndom == 1 ? "" : "s", g->slug);

	char cname[SITE_SLUG_MAX + 32];
	snprintf(cname, sizeof(cname), "%s.csv", g->slug);
	FILE *csv = page_open(o, "org", cname);
	if (csv)
		fputs("organisation,domain,profile,requirement,verdict,until,what_fails,source,section,effective\n", csv);

	for (size_t i = 0; i < in->np; i++) {
		const struct profile *p = in->profiles[i];
		const struct site_cell *cl = site_cell_get(sd, g, last, i);
		char s[SITE_SLUG_MAX + 1];
		site_slug(p->name, s);
		fprintf(f, "<h2><a href=\"../profile/%s.html\">", s);
		report_esc(f, p->name);
		fputs("</a></h2>\n<table><caption>Position, latest crawl</caption><thead><tr><th></th><th class=\"num\">n</th><th class=\"num\">meets all</th><th class=\"num\">share</th><th class=\"num\">95% interval</th></tr></thead><tbody>\n", f);
		fprintf(f, "<tr><th>this organisation</th><td class=\"num\">%" PRIu64
		    "</td><td class=\"num\">%" PRIu64 "</td>", cl->n, cl->k);
		td_share(f, cl->k, cl->n);
		fputs("</tr>\n", f);
		const struct site_cell *sc = sec ? site_cell_get(sd, sec, last,
		    i) : NULL;
		if (sc) {
			fputs("<tr><th>its sector, ", f);
			report_esc(f, sec->label);
			fprintf(f, "</th><td class=\"num\">%" PRIu64
			    "</td><td class=\"num\">%" PRIu64 "</td>", sc->n,
			    sc->k);
			td_share(f, sc->k, sc->n);
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table>\n", f);
		size_t of = 0, rank = sec ? site_org_rank(sd, g, i, &of) : 0;
		fputs("<p>", f);
		if (rank)
			fprintf(f, "Rank in its sector: %zu of %zu organisations (by share meeting all; 1 = highest). ",
			    rank, of);
		else
			fputs("No rank in its sector (no domain with every requirement measured, or no sector). ", f);
		const struct site_cell *pc = in->ncrawls >= 2 ?
		    site_cell_get(sd, g, last - 1, i) : NULL;
		char prev_s[32] = "", chg_s[32] = "";
		if (pc) {
			fputs("Change since the previous crawl (", f);
			report_esc(f, in->crawls[last - 1].date);
			fputs("): ", f);
			if (pc->n && cl->n) {
				double d = 100.0 * ((double)cl->k / (double)cl->n -
				    (double)pc->k / (double)pc->n);
				fprintf(f, "%+.1f points (from %.1f%%).", d,
				    100.0 * (double)pc->k / (double)pc->n);
				snprintf(prev_s, sizeof(prev_s), "%.6f",
				    (double)pc->k / (double)pc->n);
				snprintf(chg_s, sizeof(chg_s), "%.6f", d / 100);
			} else
				fputs("none to give (no domain measured in one of the two).", f);
		}
		fputs("</p>\n", f);
		if (summary) {
			double lo = NAN, hi = NAN;
			stats_wilson((double)cl->k, (double)cl->n, STATS_Z95, &lo, &hi);
			csv_field_write(summary, g->label);
			fputc(',', summary);
			csv_field_write(summary, sec ? sec->label : "");
			fputc(',', summary);
			csv_field_write(summary, p->name);
			fprintf(summary, ",%zu,%" PRIu64 ",%" PRIu64 ",", g->ndom,
			    cl->n, cl->k);
			if (cl->n)
				fprintf(summary, "%.6f,%.6f,%.6f,", (double)cl->k /
				    (double)cl->n, lo, hi);
			else
				fputs(",,,", summary);
			if (sc && sc->n)
				fprintf(summary, "%.6f,", (double)sc->k / (double)sc->n);
			else
				fputc(',', summary);
			if (rank)
				fprintf(summary, "%zu,%zu,", rank, of);
			else
				fputs(",,", summary);
			fprintf(summary, "%s,%s\n", prev_s, chg_s);
		}
		if (in->ncrawls >= 2)
			chart_trend(f, sd, g, i, false);
		/* Verdicts: a row per domain, a column per requirement. */
		fputs("<div class=\"scroll\"><table><caption>Verdicts per domain, latest crawl</caption><thead><tr><th>domain</th>", f);
		for (size_t j = 0; j < p->nreqs; j++) {
			fputs("<th><code>", f);
			report_esc(f, p->reqs[j].id);
			fputs("</code></th>", f);
		}
		fputs("</tr></thead><tbody>\n", f);
		for (size_t a = 0; a < g->ndom; a++) {
			const struct site_dom *d = &sd->d[g->dom[a]];
			fputs("<tr><td>", f);
			report_esc(f, d->domain);
			fputs("</td>", f);
			for (size_t j = 0; j < p->nreqs; j++) {
				const char *vn = profile_verdict_name(
				    (enum profile_verdict)d->v[sd->roff[i] + j]);
				fprintf(f, "<td class=\"v-%s\">%s</td>", vn, vn);
			}
			fputs("</tr>\n", f);
		}
		fputs("</tbody></table></div>\n", f);
		/* Failures and explanations, with the reference for fixing. */
		bool any = false;
		for (size_t a = 0; a < g->ndom; a++) {
			const struct site_dom *d = &sd->d[g->dom[a]];
			for (size_t j = 0; j < p->nreqs; j++) {
				size_t r = sd->roff[i] + j;
				const struct profile_req *q = &p->reqs[j];
				enum profile_verdict v = (enum profile_verdict)d->v[r];
				const struct exc_entry *e = d->ex ? d->ex[r] : NULL;
				const char *why = d->why ? d->why[r] : NULL;
				if (csv) {
					csv_field_write(csv, g->label);
					fputc(',', csv);
					csv_field_write(csv, d->domain);
					fputc(',', csv);
					csv_field_write(csv, p->name);
					fputc(',', csv);
					csv_field_write(csv, q->id);
					fprintf(csv, ",%s,%s,", profile_verdict_name(v),
					    e ? e->until : "");
					csv_field_write(csv, why ? why : e ?
					    e->justification : "");
					fputc(',', csv);
					csv_field_write(csv, q->source);
					fputc(',', csv);
					csv_field_write(csv, q->section);
					fprintf(csv, ",%s\n", q->date);
				}
				if (v != PROFILE_FAIL && v != PROFILE_EXPLAINED)
					continue;
				if (!any)
					fputs("<div class=\"scroll\"><table><caption>What fails, and the reference for fixing it</caption><thead><tr><th>domain</th><th>requirement</th><th>verdict</th><th>what fails (the columns' values) or the explanation</th><th>reference</th></tr></thead><tbody>\n", f);
				any = true;
				fputs("<tr><td>", f);
				report_esc(f, d->domain);
				fputs("</td><td><code>", f);
				report_esc(f, q->id);
				fputs("</code> ", f);
				report_esc(f, q->title);
				fprintf(f, "</td><td class=\"v-%s\">%s</td><td>",
				    profile_verdict_name(v), profile_verdict_name(v));
				if (why) {
					fputs("<code>", f);
					report_esc(f, why);
					fputs("</code>", f);
				} else if (e) {
					fputs("until ", f);
					report_esc(f, e->until);
					fputs(": ", f);
					report_esc(f, e->justification);
				}
				fputs("</td><td>", f);
				report_esc(f, q->source);
				fputs(", ", f);
				report_esc(f, q->section);
				fputs(" (effective ", f);
				report_esc(f, q->date);
				fputs(")</td></tr>\n", f);
			}
		}
		if (any)
			fputs("</tbody></table></div>\n", f);
		else
			fputs("<p>No requirement fails.</p>\n", f);
	}
	if (csv)
		page_close(o, csv, "org", cname);
	page_foot(f, sd, "../");
	page_close(o, f, "org", name);
}

static int
mkdir_one(struct out *o, const char *sub)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s%s%s", o->dir, *sub ? "/" : "", sub);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		snprintf(o->err, o->errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(o->err, o->errlen, "%s: not a directory", path);
		return -1;
	}
	return 0;
}

int
site_write(const char *dir, const struct site_data *sd, char *err,
    size_t errlen)
{
	struct out o = { dir, err, errlen, 0 };

	if (sd->in->ncrawls == 0) {
		snprintf(err, errlen, "%s: no crawl to show", dir);
		return -1;
	}
	if (mkdir_one(&o, "") < 0 || mkdir_one(&o, "country") < 0 ||
	    mkdir_one(&o, "sector") < 0 || mkdir_one(&o, "org") < 0 ||
	    mkdir_one(&o, "profile") < 0)
		return -1;
	FILE *f = page_open(&o, "", "style.css");
	if (f) {
		fputs(site_css, f);
		page_close(&o, f, "", "style.css");
	}
	write_index(&o, sd);
	for (size_t i = 0; i < sd->in->np; i++)
		write_profile(&o, sd, i);
	for (size_t x = sd->first[SITE_COUNTRY]; x < sd->first[SITE_SECTOR + 1]; x++)
		write_area(&o, sd, &sd->g[x]);
	FILE *sum = NULL;
	if (sd->first[SITE_ORG] < sd->first[SITE_ORG + 1] &&
	    (sum = page_open(&o, "", "organisations.csv")) != NULL)
		fputs("organisation,sector,profile,domains,n,k,share,lo,hi,sector_share,rank,of,previous_share,change\n", sum);
	for (size_t x = sd->first[SITE_ORG]; x < sd->first[SITE_ORG + 1]; x++)
		write_org(&o, sd, &sd->g[x], sum);
	if (sum)
		page_close(&o, sum, "", "organisations.csv");
	return o.failed ? -1 : 0;
}
