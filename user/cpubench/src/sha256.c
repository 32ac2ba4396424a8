// sha256: SHA-256 (FIPS 180-4) over a generated 64 KiB buffer, many times.
//
// What it measures: the classic integer hashing kernel. The compression
// function is a long straight-line run of 32-bit rotates (srliw/slliw/or,
// since plain rv64gc has no rotate instruction), shifts, xors, and/not
// masking and 32-bit adds (addw), plus a load from the round-constant table
// per round and big-endian byte assembly of the message words (lbu + shifts).
// It is in the set because it is long basic blocks of dependent ALU work
// with very few branches: the best case for an interpreter's dispatch loop
// and a good test of its W-suffixed (32-bit) instruction handling.
//
// Each pass hashes the buffer (with a length that varies a little so the
// padding code runs with different tails), then writes the digest back into
// the buffer so every pass depends on the one before. The checksum folds
// every digest.
//
// Usage: sha256 [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define BUF_SIZE (64 * 1024)
#define PASSES 128 // at scale 1

typedef struct {
	u32 h[8];
	u64 len;  // total bytes hashed
	u8 blk[64];
	u32 fill; // bytes in blk
} sha256_ctx;

static const u32 K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline u32 ror(u32 x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha256_block(u32 h[8], const u8 *p) {
	u32 w[64];
	for (int i = 0; i < 16; i++, p += 4)
		w[i] = (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
	for (int i = 16; i < 64; i++) {
		u32 s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		u32 s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	u32 a = h[0], b = h[1], c = h[2], d = h[3];
	u32 e = h[4], f = h[5], g = h[6], hh = h[7];
	for (int i = 0; i < 64; i++) {
		u32 S1 = ror(e, 6) ^ ror(e, 11) ^ ror(e, 25);
		u32 ch = (e & f) ^ (~e & g);
		u32 t1 = hh + S1 + ch + K[i] + w[i];
		u32 S0 = ror(a, 2) ^ ror(a, 13) ^ ror(a, 22);
		u32 maj = (a & b) ^ (a & c) ^ (b & c);
		u32 t2 = S0 + maj;
		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

static void sha256_init(sha256_ctx *c) {
	static const u32 iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                          0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	for (int i = 0; i < 8; i++)
		c->h[i] = iv[i];
	c->len = 0;
	c->fill = 0;
}

static void sha256_update(sha256_ctx *c, const u8 *p, u64 n) {
	c->len += n;
	if (c->fill) {
		while (n && c->fill < 64) {
			c->blk[c->fill++] = *p++;
			n--;
		}
		if (c->fill < 64)
			return;
		sha256_block(c->h, c->blk);
		c->fill = 0;
	}
	for (; n >= 64; n -= 64, p += 64)
		sha256_block(c->h, p);
	while (n--)
		c->blk[c->fill++] = *p++;
}

static void sha256_final(sha256_ctx *c, u8 out[32]) {
	u64 bits = c->len * 8;
	u8 pad = 0x80;
	sha256_update(c, &pad, 1);
	pad = 0;
	while (c->fill != 56)
		sha256_update(c, &pad, 1);
	u8 lenbe[8];
	for (int i = 0; i < 8; i++)
		lenbe[i] = (u8)(bits >> (56 - 8 * i));
	sha256_update(c, lenbe, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i + 0] = (u8)(c->h[i] >> 24);
		out[4 * i + 1] = (u8)(c->h[i] >> 16);
		out[4 * i + 2] = (u8)(c->h[i] >> 8);
		out[4 * i + 3] = (u8)c->h[i];
	}
}

static u8 buf[BUF_SIZE];

static u64 parse_scale(int argc, char **argv) {
	u64 v = 0;
	if (argc < 2)
		return 1;
	for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (u64)(*s - '0');
	return v ? v : 1;
}

// known-answer test: SHA-256("abc"), so a wrong result is reported as such
// rather than only as a checksum that differs from qemu's.
static int self_test(void) {
	static const u8 want[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
	sha256_ctx c;
	u8 d[32];
	sha256_init(&c);
	sha256_update(&c, (const u8 *)"abc", 3);
	sha256_final(&c, d);
	return memcmp(d, want, 32) == 0;
}

int main(int argc, char **argv) {
	u64 passes = PASSES * parse_scale(argc, argv);
	if (!self_test()) {
		rt_puts("sha256 self-test FAILED\n");
		return 1;
	}

	u64 x = 0x9e3779b97f4a7c15ull; // xorshift64 fill
	for (u64 i = 0; i < BUF_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (u8)(x >> 32);
	}

	u64 sum = 0;
	for (u64 r = 0; r < passes; r++) {
		sha256_ctx c;
		u8 d[32];
		u64 n = BUF_SIZE - (r % 67); // vary the tail the padding sees
		sha256_init(&c);
		// two updates with an odd split so the partial-block path runs too
		sha256_update(&c, buf, 1000 + r % 13);
		sha256_update(&c, buf + 1000 + r % 13, n - 1000 - r % 13);
		sha256_final(&c, d);
		u64 off = (r * 32) % (BUF_SIZE - 32);
		for (int i = 0; i < 32; i++)
			buf[off + i] ^= d[i];
		for (int i = 0; i < 32; i += 8) {
			u64 w = 0;
			for (int j = 0; j < 8; j++)
				w = w << 8 | d[i + j];
			sum = (sum ^ w) * 0x100000001b3ull + r;
		}
	}

	rt_puts("sha256 ");
	rt_kv("checksum", sum);
	return 0;
}
