// loops.c: a mix of ordinary C compiled at -O2, to exercise the code a
// compiler really emits: calls, recursion, mutual recursion, function
// pointers, varargs, a switch compiled to a jump table (a little bytecode
// interpreter), struct copies and struct arguments/returns, byte and
// halfword manipulation (CRC-32, UTF-8, base64, byte swapping), bit
// tricks (Zbb builtins), 128-bit multiplication and division (__int128,
// including libgcc's __udivti3/__umodti3), and float/double arithmetic
// with conversions. Each part prints a checksum.
#define RT_IMPLEMENTATION
#include "rt.h"
#include "out.h"

#define NOINLINE __attribute__((noinline))

typedef short i16;
typedef signed char i8;

// ---- calls and recursion ---------------------------------------------------

static NOINLINE u64 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static NOINLINE u64 ack(u64 m, u64 n) {
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ack(m - 1, 1);
	return ack(m - 1, ack(m, n - 1));
}

static NOINLINE int is_odd(u32 n);
static NOINLINE int is_even(u32 n) { return n == 0 ? 1 : is_odd(n - 1); }
static NOINLINE int is_odd(u32 n) { return n == 0 ? 0 : is_even(n - 1); }

static NOINLINE i64 sum_va(int n, ...) {
	__builtin_va_list ap;
	__builtin_va_start(ap, n);
	i64 s = 0;
	for (int i = 0; i < n; i++)
		s = s * 31 + __builtin_va_arg(ap, i64);
	__builtin_va_end(ap);
	return s;
}

static i64 f_add(i64 a, i64 b) { return a + b; }
static i64 f_sub(i64 a, i64 b) { return a - b; }
static i64 f_mul(i64 a, i64 b) { return a * b; }
static i64 f_div(i64 a, i64 b) { return b ? a / b : -1; }
static i64 f_mod(i64 a, i64 b) { return b ? a % b : -1; }
static i64 (*const fops[])(i64, i64) = {f_add, f_sub, f_mul, f_div, f_mod};

static void test_calls(void) {
	out_kv("fib(27)", fib(27));
	out_kv("ack(2, 300)", ack(2, 300));
	out_kv("ack(3, 5)", ack(3, 5));
	out_kv("is_even(1001)", is_even(1001));
	out_kv("is_odd(1001)", is_odd(1001));
	out_kv("sum_va", sum_va(9, 1L, -2L, 3L, -4L, 5L, 1L << 40, -(1L << 50), 7L, 8L));
	u64 h = 0;
	for (i64 i = -50; i < 50; i++)
		for (int k = 0; k < 5; k++)
			h = h * 1000003 + (u64)fops[k](i * 7919, i % 13 - 6);
	out_kv("function pointers", h);
}

// ---- switch / jump table: a bytecode interpreter ---------------------------

enum { OP_PUSH, OP_ADD, OP_SUB, OP_MUL, OP_DUP, OP_SWAP, OP_JNZ, OP_DEC, OP_DROP, OP_XOR, OP_SHL, OP_HALT };

static NOINLINE i64 interp(const i32 *code, i64 arg) {
	i64 st[32];
	int sp = 0, pc = 0;
	st[sp++] = arg;
	for (;;) {
		i32 op = code[pc++];
		switch (op) {
		case OP_PUSH: st[sp++] = code[pc++]; break;
		case OP_ADD: sp--; st[sp - 1] += st[sp]; break;
		case OP_SUB: sp--; st[sp - 1] -= st[sp]; break;
		case OP_MUL: sp--; st[sp - 1] *= st[sp]; break;
		case OP_DUP: st[sp] = st[sp - 1]; sp++; break;
		case OP_SWAP: { i64 t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } break;
		case OP_JNZ: { i32 t = code[pc++]; if (st[sp - 1]) pc = t; } break;
		case OP_DEC: st[sp - 1]--; break;
		case OP_DROP: sp--; break;
		case OP_XOR: sp--; st[sp - 1] ^= st[sp]; break;
		case OP_SHL: sp--; st[sp - 1] <<= (st[sp] & 63); break;
		case OP_HALT: return st[sp - 1];
		default: return -999;
		}
	}
}

