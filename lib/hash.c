/*
 * hash.c - SipHash-2-4, written from the specification in the paper
 * (section 2: compression rounds c = 2, finalization rounds d = 4).
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "hash.h"

static uint64_t
rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

uint64_t
hash_siphash24(const uint8_t key[HASH_KEY_LEN], const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v[4] = {
		k0 ^ UINT64_C(0x736f6d6570736575),
		k1 ^ UINT64_C(0x646f72616e646f6d),
		k0 ^ UINT64_C(0x6c7967656e657261),
		k1 ^ UINT64_C(0x7465646279746573),
	};
	uint8_t tail[8];
	uint64_t m;
	size_t i, rest;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(p + i);
		v[3] ^= m;
		sip_round(v);
		sip_round(v);
		v[0] ^= m;
	}
	/* Last block: the rest, zero padded, the length in its top byte. */
	rest = len - i;
	memset(tail, 0, sizeof(tail));
	if (rest > 0)
		memcpy(tail, p + i, rest);
	tail[7] = (uint8_t)len;
	m = load_le64(tail);
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;

	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
