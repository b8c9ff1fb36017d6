/*
 * webview.c - the security-header columns of one response, and their
 * comparison (webview.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cspgrade.h"
#include "headers.h"
#include "http.h"
#include "util.h"
#include "webview.h"

void
web_view_of(const struct http_response *r, const char *site,
	struct web_view *out)
{
	const char *v;
	size_t vlen;
	struct hsts hs;
	struct csp cs;
	char *join = xmalloc(HTTP_MAX_HEAD + 1);

	memset(out, 0, sizeof(*out));
	out->status = r->status;
	/* Only the first Strict-Transport-Security counts (RFC 6797 8.1). */
	if (!http_response_first(r, "strict-transport-security", &v, &vlen))
		v = NULL;
	headers_hsts_parse(v, vlen, &hs);
	out->hsts_present = v != NULL;
	out->hsts_valid = hs.valid;
	if (hs.valid) {
		out->hsts_max_age = hs.max_age;
		out->hsts_include_subdomains = hs.include_subdomains;
		out->hsts_preload = hs.preload;
	}
	if (http_response_join(r, "content-security-policy", join,
	    HTTP_MAX_HEAD + 1) > 0) {
		headers_csp_parse(join, strlen(join), &cs);
		out->csp = true;
		out->csp_frame_ancestors = cs.frame_ancestors;
		out->csp_unsafe_inline = cs.unsafe_inline;
		out->csp_failures = csp_grade_failures(join, strlen(join), site);
	}
	out->x_frame_options = http_response_join(r, "x-frame-options", join,
	    HTTP_MAX_HEAD + 1) ? headers_xfo(join, strlen(join)) : "absent";
	out->x_content_type_options = http_response_join(r,
	    "x-content-type-options", join, HTTP_MAX_HEAD + 1) ?
	    headers_xcto_nosniff(join, strlen(join)) : false;
	out->referrer_policy = http_response_join(r, "referrer-policy", join,
	    HTTP_MAX_HEAD + 1) ? headers_referrer_policy(join, strlen(join)) :
	    "absent";
	out->permissions_policy = http_response_first(r, "permissions-policy",
	    &v, &vlen);
	free(join);
}

bool
web_view_same(const struct web_view *a, const struct web_view *b)
{
	if (a->status != b->status)
		return false;
	/* hsts: the column is valid && max-age > 0; the other three are
	 * recorded for a valid header only */
	if (a->hsts_valid != b->hsts_valid)
		return false;
	if (a->hsts_valid && (a->hsts_max_age != b->hsts_max_age ||
	    a->hsts_include_subdomains != b->hsts_include_subdomains ||
	    a->hsts_preload != b->hsts_preload))
		return false;
	if (a->csp != b->csp)
		return false;
	if (a->csp && (a->csp_frame_ancestors != b->csp_frame_ancestors ||
	    a->csp_unsafe_inline != b->csp_unsafe_inline ||
	    a->csp_failures != b->csp_failures))
		return false;
	return strcmp(a->x_frame_options, b->x_frame_options) == 0 &&
	    a->x_content_type_options == b->x_content_type_options &&
	    strcmp(a->referrer_policy, b->referrer_policy) == 0 &&
	    a->permissions_policy == b->permissions_policy;
}
