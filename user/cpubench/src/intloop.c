// intloop: four classic tight integer loops, each about a quarter of the
// run:
//   1. sieve of Eratosthenes over ~2 million bytes (strided byte stores,
//      then a byte-scan count),
//   2. 32-bit integer matrix multiply, 160x160, i-k-j order (lw, mulw,
//      addw, sw in a short inner loop),
//   3. Collatz trajectories (a serial dependency chain with an
//      unpredictable even/odd branch),
//   4. division-heavy number theory: Euclid's gcd on 64-bit pairs (remu
//      chains), signed div/rem, and a deterministic Miller-Rabin test of
//      32-bit odd numbers (modular exponentiation: mul + remu per step).
//
// What it measures: the integer pipeline on small hot loops, where an
// interpreter's per-instruction dispatch cost is everything; the M
// extension (mul, mulw, div, divu, rem, remu, in both 64- and 32-bit
// forms); and byte stores. It is in the set because these loops are what
// "simple integer code" looks like after gcc -O2, and the division loop
// catches slow or wrong division corner cases.
//
// The sieve's prime count is cross-checked against the Miller-Rabin count
// over the same small range. The checksum folds every kernel's results.
//
// Usage: intloop [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define SIEVE_LIMIT 2000000
#define SIEVE_REPS 4
#define MAT_N 160
#define MAT_REPS 5
#define COLLATZ_START 1000000
#define COLLATZ_COUNT 160000
#define GCD_PAIRS 600000
#define MR_COUNT 300000 // odd numbers tested from MR_BASE
#define MR_BASE 3000000001u

static u8 composite[SIEVE_LIMIT + 1];
static u32 ma[MAT_N][MAT_N], mb[MAT_N][MAT_N], mc[MAT_N][MAT_N];

static u64 rng_state = 0x0123456789abcdefull;
static u64 rng(void) { // xorshift64
	u64 x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static inline u64 mix(u64 h, u64 v) { return (h ^ v) * 0x100000001b3ull; }

// ---- 1. sieve

// Returns the number of primes <= limit; *psum gets their sum.
static u64 sieve(u32 limit, u64 *psum) {
	for (u32 i = 0; i <= limit; i++)
		composite[i] = 0;
	composite[0] = composite[1] = 1;
	for (u32 p = 2; (u64)p * p <= limit; p++)
		if (!composite[p])
			for (u32 m = p * p; m <= limit; m += p)
				composite[m] = 1;
	u64 count = 0, sum = 0;
	for (u32 i = 0; i <= limit; i++)
		if (!composite[i]) {
			count++;
			sum += i;
		}
	*psum = sum;
	return count;
}

// ---- 2. matrix multiply (wrapping 32-bit arithmetic)

static void matmul(void) {
	for (int i = 0; i < MAT_N; i++) {
		for (int j = 0; j < MAT_N; j++)
			mc[i][j] = 0;
		for (int k = 0; k < MAT_N; k++) {
			u32 a = ma[i][k];
			for (int j = 0; j < MAT_N; j++)
				mc[i][j] += a * mb[k][j];
		}
	}
}

// ---- 3. Collatz

static u32 collatz_steps(u64 n) {
	u32 steps = 0;
	while (n != 1) {
		if (n & 1)
			n = 3 * n + 1;
		else
			n >>= 1;
		steps++;
	}
	return steps;
}

// ---- 4. division-heavy

static u64 gcd(u64 a, u64 b) {
	while (b) {
		u64 t = a % b;
		a = b;
		b = t;
	}
	return a;
}

static u32 mulmod32(u32 a, u32 b, u32 m) { return (u32)((u64)a * b % m); }

static u32 powmod32(u32 b, u32 e, u32 m) {
	u32 r = 1;
	b %= m;
	while (e) {
		if (e & 1)
			r = mulmod32(r, b, m);
		b = mulmod32(b, b, m);
		e >>= 1;
	}
	return r;
}

// Deterministic for n < 4,759,123,141 with bases 2, 7, 61.
static int is_prime32(u32 n) {
	static const u32 bases[3] = {2, 7, 61};
	if (n < 2)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (n == bases[i])
			return 1;
		if (n % bases[i] == 0)
			return 0;
	}
	u32 d = n - 1;
	int s = 0;
	while (!(d & 1)) {
		d >>= 1;
		s++;
	}
	for (int i = 0; i < 3; i++) {
		u32 x = powmod32(bases[i], d, n);
		if (x == 1 || x == n - 1)
			continue;
		int r;
		for (r = 1; r < s; r++) {
			x = mulmod32(x, x, n);
			if (x == n - 1)
				break;
		}
		if (r == s)
			return 0;
	}
	return 1;
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
	u64 scale = parse_scale(argc, argv);
	u64 sum = 0;

	// self-check: Miller-Rabin and the sieve agree on the primes below 10^5
	{
		u64 s, c = sieve(100000, &s), c2 = 0;
		for (u32 n = 0; n <= 100000; n++)
			c2 += is_prime32(n);
		if (c != 9592 || c2 != c) {
			rt_puts("intloop self-test FAILED\n");
			return 1;
		}
	}

	for (u64 rep = 0; rep < SIEVE_REPS * scale; rep++) {
		u64 psum, count = sieve(SIEVE_LIMIT - (u32)(rep % 64) * 997, &psum);
		sum = mix(sum, count);
		sum = mix(sum, psum);
	}

	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			ma[i][j] = (u32)rng();
			mb[i][j] = (u32)rng();
		}
	for (u64 rep = 0; rep < MAT_REPS * scale; rep++) {
		matmul();
		// feed the product back so every repetition depends on the last
		for (int i = 0; i < MAT_N; i++)
			for (int j = 0; j < MAT_N; j++) {
				sum = mix(sum, mc[i][j]);
				ma[i][j] = mc[i][j] ^ (mc[i][j] >> 13);
			}
	}

	u64 maxsteps = 0, total = 0;
	for (u64 n = COLLATZ_START; n < COLLATZ_START + COLLATZ_COUNT * scale; n++) {
		u64 s = collatz_steps(n);
		total += s;
		if (s > maxsteps)
			maxsteps = s;
	}
	sum = mix(sum, total);
	sum = mix(sum, maxsteps);

	for (u64 i = 0; i < GCD_PAIRS * scale; i++) {
		u64 a = rng(), b = rng() >> (i % 23);
		sum = mix(sum, gcd(a, b));
		i64 sa = (i64)a, sb = (i64)(b >> 3) - (i64)(1ull << 59);
		if (sb != 0)
			sum = mix(sum, (u64)(sa / sb) ^ (u64)(sa % sb));
		i32 wa = (i32)a, wb = (i32)(b >> 40) | 1;
		sum = mix(sum, (u64)(wa / wb) + (u32)(wa % wb) + ((u32)a / (u32)wb));
	}

	u64 primes = 0;
	for (u64 i = 0; i < MR_COUNT * scale; i++) {
		u32 n = MR_BASE + 2 * (u32)i;
		if (is_prime32(n)) {
			primes++;
			sum = mix(sum, n);
		}
	}
	sum = mix(sum, primes);

	rt_puts("intloop ");
	rt_kv("checksum", sum);
	return 0;
}
