/*
 * dname.h - domain names as the lists give them: normalised and checked.
 *
 * The normal form is what the crawler queries and what a snapshot's
 * `domain` column holds: lower case, A-labels for IDNs (RFC 5890), no
 * trailing dot, no surrounding whitespace.  Checks: LDH labels (letters,
 * digits, hyphen; RFC 1035 2.3.1, RFC 1123 2.1), no label starting or
 * ending with a hyphen, label <= 63 and name <= 253 octets in text form
 * (RFC 1035 2.3.4: 255 in wire form), at least two labels (a single label
 * is a TLD or a local name, not a site), a top-level label that is not all
 * digits (RFC 3696 2: that would be an IPv4 address).  Labels starting
 * with "xn--" must be valid A-labels: libidn2 decodes and re-encodes them
 * and the result must be the same label (RFC 5891 5.4).  Names with bytes
 * >= 0x80 are taken as UTF-8 U-labels and converted with libidn2's
 * IDNA2008 lookup (UTS #46 non-transitional mapping, NFC), the choice of
 * today's browsers: "Bücher.DE" becomes "xn--bcher-kva.de".  Other
 * labels with "--" in positions 3-4 are accepted (they are LDH).
 * docs/lists.md has the details.
 *
 * Pure: no I/O, no global state (libidn2 is pure too).
 */
#ifndef UPTAKE_LIB_DNAME_H
#define UPTAKE_LIB_DNAME_H

#include <stdbool.h>
#include <stddef.h>

/* RFC 1035 2.3.4: 63 octets per label. */
#define DNAME_MAX_LABEL 63
/* RFC 1035 2.3.4: 255 octets in wire form, 253 characters in text form. */
#define DNAME_MAX_LEN 253
/* Buffer size for a normalised name and its NUL. */
#define DNAME_BUF_SIZE (DNAME_MAX_LEN + 1)
/*
 * Longest input looked at.  A valid name is at most 253 ASCII characters
 * once converted; as UTF-8 each of its code points takes at most 4 bytes,
 * and NFC input may carry some combining marks: 1024 bytes is generous,
 * and bounds the work done on a junk line.
 */
#define DNAME_MAX_INPUT 1024

/* Why a name was rejected.  Strings from dname_error_str(). */
enum dname_error {
	DNAME_OK = 0,
	DNAME_EMPTY,		/* "empty": nothing but whitespace and a dot */
	DNAME_TOO_LONG,		/* "too_long": > 253 (input > 1024) */
	DNAME_LABEL_TOO_LONG,	/* "label_too_long": a label > 63 */
	DNAME_EMPTY_LABEL,	/* "empty_label": "a..b", ".a.b" */
	DNAME_BAD_CHAR,		/* "bad_char": not letter, digit, '-', '.' */
	DNAME_BAD_HYPHEN,	/* "bad_hyphen": label starts/ends with '-' */
	DNAME_SINGLE_LABEL,	/* "single_label": "localhost", "com" */
	DNAME_NUMERIC_TLD,	/* "numeric_tld": "192.0.2.1" */
	DNAME_BAD_IDN,		/* "bad_idn": invalid UTF-8 or IDNA2008 label */
	DNAME_ERROR_COUNT
};

/* Stable lower-case name of e ("ok", "empty", ...); static storage. */
const char *dname_error_str(enum dname_error e);

/*
 * Normalise and check in[0..len) (not NUL-terminated; may hold any bytes).
 * On DNAME_OK, out (outlen >= DNAME_BUF_SIZE, else DNAME_TOO_LONG) holds
 * the NUL-terminated normal form.  On error out holds "".
 */
enum dname_error dname_normalize(const char *in, size_t len, char *out,
	size_t outlen);

/* True if name (normal form) passes dname_normalize unchanged. */
bool dname_is_valid(const char *name);

/*
 * True if name equals parent or is below it on a label boundary
 * ("a.example.com" and "example.com" are under "example.com",
 * "badexample.com" is not).  Both in normal form.
 */
bool dname_is_under(const char *name, const char *parent);

/* Number of labels of a normal-form name (0 for ""). */
int dname_label_count(const char *name);

#endif
