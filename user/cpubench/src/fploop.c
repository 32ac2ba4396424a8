// fploop: floating point, in four parts of roughly equal size:
//   1. double-precision matrix multiply, 128x128, i-k-j order (fld, fmadd.d,
//      fsd), its product fed back through a division,
//   2. an n-body simulation (the five Jovian bodies of the Computer
//      Language Benchmarks Game): fmul/fadd/fsub, fsqrt.d, fdiv.d,
//   3. the Mandelbrot set on a 480x320 grid (compare-and-branch on doubles,
//      a data-dependent trip count, fcvt between integers and doubles),
//   4. single precision: a 5-point Jacobi relaxation on a 192x192 float
//      grid with a per-sweep fsqrt.s norm, and float <-> int conversions.
//
// What it measures: the F and D extensions as gcc -O2 uses them (with
// fused multiply-add, which gcc emits by default), and the float register
// file including NaN-boxing of single-precision values. It is in the set
// because floating point is where an interpreter written in a high-level
// language is most tempted to take shortcuts: the checksum folds the raw
// bit patterns of the results, so the output matches qemu's only if every
// operation is exactly IEEE 754 (correct rounding, a single rounding for
// fmadd, round-to-nearest-even, the RISC-V conversion rules).
//
// Usage: fploop [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define MAT_N 128
#define MAT_REPS 13
#define NBODY_STEPS 360000
#define MB_W 480
#define MB_H 320
#define MB_ITER 200
#define MB_REPS 1
#define GRID 192
#define JACOBI_SWEEPS 280

static inline double fsqrt_d(double x) {
	double r;
	asm("fsqrt.d %0, %1" : "=f"(r) : "f"(x));
	return r;
}

static inline float fsqrt_s(float x) {
	float r;
	asm("fsqrt.s %0, %1" : "=f"(r) : "f"(x));
	return r;
}

static inline u64 dbits(double d) {
	union { double d; u64 u; } v = {d};
	return v.u;
}

static inline u32 fbits(float f) {
	union { float f; u32 u; } v = {f};
	return v.u;
}

static inline u64 mix(u64 h, u64 v) { return (h ^ v) * 0x100000001b3ull; }

static u64 rng_state = 0x6a09e667f3bcc909ull;
static u64 rng(void) { // xorshift64
	u64 x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

// uniform double in [-1, 1), via an integer to double conversion
static double rnd_unit(void) { return (double)(i64)rng() * (1.0 / 9223372036854775808.0); }

// ---- 1. matrix multiply

static double A[MAT_N][MAT_N], B[MAT_N][MAT_N], C[MAT_N][MAT_N];

static void dgemm(void) {
	for (int i = 0; i < MAT_N; i++) {
		for (int j = 0; j < MAT_N; j++)
			C[i][j] = 0.0;
		for (int k = 0; k < MAT_N; k++) {
			double a = A[i][k];
			for (int j = 0; j < MAT_N; j++)
				C[i][j] += a * B[k][j];
		}
	}
}

static u64 part_matmul(u64 reps) {
	u64 h = 0;
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++) {
			A[i][j] = rnd_unit();
			B[i][j] = rnd_unit();
		}
	for (u64 r = 0; r < reps; r++) {
		dgemm();
		double tr = 0.0;
		for (int i = 0; i < MAT_N; i++) {
			tr += C[i][i];
			for (int j = 0; j < MAT_N; j++) // keep A bounded in (-1, 1)
				A[i][j] = C[i][j] / (1.0 + __builtin_fabs(C[i][j]));
		}
		h = mix(h, dbits(tr));
	}
	for (int i = 0; i < MAT_N; i++)
		for (int j = 0; j < MAT_N; j++)
			h = mix(h, dbits(C[i][j]));
	return h;
}

// ---- 2. n-body

#define PI 3.141592653589793
#define SOLAR_MASS (4 * PI * PI)
#define DAYS_PER_YEAR 365.24

typedef struct {
	double x, y, z, vx, vy, vz, mass;
} body;

