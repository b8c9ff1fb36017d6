/*
 * hash.h - SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast
 * short-input PRF", 2012), the one 64-bit hash of uptake.
 *
 * Used where a hash must be stable across runs, machines and versions:
 * the shard a domain belongs to (crawler/input/shard.h) and the duplicate set of
 * the list readers (list.h).  Each use has its own fixed key, so the two
 * are independent.  The function is the reference SipHash-2-4: key bytes
 * 0-7 and 8-15 read little-endian, the 64-bit result as a number; the
 * paper's test vectors are pinned in tests/unit/test_shard.c.
 */
#ifndef UPTAKE_LIB_HASH_H
#define UPTAKE_LIB_HASH_H

#include <stddef.h>
#include <stdint.h>

/* Length of a SipHash key in bytes. */
#define HASH_KEY_LEN 16

/* SipHash-2-4 of buf[0..len) under key (HASH_KEY_LEN bytes).  Pure. */
uint64_t hash_siphash24(const uint8_t key[HASH_KEY_LEN], const void *buf,
	size_t len);

#endif
