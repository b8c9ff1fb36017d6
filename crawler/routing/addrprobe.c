/*
 * addrprobe.c - rpki and geo columns of a row from its web addresses.
 */
#include "config.h"

#include <string.h>

#include "addr.h"
#include "addrprobe.h"
#include "crawl.h"
#include "job.h"
#include "lpm.h"
#include "row.h"
#include "schema.h"

/* The address in column c of the row, or NULL. */
static const struct lpm_prefix *
row_addr(const struct row *r, enum schema_col c, struct lpm_prefix *out)
{
	const struct schema_value *v = &r->v[c];

	if (!v->present || lpm_addr_parse(v->u.str.ptr, v->u.str.len,
	    out) != 0)
		return NULL;
	return out;
}

void
addrprobe_run(struct job *j)
{
	static const enum schema_col cols[2][3] = {
		{ SCHEMA_COL_V4_ORIGIN_ASN, SCHEMA_COL_V4_PREFIX,
		    SCHEMA_COL_V4_ROV },
		{ SCHEMA_COL_V6_ORIGIN_ASN, SCHEMA_COL_V6_PREFIX,
		    SCHEMA_COL_V6_ROV },
	};
	const struct addr_ctx *c = j->crawl->addr;
	struct lpm_prefix a4, a6;
	struct addr_result r;
	int af;

	if (c == NULL)
		return;
	addr_lookup(c, row_addr(&j->row, SCHEMA_COL_WEB_IPV4, &a4),
	    row_addr(&j->row, SCHEMA_COL_WEB_IPV6, &a6), &r);
	for (af = 0; af < 2; af++) {
		struct addr_columns col;

		addr_columns(c, &r, (enum lpm_af)af, &col);
		if (col.have_origin)
			row_set_i64(&j->row, cols[af][0], col.origin_asn);
		if (col.have_prefix)
			row_set_str(&j->row, cols[af][1], col.prefix);
		if (col.have_rov)
			row_set_str(&j->row, cols[af][2], col.rov);
	}
	if (r.have_country)
		row_set_str(&j->row, SCHEMA_COL_HOSTING_COUNTRY, r.country);
	if (r.have_asn)
		row_set_i64(&j->row, SCHEMA_COL_HOSTING_ASN, r.asn);
	if (r.have_org)
		row_set_str(&j->row, SCHEMA_COL_HOSTING_AS_ORG, r.org);
}
