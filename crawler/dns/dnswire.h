/*
 * dnswire.h - a bounds-checked walker over a DNS reply's wire form
 * (issue 20 point 2): the header, the question, then every RR of every
 * section as a view into the buffer (owner as an offset, type, class, TTL,
 * rdata offset and length), with names read through compression pointers
 * under hard bounds.  Pure over (buf, len): no allocation, no I/O, no
 * ldns, so it is fuzzed (tests/fuzzdns, fuzz-dnswire) and held against
 * ldns_wire2pkt by a differential test (tests/dnswire).  docs/dns.md,
 * "Reading replies in place", gives the bounds and where it and ldns
 * differ.
 *
 * Use: dnswire_parse checks the whole message once (every name, every RR,
 * the rdata layout of the types in its table) and fills a struct
 * dnswire_msg; dnswire_rr_next then walks the RRs of a checked message,
 * which cannot fail.  The views point into buf, which must outlive them.
 */
#ifndef UPTAKE_CRAWLER_DNS_DNSWIRE_H
#define UPTAKE_CRAWLER_DNS_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The fixed header (RFC 1035 4.1.1). */
#define DNSWIRE_HEADER_LEN 12
/* A message is at most what a TCP length prefix can say (RFC 1035 4.2.2);
 * longer buffers are refused, so every offset fits in 16 bits. */
#define DNSWIRE_MAX_MSG 65535
/* Octets of a name, its length octets and the root label included
 * (RFC 1035 3.1), and of one label (RFC 1035 2.3.4). */
#define DNSWIRE_MAX_NAME 255
#define DNSWIRE_MAX_LABEL 63
/*
 * Compression pointers followed in one name.  Pointers must go strictly
 * backwards, so a name cannot loop; this bounds the work of a chain of
 * pointers to pointers: a name of 255 octets has at most 127 labels, and a
 * real compressor jumps at most once per name.
 */
#define DNSWIRE_MAX_JUMPS 128
/* The smallest question (root name, type, class) and RR (root owner,
 * type, class, TTL, rdlength): the counts are checked against the packet
 * with them before any RR is read. */
#define DNSWIRE_MIN_QUESTION 5
#define DNSWIRE_MIN_RR 11
/* Fields of one type's rdata layout in the walker's table (SOA: two
 * names and five 32-bit numbers, the longest). */
#define DNSWIRE_MAX_FIELDS 8

/* Sections, in wire order. */
enum dnswire_section {
	DNSWIRE_QUESTION = 0,
	DNSWIRE_ANSWER,
	DNSWIRE_AUTHORITY,
	DNSWIRE_ADDITIONAL,
	DNSWIRE_SECTIONS
};

/* Why a message is refused; dnswire_strerror names each. */
enum dnswire_err {
	DNSWIRE_OK = 0,
	DNSWIRE_E_TOO_LONG,	/* buffer longer than DNSWIRE_MAX_MSG */
	DNSWIRE_E_HEADER,	/* shorter than the header */
	DNSWIRE_E_COUNTS,	/* counts need more octets than there are */
	DNSWIRE_E_QUESTION,	/* a question runs past the end */
	DNSWIRE_E_RR,		/* an RR's fixed fields or rdata run past
				 * the end */
	DNSWIRE_E_NAME_END,	/* a name runs past the end */
	DNSWIRE_E_LABEL,	/* a label longer than 63, or of the
				 * reserved types 0x40/0x80 */
	DNSWIRE_E_NAME_LONG,	/* a name longer than DNSWIRE_MAX_NAME */
	DNSWIRE_E_PTR_FORWARD,	/* a pointer not to an earlier offset */
	DNSWIRE_E_PTR_HEADER,	/* a pointer into the header */
	DNSWIRE_E_PTR_JUMPS,	/* more than DNSWIRE_MAX_JUMPS pointers */
	DNSWIRE_E_RDATA,	/* rdata fields do not fill rdlength exactly */
	DNSWIRE_E_RDATA_NAME,	/* a name in rdata runs past the rdata */
};

/* A short fixed text for e ("truncated RR", "pointer loop", ...). */
const char *dnswire_strerror(enum dnswire_err e);

/* One RR (or question: ttl, rdata and rdlen 0) as offsets into the
 * message.  owner is the offset where its name starts on the wire. */
struct dnswire_rr {
	enum dnswire_section section;
	uint16_t owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdata;
	uint16_t rdlen;
};

