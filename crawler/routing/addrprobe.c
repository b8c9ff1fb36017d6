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
	const struct job_facts *f = &j->facts;
	struct addr_result r;
	int af;

	if (c == NULL)
		return;
	addr_lookup(c, f->have_web[NETADDR_V4] ? &f->web[NETADDR_V4] : NULL,
	    f->have_web[NETADDR_V6] ? &f->web[NETADDR_V6] : NULL, &r);
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
