/*
 * regdom.h - registrable domains (eTLD+1) from the Public Suffix List.
 *
 * The list is Debian's packaged one (package publicsuffix, the DAFSA file
 * that libpsl names as psl_dist_filename(), normally
 * /usr/share/publicsuffix/public_suffix_list.dafsa), read with libpsl.
 * Only the ICANN section counts: a registrable domain is one a registry
 * delegates, which is what DNSSEC (DS at the parent) and registration
 * data are about; the private section (blogspot.com, github.io, ...) would
 * make every platform customer an "organisation".  The wildcard ("*.ck")
 * and exception ("!www.ck") rules apply, and an unlisted TLD is a public
 * suffix (the implicit "*" rule).
 *
 * A name that is itself a public suffix (gov.br, co.uk) has no
 * registrable domain; it is kept as it is (some are real sites: gov.br).
 * Names are in dname.h's normal form (lower case, A-labels); the PSL's
 * IDN rules match their A-label forms.  docs/lists.md has examples.
 */
#ifndef UPTAKE_LIB_REGDOM_H
#define UPTAKE_LIB_REGDOM_H

#include <stdbool.h>
#include <stddef.h>

struct regdom;
struct list_reader;

/*
 * Load the list from path (NULL: the distribution's file).  Returns NULL
 * with one line in err (naming the file and the Debian package).  The
 * caller owns the result (regdom_free).
 */
struct regdom *regdom_new(const char *path, char *err, size_t errlen)
	__attribute__((warn_unused_result));

/* Free; accepts NULL. */
void regdom_free(struct regdom *rd);

/* The file the list was read from; borrowed. */
const char *regdom_source(const struct regdom *rd);

/*
 * The registrable domain of name (normal form) into out (outlen >=
 * DNAME_BUF_SIZE): name itself when it is registrable or a public suffix.
 * Returns true when out differs from name.
 */
bool regdom_map(const struct regdom *rd, const char *name, char *out,
	size_t outlen);

/* True if name is a public suffix (ICANN section, implicit "*" rule). */
bool regdom_is_suffix(const struct regdom *rd, const char *name);

/*
 * Make reader r yield registrable domains (list_set_map); duplicates
 * after mapping are dropped by the reader.  Loads the distribution's
 * list; the reader owns it from then on.  Returns 0, or -1 with err set.
 */
int regdom_attach(struct list_reader *r, char *err, size_t errlen)
	__attribute__((warn_unused_result));

#endif