static body bodies[5] = {
	{0, 0, 0, 0, 0, 0, SOLAR_MASS}, // sun
	{4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
	 1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
	 -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
	{8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
	 -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
	 2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
	{1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
	 2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
	 -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
	{1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
	 2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
	 -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
};

static void nbody_advance(body *b, int n, double dt) {
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * fsqrt_d(d2));
			b[i].vx -= dx * b[j].mass * mag;
			b[i].vy -= dy * b[j].mass * mag;
			b[i].vz -= dz * b[j].mass * mag;
			b[j].vx += dx * b[i].mass * mag;
			b[j].vy += dy * b[i].mass * mag;
			b[j].vz += dz * b[i].mass * mag;
		}
	for (int i = 0; i < n; i++) {
		b[i].x += dt * b[i].vx;
		b[i].y += dt * b[i].vy;
		b[i].z += dt * b[i].vz;
	}
}

static double nbody_energy(const body *b, int n) {
	double e = 0.0;
	for (int i = 0; i < n; i++) {
		e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
		for (int j = i + 1; j < n; j++) {
			double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
			e -= b[i].mass * b[j].mass / fsqrt_d(dx * dx + dy * dy + dz * dz);
		}
	}
	return e;
}

static u64 part_nbody(u64 steps) {
	double px = 0, py = 0, pz = 0;
	for (int i = 0; i < 5; i++) { // zero the total momentum
		px += bodies[i].vx * bodies[i].mass;
		py += bodies[i].vy * bodies[i].mass;
		pz += bodies[i].vz * bodies[i].mass;
	}
	bodies[0].vx = -px / SOLAR_MASS;
	bodies[0].vy = -py / SOLAR_MASS;
	bodies[0].vz = -pz / SOLAR_MASS;
	double e0 = nbody_energy(bodies, 5);
	if (!(e0 > -0.1690752 && e0 < -0.1690751)) // the known -0.169075164
		return 0;
	u64 h = dbits(e0);
	for (u64 s = 0; s < steps; s++)
		nbody_advance(bodies, 5, 0.01);
	h = mix(h, dbits(nbody_energy(bodies, 5)));
	for (int i = 0; i < 5; i++)
		h = mix(mix(mix(h, dbits(bodies[i].x)), dbits(bodies[i].y)), dbits(bodies[i].vz));
	return h;
}

// ---- 3. Mandelbrot

static u64 part_mandelbrot(u64 reps) {
	u64 h = 0, total = 0;
	for (u64 r = 0; r < reps; r++) {
		// zoom in a little on every repetition
		double scale = 3.0 / (double)MB_W / (1.0 + 0.25 * (double)r);
		double cx0 = -0.743643887037151 - scale * (MB_W / 2);
		double cy0 = 0.131825904205330 - scale * (MB_H / 2);
		for (int py = 0; py < MB_H; py++) {
			double ci = cy0 + scale * py;
			u64 row = 0;
			for (int px = 0; px < MB_W; px++) {
				double cr = cx0 + scale * px;
				double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
				int it = 0;
				while (it < MB_ITER && zr2 + zi2 <= 4.0) {
					zi = 2.0 * zr * zi + ci;
					zr = zr2 - zi2 + cr;
					zr2 = zr * zr;
					zi2 = zi * zi;
					it++;
				}
				total += (u64)it;
				row = row * 31 + (u64)it;
				if (it == MB_ITER) // points inside: fold where z ended up
					row ^= dbits(zr) ^ (dbits(zi) >> 1);
			}
			h = mix(h, row);
		}
	}
	return mix(h, total);
}

// ---- 4. single precision: Jacobi relaxation

static float grid[2][GRID][GRID];

static u64 part_jacobi(u64 sweeps) {
	u64 h = 0;
	for (int i = 0; i < GRID; i++)
		for (int j = 0; j < GRID; j++)
			grid[0][i][j] = grid[1][i][j] = (float)(i32)(rng() >> 40) * (1.0f / 16777216.0f);
	for (int i = 0; i < GRID; i++) // hot and cold edges
		grid[0][i][0] = grid[1][i][0] = 100.0f, grid[0][i][GRID - 1] = grid[1][i][GRID - 1] = -25.0f;
	int cur = 0;
	for (u64 s = 0; s < sweeps; s++) {
		float (*src)[GRID] = grid[cur], (*dst)[GRID] = grid[cur ^ 1];
		float norm2 = 0.0f;
		for (int i = 1; i < GRID - 1; i++)
			for (int j = 1; j < GRID - 1; j++) {
				float v = 0.25f * (src[i - 1][j] + src[i + 1][j] + src[i][j - 1] + src[i][j + 1]);
				float d = v - src[i][j];
				norm2 += d * d;
				dst[i][j] = v;
			}
		cur ^= 1;
		float norm = fsqrt_s(norm2);
		// a float -> int conversion and a float division each sweep
		h = mix(h, (u64)fbits(norm) ^ (u64)(i64)(norm * 1000.0f) << 32);
		h = mix(h, fbits(grid[cur][GRID / 2][GRID / 3] / (norm + 1.0f)));
	}
	// quantise the final field to integers (fcvt.w.s) and fold it
	for (int i = 0; i < GRID; i++) {
		u64 row = 0;
		for (int j = 0; j < GRID; j++)
			row = row * 1000003 + (u64)(i32)(grid[cur][i][j] * 64.0f) + fbits(grid[cur][i][j]);
		h = mix(h, row);
	}
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
	u64 scale = parse_scale(argc, argv);
	u64 sum = 0;
	sum = mix(sum, part_matmul(MAT_REPS * scale));
	u64 nb = part_nbody(NBODY_STEPS * scale);
	if (nb == 0) {
		rt_puts("fploop self-test FAILED: n-body initial energy\n");
		return 1;
	}
	sum = mix(sum, nb);
	sum = mix(sum, part_mandelbrot(MB_REPS * scale));
	sum = mix(sum, part_jacobi(JACOBI_SWEEPS * scale));
	rt_puts("fploop ");
	rt_kv("checksum", sum);
	return 0;
}