static void test_switch(void) {
	// acc = 1; n = arg; do { acc = acc * 3 ^ n; n-- } while (n); return acc
	static const i32 prog[] = {
		OP_PUSH, 1, OP_SWAP,                     // acc n
		/* 3 */ OP_SWAP, OP_PUSH, 3, OP_MUL,     // n acc*3
		OP_SWAP, OP_DUP, OP_PUSH, 0, OP_ADD,     // acc*3 n n
		OP_SWAP, OP_DROP,                        // acc*3 n
		OP_SWAP, OP_PUSH, 0, OP_XOR, OP_SWAP,    // acc*3 n
		OP_DUP, OP_PUSH, 5, OP_SHL, OP_DROP,     // acc*3 n
		OP_SWAP, OP_PUSH, 7, OP_ADD, OP_SWAP,    // acc*3+7 n
		OP_DEC, OP_JNZ, 3, OP_DROP, OP_HALT,
	};
	u64 h = 0;
	for (i64 a = 1; a < 60; a++)
		h = h * 31 + (u64)interp(prog, a);
	out_kv("interpreter", h);
	static const i32 bad[] = {77};
	out_kv("interpreter default case", (u64)interp(bad, 0));
	// A dense switch on characters.
	u64 cls = 0;
	for (int c = 0; c < 128; c++) {
		int k;
		switch (c) {
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9': k = 1; break;
		case ' ': case '\t': case '\n': k = 2; break;
		case '+': case '-': case '*': case '/': k = 3; break;
		case '(': case ')': k = 4; break;
		case 'a': case 'e': case 'i': case 'o': case 'u': k = 5; break;
		default: k = (c >= 'a' && c <= 'z') ? 6 : 0; break;
		}
		cls = cls * 7 + (u64)k;
	}
	out_kv("character classes", cls);
}

// ---- structs ---------------------------------------------------------------

struct rec {
	u8 tag;
	u16 id;
	i32 score;
	u64 key;
	char name[13];
	double w;
};

static NOINLINE struct rec make_rec(u32 i) {
	struct rec r;
	r.tag = (u8)(i * 37);
	r.id = (u16)(i * 2654435761u >> 16);
	r.score = (i32)(i * 7919) - 50000;
	r.key = (u64)i * 0x9e3779b97f4a7c15;
	for (int k = 0; k < 12; k++)
		r.name[k] = (char)('a' + (i + k * 3) % 26);
	r.name[12] = 0;
	r.w = (double)r.score / 7.0;
	return r;
}

static NOINLINE u64 hash_rec(struct rec r) {
	u64 h = r.tag;
	h = h * 131 + r.id;
	h = h * 131 + (u32)r.score;
	h = h * 131 + r.key;
	for (int k = 0; k < 13; k++)
		h = h * 131 + (u8)r.name[k];
	union { double d; u64 u; } c = {r.w};
	return h * 131 + c.u;
}

static void test_structs(void) {
	static struct rec a[40];
	for (u32 i = 0; i < 40; i++)
		a[i] = make_rec(i + 3);
	// Insertion sort by key with struct assignment.
	for (int i = 1; i < 40; i++) {
		struct rec t = a[i];
		int j = i - 1;
		while (j >= 0 && a[j].key > t.key) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = t;
	}
	u64 h = 0;
	for (int i = 0; i < 40; i++)
		h = h * 1000003 + hash_rec(a[i]);
	out_kv("sorted structs", h);
	struct rec b[8];
	memcpy(b, a + 5, sizeof b);
	memmove(a + 6, a + 5, 10 * sizeof a[0]);
	h = 0;
	for (int i = 0; i < 20; i++)
		h = h * 31 + hash_rec(a[i]);
	for (int i = 0; i < 8; i++)
		h = h * 31 + hash_rec(b[i]);
	out_kv("struct memcpy/memmove", h);
	out_kv("sizeof(struct rec)", sizeof(struct rec));
}

// ---- bytes and halfwords ---------------------------------------------------

static u32 crc_table[256];