struct dnswire_msg {
	const uint8_t *buf;	/* borrowed */
	size_t len;
	uint16_t id;
	uint16_t flags;		/* the header's second 16 bits */
	uint8_t rcode;		/* the header's 4 bits (no EDNS extension) */
	uint16_t count[DNSWIRE_SECTIONS];
	uint16_t first[DNSWIRE_SECTIONS];	/* offset of the section */
	uint16_t end;		/* offset after the last counted RR (any
				 * octets after it are ignored) */
	/* On error: where (offset of the RR or name being read). */
	size_t err_off;
};

/* Flag bits of struct dnswire_msg.flags (RFC 1035 4.1.1, RFC 4035). */
#define DNSWIRE_FLAG_QR 0x8000
#define DNSWIRE_FLAG_AA 0x0400
#define DNSWIRE_FLAG_TC 0x0200
#define DNSWIRE_FLAG_RD 0x0100
#define DNSWIRE_FLAG_RA 0x0080
#define DNSWIRE_FLAG_AD 0x0020
#define DNSWIRE_FLAG_CD 0x0010

/*
 * Check buf[0..len) as a whole message and fill *m.  Returns DNSWIRE_OK,
 * or the reason with m->err_off where it was found.  buf is borrowed by
 * *m.  Octets after the last counted RR are ignored (as ldns does).
 */
enum dnswire_err dnswire_parse(struct dnswire_msg *m, const uint8_t *buf,
	size_t len);

/* An iterator over the RRs of a checked message (all sections in order). */
struct dnswire_iter {
	size_t pos;
	enum dnswire_section section;
	unsigned left;		/* RRs left in section */
};

void dnswire_iter_init(const struct dnswire_msg *m, struct dnswire_iter *it);
/* The next RR into *rr: true, or false after the last. */
bool dnswire_rr_next(const struct dnswire_msg *m, struct dnswire_iter *it,
	struct dnswire_rr *rr);

/*
 * The name at offset off, decompressed into out (DNSWIRE_MAX_NAME
 * octets hold any name), its length in *outlen.  *next (may be NULL): the
 * offset after the name where it starts on the wire.  Returns DNSWIRE_OK
 * or the reason; end bounds the uncompressed part (the message length, or
 * the rdata's end for a name inside rdata).
 */
enum dnswire_err dnswire_name_read(const uint8_t *buf, size_t len,
	size_t off, size_t end, uint8_t *out, size_t *outlen, size_t *next);

/* Is the name at off (in a checked message) equal to the uncompressed
 * wire name want (ASCII case-insensitive, RFC 4343)? */
bool dnswire_name_equal(const struct dnswire_msg *m, size_t off,
	const uint8_t *want, size_t wantlen);

/*
 * The rdata of rr with the names of its type's layout decompressed (the
 * fields ldns reads as names), into out[0..cap).  Returns the length, or
 * 0 when rr has empty rdata; (size_t)-1 when cap is too small.  Types
 * outside the walker's table are copied as they are.
 */
size_t dnswire_rdata_expand(const struct dnswire_msg *m,
	const struct dnswire_rr *rr, uint8_t *out, size_t cap);
/* Does the walker's table give rr's type a layout (else its rdata is
 * opaque: checked only against rdlength)? */
bool dnswire_type_known(uint16_t type);

/*
 * Rdata helpers: each checks rr's type and its rdata's shape and returns
 * false when it does not fit.
 */
/* A (4 octets) or AAAA (16): the address into out (16 octets hold both),
 * its length in *alen. */
bool dnswire_rdata_addr(const struct dnswire_msg *m,
	const struct dnswire_rr *rr, uint8_t *out, size_t *alen);
/* The name in NS, CNAME, PTR, DNAME (at rdata start) or MX (after the
 * preference, into *pref when not NULL) rdata, decompressed into out
 * (DNSWIRE_MAX_NAME octets). */
bool dnswire_rdata_name(const struct dnswire_msg *m,
	const struct dnswire_rr *rr, uint8_t *out, size_t *outlen,
	uint16_t *pref);
/*
 * TXT (or SPF) character-strings joined into out[0..cap) (not
 * terminated); *outlen their joined length, cut at cap with *cut set
 * (may be NULL).  False when the strings do not fill rdlength exactly.
 */
bool dnswire_rdata_txt(const struct dnswire_msg *m,
	const struct dnswire_rr *rr, uint8_t *out, size_t cap, size_t *outlen,
	bool *cut);
/* CAA (RFC 8659): flags, the tag (pointer and length into the message)
 * and the value. */
bool dnswire_rdata_caa(const struct dnswire_msg *m,
	const struct dnswire_rr *rr, uint8_t *flags, const uint8_t **tag,
	size_t *taglen, const uint8_t **value, size_t *valuelen);

#endif
