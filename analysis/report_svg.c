/*
 * report_svg.c - the report's charts as inline SVG: bars with interval
 * whiskers, dot rows for sector comparisons, trend lines with interval
 * bands, and the heat-map colour scale.  Sizes are in CSS pixels; the
 * SVGs scale down with max-width: 100%.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define FONT "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif\""
#define BAR_ROW 17.0
#define BAR_COLOUR "#2f6db5"
#define MUTED_COLOUR "#9aa3ad"
#define WHISKER_COLOUR "#1f2933"
#define GRID_COLOUR "#e3e7eb"
#define AXIS_TEXT "#52606d"

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when the
 * byte at s does not start one (RFC 3629 4: no overlongs, no surrogates,
 * nothing over U+10FFFF). */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
	if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f) ||
	    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
		return 0;
	return n;
}

void
report_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t done = 0;

	if (s == NULL)
		return;
	while (*p != '\0') {
		size_t n = utf8_len(p);

		if (done + (n ? n : 1) > REPORT_MAX_TEXT) {
			fprintf(f, REPORT_CUT_MARK, strlen((const char *)p));
			return;
		}
		if (n == 0) {
			fputs("\xef\xbf\xbd", f);	/* U+FFFD */
			p++;
			done++;
			continue;
		}
		if (n > 1) {
			fwrite(p, 1, n, f);
			p += n;
			done += n;
			continue;
		}
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
		}
		p++;
		done++;
	}
}

/* Okabe-Ito colour i (cycled). */
static const char *
report_palette(size_t i)
{
	/* Okabe & Ito, distinguishable with colour-vision deficiencies. */
	static const char *const c[] = { "#0072B2", "#E69F00", "#009E73",
		"#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442" };
	return c[i % 8];
}

void
report_heat_colour(double rate, char bg[8], const char **fg)
{
	/* ColorBrewer Blues, 9 classes, interpolated. */
	static const unsigned stops[9] = { 0xf7fbff, 0xdeebf7, 0xc6dbef,
		0x9ecae1, 0x6baed6, 0x4292c6, 0x2171b5, 0x08519c, 0x08306b };

	if (isnan(rate)) {
		snprintf(bg, 8, "#ffffff");
		*fg = "#9aa3ad";
		return;
	}
	if (rate < 0)
		rate = 0;
	if (rate > 1)
		rate = 1;
	double x = rate * 8;
	int i = (int)x;
	if (i >= 8)
		i = 7;
	double t = x - i;
	unsigned a = stops[i], b = stops[i + 1], rgb = 0;
	for (int sh = 16; sh >= 0; sh -= 8) {
		double ca = (a >> sh) & 0xff, cb = (b >> sh) & 0xff;
		rgb |= (unsigned)lround(ca + (cb - ca) * t) << sh;
	}
	snprintf(bg, 8, "#%06x", rgb & 0xffffff);
	*fg = rate > 0.55 ? "#ffffff" : "#1f2933";
}

void
report_count_text(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = tmp[i];
	}
	buf[o] = '\0';
}