static void test_bytes(void) {
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
	static u8 data[1000];
	for (u32 i = 0; i < sizeof data; i++)
		data[i] = (u8)(i * i + 7 * i);
	u32 crc = ~0u;
	for (u32 i = 0; i < sizeof data; i++)
		crc = crc_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
	out_kv("crc32", ~crc);

	// UTF-8 encode code points, then decode them again.
	static u8 utf[4096];
	u32 n = 0;
	for (u32 cp = 1; cp < 0x110000; cp = cp * 3 + 1) {
		if (cp < 0x80) {
			utf[n++] = (u8)cp;
		} else if (cp < 0x800) {
			utf[n++] = (u8)(0xc0 | cp >> 6);
			utf[n++] = (u8)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			utf[n++] = (u8)(0xe0 | cp >> 12);
			utf[n++] = (u8)(0x80 | (cp >> 6 & 0x3f));
			utf[n++] = (u8)(0x80 | (cp & 0x3f));
		} else {
			utf[n++] = (u8)(0xf0 | cp >> 18);
			utf[n++] = (u8)(0x80 | (cp >> 12 & 0x3f));
			utf[n++] = (u8)(0x80 | (cp >> 6 & 0x3f));
			utf[n++] = (u8)(0x80 | (cp & 0x3f));
		}
	}
	u64 h = n;
	for (u32 i = 0; i < n;) {
		u32 c = utf[i], len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		u32 cp = len == 1 ? c : c & (0x7f >> len);
		for (u32 k = 1; k < len; k++)
			cp = cp << 6 | (utf[i + k] & 0x3f);
		h = h * 1000003 + cp;
		i += len;
	}
	out_kv("utf-8 round trip", h);

	// base64.
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static char enc[1400];
	u32 e = 0;
	for (u32 i = 0; i + 2 < sizeof data; i += 3) {
		u32 v = (u32)data[i] << 16 | (u32)data[i + 1] << 8 | data[i + 2];
		enc[e++] = b64[v >> 18];
		enc[e++] = b64[v >> 12 & 63];
		enc[e++] = b64[v >> 6 & 63];
		enc[e++] = b64[v & 63];
	}
	enc[e] = 0;
	h = 0;
	for (u32 i = 0; i < e; i++)
		h = h * 33 ^ (u8)enc[i];
	out_kv("base64", h);
	out_s("base64 head: ");
	enc[40] = 0;
	out_s(enc);
	out_nl();

	// Halfwords: byte swapping and signed 16-bit arithmetic.
	static i16 hw[500];
	for (int i = 0; i < 500; i++)
		hw[i] = (i16)(i * 1237 - 30000);
	i64 s = 0;
	u64 sw = 0;
	for (int i = 0; i < 500; i++) {
		s += hw[i] * (i16)(hw[(i + 1) % 500] >> 3);
		u16 u = (u16)hw[i];
		sw = sw * 3 + (u16)(u << 8 | u >> 8);
		hw[i] = (i16)(hw[i] + hw[(i + 7) % 500]);
	}
	out_kv("halfword products", (u64)s);
	out_kv("halfword swaps", sw);
	u64 bs = 0;
	for (u64 v = 1; v; v <<= 7)
		bs = bs * 5 + __builtin_bswap64(v * 0x0101010101010101) + __builtin_bswap32((u32)v) + __builtin_bswap16((u16)v);
	out_kv("bswap", bs);

	// A string reversal in place and a compare.
	char str[] = "the quick brown fox jumps over the lazy dog";
	u32 len = 0;
	while (str[len])
		len++;
	for (u32 i = 0; i < len / 2; i++) {
		char t = str[i];
		str[i] = str[len - 1 - i];
		str[len - 1 - i] = t;
	}
	out_s("reversed: ");
	out_s(str);
	out_nl();
	out_kv("memcmp", (u64)(i64)memcmp(str, "god yzal", 8));
}

// ---- bits ------------------------------------------------------------------

static void test_bits(void) {
	u64 h = 0;
	u64 x = 0x0123456789abcdef;
	for (int i = 0; i < 200; i++) {
		x = x * 6364136223846793005 + 1442695040888963407;
		u64 y = x >> (i % 64);
		h = h * 31 + (u64)__builtin_popcountll(y);
		h = h * 31 + (u64)(y ? __builtin_clzll(y) : 64);
		h = h * 31 + (u64)(y ? __builtin_ctzll(y) : 64);
		h = h * 31 + (y >> 13 | y << 51);                  // rotate
		h = h * 31 + ((u32)y >> 5 | (u32)y << 27);         // 32-bit rotate
		h = h * 31 + (u64)((i64)y < (i64)x ? (i64)y : (i64)x); // min
		h = h * 31 + (y > x ? y : x);                      // maxu
		h = h * 31 + (x & ~y) + (x | ~y) + ~(x ^ y);       // andn, orn, xnor
		h = h * 31 + (u64)(i64)(i8)y + (u64)(i64)(i16)y + (u16)y; // sext/zext
		h = h * 31 + (u32)y + (x << 3);                    // zext.w, shNadd
		h = h * 31 + (y & (1UL << (i % 64)) ? 1 : 0) + (y | 1UL << (x & 63)); // bext, bset
	}
	out_kv("bit tricks", h);
}

// ---- 128-bit arithmetic ----------------------------------------------------

typedef unsigned __int128 u128;
typedef __int128 i128;

static NOINLINE u64 mulmod(u64 a, u64 b, u64 m) { return (u64)((u128)a * b % m); }

static NOINLINE u64 powmod(u64 b, u64 e, u64 m) {
	u64 r = 1;
	for (b %= m; e; e >>= 1) {
		if (e & 1)
			r = mulmod(r, b, m);
		b = mulmod(b, b, m);
	}
	return r;
}

