// memops: the mem* and str* routines a C library is made of, written the
// way simple libcs write them, over two 8 MiB buffers (far larger than any
// cache): aligned word copy and fill (unrolled ld/sd), naive byte copy and
// fill (lbu/sb), byte-at-a-time and word-at-a-time strlen (the
// "has a zero byte" bit trick), word-wise memcmp, an overlapping backward
// memmove, and a memchr-style byte count.
//
// What it measures: load/store throughput of the emulator: streaming byte
// and doubleword accesses over 16 MiB, at aligned and unaligned addresses
// (the byte copies run at odd offsets), and the very short loop bodies in
// which a load or store is every second or third instruction. It is in the
// set because real programs spend a large share of their time in exactly
// these loops, and because it isolates the cost of an emulator's guest
// memory access path (address translation, bounds checks, little-endian
// assembly) from its ALU dispatch.
//
// Each pass runs every routine at offsets that depend on the pass number;
// buffer A keeps evolving from pass to pass. The checksum folds the string
// lengths, memcmp results, byte counts and a sample of both buffers.
//
// Usage: memops [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define SIZE (8u << 20) // bytes per buffer
#define PASSES 7       // at scale 1

static u64 bufa[SIZE / 8], bufb[SIZE / 8];
#define A ((u8 *)bufa)
#define B ((u8 *)bufb)

static inline u64 mix(u64 h, u64 v) { return (h ^ v) * 0x100000001b3ull; }

// ---- the routines. noinline, as they would be library calls.

#define NOINLINE __attribute__((noinline))

static NOINLINE void copy_bytes(u8 *d, const u8 *s, u64 n) {
	while (n--)
		*d++ = *s++;
}

static NOINLINE void fill_bytes(u8 *d, u8 c, u64 n) {
	while (n--)
		*d++ = c;
}

// d and s 8-byte aligned; four doublewords per iteration, then the tail.
static NOINLINE void copy_words(u64 *d, const u64 *s, u64 n) {
	u64 w = n / 8;
	for (; w >= 4; w -= 4, d += 4, s += 4) {
		u64 a = s[0], b = s[1], c = s[2], e = s[3];
		d[0] = a;
		d[1] = b;
		d[2] = c;
		d[3] = e;
	}
	for (; w; w--)
		*d++ = *s++;
	copy_bytes((u8 *)d, (const u8 *)s, n & 7);
}

static NOINLINE void fill_words(u64 *d, u8 c, u64 n) {
	u64 v = c * 0x0101010101010101ull, w = n / 8;
	for (; w >= 4; w -= 4, d += 4) {
		d[0] = v;
		d[1] = v;
		d[2] = v;
		d[3] = v;
	}
	for (; w; w--)
		*d++ = v;
	fill_bytes((u8 *)d, c, n & 7);
}

// Overlapping move towards higher addresses (d > s): copies from the end,
// a doubleword at a time while both are aligned.
static NOINLINE void move_back(u8 *d, const u8 *s, u64 n) {
	while (n && ((u64)(d + n) & 7)) {
		n--;
		d[n] = s[n];
	}
	if (!((u64)(s + n) & 7))
		for (; n >= 8; n -= 8)
			*(u64 *)(d + n - 8) = *(const u64 *)(s + n - 8);
	while (n) {
		n--;
		d[n] = s[n];
	}
}

static NOINLINE u64 strlen_bytes(const char *s) {
	const char *p = s;
	while (*p)
		p++;
	return (u64)(p - s);
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static NOINLINE u64 strlen_words(const char *s) {
	const char *p = s;
	while ((u64)p & 7) {
		if (!*p)
			return (u64)(p - s);
		p++;
	}
	const u64 *w = (const u64 *)p;
	while (!((*w - ONES) & ~*w & HIGHS))
		w++;
	p = (const char *)w;
	while (*p)
		p++;
	return (u64)(p - s);
}

// Returns the index of the first difference (n if none); a and b aligned.
static NOINLINE u64 diff_words(const u8 *a, const u8 *b, u64 n) {
	u64 i = 0;
	for (; i + 8 <= n; i += 8)
		if (*(const u64 *)(a + i) != *(const u64 *)(b + i))
			break;
	for (; i < n; i++)
		if (a[i] != b[i])
			break;
	return i;
}

static NOINLINE u64 count_byte(const u8 *p, u8 c, u64 n) {
	u64 k = 0;
	for (u64 i = 0; i < n; i++)
		k += p[i] == c;
	return k;
}

// ---- the driver

static u64 parse_scale(int argc, char **argv) {
	u64 v = 0;
	if (argc < 2)
		return 1;
	for (const char *s = argv[1]; *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (u64)(*s - '0');
	return v ? v : 1;
}

// Sum of the lengths of the NUL-terminated strings that start in [p, p+n)
// (the last one may run on past n), and their number, folded.
static u64 scan_strings(const u8 *p, u64 n, int words) {
	u64 h = 0, off = 0, count = 0;
	while (off < n) {
		u64 len = words ? strlen_words((const char *)p + off) : strlen_bytes((const char *)p + off);
		h = mix(h, len);
		off += len + 1;
		count++;
	}
	return mix(h, count);
}

int main(int argc, char **argv) {
	u64 passes = PASSES * parse_scale(argc, argv);
	u64 sum = 0;

	// A: text-like bytes with a NUL every 1..1024 bytes (so strings have
	// realistic lengths); B: zero, with a NUL guard at the very end of both.
	u64 x = 0x9e3779b97f4a7c15ull, next_nul = 17;
	for (u64 i = 0; i < SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i == next_nul) {
			A[i] = 0;
			next_nul += 1 + (x >> 54);
		} else {
			A[i] = (u8)(33 + (x >> 57));
		}
	}
	A[SIZE - 1] = 0;

	for (u64 p = 0; p < passes; p++) {
		u64 off = (p * 520) & 0xfff8;         // aligned offset
		u64 odd = 1 + 2 * (p % 5);           // odd offset
		u8 c = (u8)(33 + (p * 37) % 90);     // a printable byte

		// whole-buffer aligned copy, then the same region compared
		copy_words(bufb, (const u64 *)(A + off), SIZE - off);
		B[SIZE - 1] = 0;
		sum = mix(sum, diff_words(A + off, B, SIZE - off));

		// naive byte copy of 3 MiB at misaligned addresses, and the first
		// difference it leaves against A (somewhere in the first bytes)
		copy_bytes(B + odd, A + 2 * odd, 3u << 20);
		sum = mix(sum, diff_words(A + off, B, SIZE - off));

		// strings: the first 4 MiB of B byte at a time, the rest of A by words
		sum = mix(sum, scan_strings(B, 4u << 20, 0));
		sum = mix(sum, scan_strings(A + (4u << 20), (4u << 20) - 1, 1));

		// memchr-style count over the first half of B
		sum = mix(sum, count_byte(B, c, SIZE / 2));

		// fills: 2 MiB by bytes, 4 MiB by words
		fill_bytes(B + odd + 4096, c, 2u << 20);
		fill_words(bufb + (3u << 17), (u8)(c + 1), 4u << 20);

		// overlapping move inside A, so A evolves: shift 2 MiB up by a
		// pass-dependent distance (aligned on even passes)
		move_back(A + 64 + off + (p & 1) * odd, A + 64, 2u << 20);
		A[SIZE - 1] = 0;

		// sample both buffers
		for (u64 i = 0; i < SIZE / 8; i += 4099)
			sum = mix(sum, bufa[i] ^ (bufb[i] << 1));
	}

	rt_puts("memops ");
	rt_kv("checksum", sum);
	return 0;
}