void
report_svg_bars(FILE *f, const struct report_bar *bars, size_t n,
    double label_width, const char *aria)
{
	const double right = 118, plot = 250, top = 4, axis = 18;
	double x0 = label_width + 6, width = x0 + plot + right;
	double height = top + n * BAR_ROW + axis;

	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
	    width, height, width, height);
	report_esc(f, aria);
	fprintf(f, "\" %s font-size=\"11\">\n", FONT);
	/* Grid and axis labels. */
	for (int t = 0; t <= 100; t += 25) {
		double x = x0 + plot * t / 100.0;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		    x, top, x, top + n * BAR_ROW, t == 0 ? "#9aa3ad" : GRID_COLOUR);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" font-size=\"10\">%d%%</text>\n",
		    x, top + n * BAR_ROW + 13, AXIS_TEXT, t);
	}
	for (size_t i = 0; i < n; i++) {
		const struct report_bar *b = &bars[i];
		double y = top + i * BAR_ROW, cy = y + BAR_ROW / 2;
		char cnt[32];
		report_count_text(b->n, cnt, sizeof(cnt));
		fputs("<g><title>", f);
		report_esc(f, b->label);
		if (isnan(b->rate))
			fprintf(f, ": no data (n = %s)</title>\n", cnt);
		else
			fprintf(f, ": %.1f%% (95%% CI %.1f-%.1f%%), n = %s</title>\n",
			    100 * b->rate, 100 * b->lo, 100 * b->hi, cnt);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"#1f2933\">",
		    label_width, cy);
		report_esc(f, b->label);
		fputs("</text>\n", f);
		if (!isnan(b->rate)) {
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" fill=\"%s\"/>\n",
			    x0, y + 3.5, plot * b->rate, BAR_ROW - 7,
			    b->muted ? MUTED_COLOUR : BAR_COLOUR);
			double lx = x0 + plot * b->lo, hx = x0 + plot * b->hi;
			fprintf(f, "<path d=\"M%.2f %.1fH%.2fM%.2f %.1fV%.1fM%.2f %.1fV%.1f\" stroke=\"%s\" stroke-width=\"1.2\" fill=\"none\"/>\n",
			    lx, cy, hx, lx, cy - 4, cy + 4, hx, cy - 4, cy + 4,
			    WHISKER_COLOUR);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\" fill=\"#1f2933\">%.1f%%<tspan fill=\"%s\" font-size=\"9.5\"> n=%s</tspan></text>\n",
			    x0 + plot + 6, cy, 100 * b->rate, AXIS_TEXT, cnt);
		} else
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\" fill=\"%s\">no data</text>\n",
			    x0 + 4, cy, AXIS_TEXT);
		fputs("</g>\n", f);
	}
	fputs("</svg>\n", f);
}

/* Legend item widths: swatch, gap, text at about 6.3 px a character. */
static double
legend_width(const char *s)
{
	return 24 + 6.3 * (double)strlen(s);
}

void
report_svg_dots(FILE *f, const struct report_dot_row *rows, size_t n,
    const char *const *series, size_t nseries, const char *aria)
{
	const double label = 170, plot = 380, row = 17, axis = 18;
	double x0 = label + 8, width = x0 + plot + 16;
	double lx = 8, lines = 1;

	/* The legend wraps within the width. */
	for (size_t s = 0; s < nseries; s++) {
		double w = legend_width(series[s]);
		if (lx + w > width && lx > 8) {
			lines++;
			lx = 8;
		}
		lx += w;
	}
	double legend = lines * 16 + 6;
	double height = legend + n * row + axis;

	fprintf(f, "<svg class=\"chart wide\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
	    width, height, width, height);
	report_esc(f, aria);
	fprintf(f, "\" %s font-size=\"11\">\n", FONT);
	lx = 8;
	double ly = 9;
	for (size_t s = 0; s < nseries; s++) {
		double w = legend_width(series[s]);
		if (lx + w > width && lx > 8) {
			ly += 16;
			lx = 8;
		}
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"central\" fill=\"#1f2933\">",
		    lx + 5, ly, report_palette(s), lx + 13, ly);
		report_esc(f, series[s]);
		fputs("</text>\n", f);
		lx += w;
	}
	for (int t = 0; t <= 100; t += 25) {
		double x = x0 + plot * t / 100.0;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		    x, legend, x, legend + n * row, GRID_COLOUR);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\" font-size=\"10\">%d%%</text>\n",
		    x, legend + n * row + 13, AXIS_TEXT, t);
	}
	for (size_t i = 0; i < n; i++) {
		double cy = legend + i * row + row / 2;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"#1f2933\">",
		    label, cy);
		report_esc(f, rows[i].label);
		fputs("</text>\n", f);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#cbd2d9\" stroke-dasharray=\"2 2\"/>\n",
		    x0, cy, x0 + plot, cy);
		for (size_t s = 0; s < nseries; s++) {
			double r = rows[i].rate[s];
			if (isnan(r))
				continue;
			fprintf(f, "<circle cx=\"%.2f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" fill-opacity=\"0.9\" stroke=\"#ffffff\" stroke-width=\"0.8\"><title>",
			    x0 + plot * r, cy, report_palette(s));
			report_esc(f, series[s]);
			fputs(", ", f);
			report_esc(f, rows[i].label);
			fprintf(f, ": %.1f%%</title></circle>\n", 100 * r);
		}
	}
	fputs("</svg>\n", f);
}