static void test_int128(void) {
	u64 h = 0;
	u64 a = 0xfedcba9876543210, b = 0x0123456789abcdef;
	for (int i = 0; i < 100; i++) {
		u128 p = (u128)a * b;
		i128 q = (i128)(i64)a * (i64)b;
		h = h * 31 + (u64)(p >> 64) + (u64)p;
		h = h * 31 + (u64)(q >> 64) + (u64)q;
		u128 d = p / (b | 1);
		h = h * 31 + (u64)(d >> 64) + (u64)d + (u64)(p % 1000000007);
		i128 sd = q / -7;
		h = h * 31 + (u64)(sd >> 64) + (u64)sd + (u64)(q % 12345);
		a = a * 2862933555777941757 + 3037000493;
		b ^= a >> 7;
	}
	out_kv("int128", h);
	// Fermat and Miller-style checks with a 64-bit modulus.
	const u64 p = 0xffffffffffffffc5; // the largest 64-bit prime
	out_kv("2^(p-1) mod p", powmod(2, p - 1, p));
	out_kv("3^12345678 mod p", powmod(3, 12345678, p));
	out_kv("mulmod big", mulmod(0xfffffffffffffffe, 0xfffffffffffffffd, p));
}

// ---- floating point --------------------------------------------------------

static u64 dbits(double d) {
	union { double d; u64 u; } c = {d};
	return c.u;
}
static u32 fbits(float f) {
	union { float f; u32 u; } c = {f};
	return c.u;
}

static NOINLINE double newton_sqrt(double x) {
	double r = x > 1 ? x / 2 : 1;
	for (int i = 0; i < 60; i++)
		r = 0.5 * (r + x / r);
	return r;
}

static void test_float(void) {
	double s = 0;
	for (int k = 1; k <= 2000; k++)
		s += 1.0 / ((double)k * k);
	out_kv("sum 1/k^2 (double bits)", dbits(s));
	float sf = 0;
	for (int k = 1; k <= 2000; k++)
		sf += 1.0f / (float)(k * k);
	out_kv("sum 1/k^2 (float bits)", fbits(sf));
	out_kv("pi estimate bits", dbits(newton_sqrt(6 * s)));
	out_kv("newton sqrt(2) bits", dbits(newton_sqrt(2)));

	// Conversions both ways, with truncation and negative values.
	u64 h = 0;
	for (int i = -500; i < 500; i++) {
		double d = i * 1.37 - 0.5;
		float f = (float)d;
		h = h * 31 + (u64)(i64)d;
		h = h * 31 + (u64)(i32)f;
		h = h * 31 + (u64)(u32)(d < 0 ? -d : d);
		h = h * 31 + dbits((double)f);
		h = h * 31 + fbits((float)i / 3.0f);
		h = h * 31 + dbits((double)(u64)(i + 1000) * 1e10);
		h = h * 31 + (u64)(i64)(d * 1e15);
	}
	out_kv("conversions", h);

	// A small Mandelbrot picture.
	static const char shade[] = " .:-=+*#%@";
	for (int y = -6; y <= 6; y++) {
		for (int x = -20; x <= 10; x++) {
			double cr = x / 10.0, ci = y / 6.0, zr = 0, zi = 0;
			int it = 0;
			while (it < 50 && zr * zr + zi * zi < 4) {
				double t = zr * zr - zi * zi + cr;
				zi = 2 * zr * zi + ci;
				zr = t;
				it++;
			}
			out_c(shade[it * 9 / 50]);
		}
		out_nl();
	}

	// A 6x6 matrix product in float, checksum of the bits.
	float m[6][6], n[6][6], r[6][6];
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++) {
			m[i][j] = (float)(i - j) / 3.0f;
			n[i][j] = (float)(i * j + 1) * 0.25f;
		}
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++) {
			float acc = 0;
			for (int k = 0; k < 6; k++)
				acc += m[i][k] * n[k][j];
			r[i][j] = acc;
		}
	h = 0;
	for (int i = 0; i < 6; i++)
		for (int j = 0; j < 6; j++)
			h = h * 31 + fbits(r[i][j]);
	out_kv("matrix product", h);
}

// ---- a sieve ---------------------------------------------------------------

static void test_sieve(void) {
	static u8 comp[100001];
	u32 count = 0;
	u64 sum = 0;
	for (u32 i = 2; i <= 100000; i++) {
		if (comp[i])
			continue;
		count++;
		sum += i;
		for (u32 j = i * 2; j <= 100000; j += i)
			comp[j] = 1;
	}
	out_kv("primes below 100001", count);
	out_kv("their sum", sum);
}

int main(void) {
	test_calls();
	test_switch();
	test_structs();
	test_bytes();
	test_bits();
	test_int128();
	test_float();
	test_sieve();
	out_s("done\n");
	out_flush();
	return 0;
}
