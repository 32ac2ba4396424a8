// crc32: byte-stream checksums and hashes over a generated 256 KiB buffer:
// table-driven CRC-32 (the zlib/IEEE polynomial, byte at a time), Adler-32
// (zlib's deferred-modulo loop), FNV-1a 64 and an xxHash64-style 4-lane
// mixer.
//
// What it measures: the inner loops of checksumming and hashing code. CRC-32
// is a tight loop-carried dependency through a table load (lbu, xor, andi,
// index, lw, srli, xor); FNV-1a is a byte load feeding a 64-bit multiply
// chain; Adler-32 is byte loads and adds with a remuw every 5552 bytes; the
// xxHash-style pass is 64-bit loads, multiplies and rotates. It is in the
// set because most of the instructions are loads and multiplies in very
// short loops, so an interpreter's per-instruction and per-branch overheads
// and its load path dominate, unlike sha256's long ALU blocks.
//
// Each pass runs all four over the buffer and writes the results back into
// it, so each pass depends on the previous one; the checksum folds them all.
//
// Usage: crc32 [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define BUF_SIZE (256 * 1024)
#define PASSES 128 // at scale 1

static u32 crc_table[256];
static u64 buf64[BUF_SIZE / 8]; // 8-byte aligned storage for the buffer
#define buf ((u8 *)buf64)

static void crc32_init(void) {
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static u32 crc32(u32 crc, const u8 *p, u64 n) {
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static u32 adler32(u32 adler, const u8 *p, u64 n) {
	u32 a = adler & 0xffff, b = adler >> 16;
	while (n) {
		u64 k = n < 5552 ? n : 5552; // largest run that cannot overflow b
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= 65521;
		b %= 65521;
	}
	return b << 16 | a;
}

static u64 fnv1a64(const u8 *p, u64 n) {
	u64 h = 0xcbf29ce484222325ull;
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

#define P1 0x9e3779b185ebca87ull
#define P2 0xc2b2ae3d27d4eb4full
#define P3 0x165667b19e3779f9ull
#define P4 0x85ebca77c2b2ae63ull
#define P5 0x27d4eb2f165667c5ull

static inline u64 rotl(u64 x, int r) { return (x << r) | (x >> (64 - r)); }
static inline u64 xround(u64 acc, u64 in) { return rotl(acc + in * P2, 31) * P1; }
static inline u64 xmerge(u64 acc, u64 v) { return (acc ^ xround(0, v)) * P1 + P4; }

// xxh64-shaped hash of n bytes at the 8-byte aligned p (n a multiple of 8).
static u64 xxh64ish(const u64 *p, u64 n, u64 seed) {
	u64 words = n / 8, i = 0, h;
	if (words >= 4) {
		u64 v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
		for (; i + 4 <= words; i += 4) {
			v1 = xround(v1, p[i]);
			v2 = xround(v2, p[i + 1]);
			v3 = xround(v3, p[i + 2]);
			v4 = xround(v4, p[i + 3]);
		}
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = xmerge(h, v1);
		h = xmerge(h, v2);
		h = xmerge(h, v3);
		h = xmerge(h, v4);
	} else {
		h = seed + P5;
	}
	h += n;
	for (; i < words; i++)
		h = rotl(h ^ xround(0, p[i]), 27) * P1 + P4;
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

static u64 parse_scale(int argc, char **argv) {
	u64 v = 0;
	if (argc < 2)
		return 1;
	for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (u64)(*s - '0');
	return v ? v : 1;
}

int main(int argc, char **argv) {
	u64 passes = PASSES * parse_scale(argc, argv);
	crc32_init();
	// known answers for "123456789"
	const u8 *kat = (const u8 *)"123456789";
	if (crc32(0, kat, 9) != 0xcbf43926u || adler32(1, kat, 9) != 0x091e01deu ||
	    fnv1a64(kat, 9) != 0x06d5573923c6cdfcull) {
		rt_puts("crc32 self-test FAILED\n");
		return 1;
	}

	u64 x = 0x2545f4914f6cdd1dull; // xorshift64* fill, text-like bytes
	for (u64 i = 0; i < BUF_SIZE; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		buf[i] = (u8)(' ' + ((x * 0x2545f4914f6cdd1dull) >> 58) + ((x >> 20) & 31));
	}

	u64 sum = 0;
	u32 crc = 0, adler = 1;
	for (u64 r = 0; r < passes; r++) {
		u64 n = BUF_SIZE - 8 * (r % 29);
		crc = crc32(crc, buf, n);
		adler = adler32(adler, buf, n);
		u64 f = fnv1a64(buf, n);
		u64 h = xxh64ish(buf64, n, r);
		sum = rotl(sum, 5) ^ crc ^ ((u64)adler << 32) ^ f ^ h;
		// feed back: perturb the buffer at a pass-dependent place
		u64 w = (r * 1031) % (BUF_SIZE / 8);
		buf64[w] ^= sum;
	}

	rt_puts("crc32 ");
	rt_kv("checksum", sum);
	return 0;
}