void
report_svg_trend(FILE *f, const struct report_point *pts, size_t n,
    const char *const *xlabels, const char *aria)
{
	const double w = 300, h = 150, l = 38, r = 14, t = 10, b = 30;
	double pw = w - l - r, ph = h - t - b;
	double ymin = 1, ymax = 0, xmin = 0, xmax = 0;

	for (size_t i = 0; i < n; i++) {
		if (isnan(pts[i].rate))
			continue;
		if (pts[i].lo < ymin)
			ymin = pts[i].lo;
		if (pts[i].hi > ymax)
			ymax = pts[i].hi;
	}
	if (n) {
		xmin = pts[0].x;
		xmax = pts[n - 1].x;
	}
	if (ymax < ymin) {
		ymin = 0;
		ymax = 1;
	}
	/* A y range of whole 5-point steps, at least 10 points tall. */
	ymin = floor(ymin * 20) / 20;
	ymax = ceil(ymax * 20) / 20;
	while (ymax - ymin < 0.1) {
		if (ymin > 0)
			ymin -= 0.05;
		if (ymax - ymin < 0.1 && ymax < 1)
			ymax += 0.05;
		if (ymin <= 0 && ymax >= 1)
			break;
	}
	if (ymin < 0)
		ymin = 0;
	if (ymax > 1)
		ymax = 1;
	double span = xmax > xmin ? xmax - xmin : 1;
#define XP(v) (l + (n > 1 ? pw * ((v) - xmin) / span : pw / 2))
#define YP(v) (t + ph * (1 - ((v) - ymin) / (ymax - ymin)))

	fprintf(f, "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
	    w, h, w, h);
	report_esc(f, aria);
	fprintf(f, "\" %s font-size=\"10\">\n", FONT);
	double step = ymax - ymin > 0.5 ? 0.25 : ymax - ymin > 0.2 ? 0.1 : 0.05;
	for (double y = ceil(ymin / step - 1e-9) * step; y <= ymax + 1e-9;
	    y += step) {
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		    l, YP(y), l + pw, YP(y), GRID_COLOUR);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"central\" fill=\"%s\">%.0f%%</text>\n",
		    l - 4, YP(y), AXIS_TEXT, fabs(100 * y) < 0.5 ? 0.0 : 100 * y);
	}
	/* Band, line, points. */
	fputs("<path d=\"", f);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(pts[i].rate))
			fprintf(f, "%s%.2f %.2f", k++ ? "L" : "M", XP(pts[i].x),
			    YP(pts[i].hi));
	for (size_t i = n; i-- > 0;)
		if (!isnan(pts[i].rate))
			fprintf(f, "L%.2f %.2f", XP(pts[i].x), YP(pts[i].lo));
	fputs("Z\" fill=\"#2f6db5\" fill-opacity=\"0.18\" stroke=\"none\"/>\n", f);
	fputs("<path d=\"", f);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(pts[i].rate))
			fprintf(f, "%s%.2f %.2f", k++ ? "L" : "M", XP(pts[i].x),
			    YP(pts[i].rate));
	fprintf(f, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n",
	    BAR_COLOUR);
	for (size_t i = 0; i < n; i++) {
		if (isnan(pts[i].rate))
			continue;
		fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\"><title>",
		    XP(pts[i].x), YP(pts[i].rate), BAR_COLOUR);
		report_esc(f, xlabels[i]);
		fprintf(f, ": %.1f%% (95%% CI %.1f-%.1f%%)</title></circle>\n",
		    100 * pts[i].rate, 100 * pts[i].lo, 100 * pts[i].hi);
	}
	/* Date labels: first and last, and the others when they fit. */
	double lastx = -1e9, endx = n ? XP(pts[n - 1].x) : 0;
	for (size_t i = 0; i < n; i++) {
		double x = XP(pts[i].x);
		if (i != 0 && i != n - 1 && (x - lastx < 62 || endx - x < 62))
			continue;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">",
		    x, h - b + 14, n == 1 ? "middle" : i == 0 ? "start" :
		    i == n - 1 ? "end" : "middle", AXIS_TEXT);
		report_esc(f, xlabels[i]);
		fputs("</text>\n", f);
		lastx = x;
	}
	fputs("</svg>\n", f);
#undef XP
#undef YP
}
