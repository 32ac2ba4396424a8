// qsort: quicksort of 64-bit keys and a stable mergesort of key/index
// records through a comparison function pointer, repeated over several key
// distributions, with every result verified.
//
// What it measures: compare-and-branch heavy code with data-dependent,
// poorly predictable branches, recursion (calls, returns, stack spills),
// indirect calls through a function pointer (as libc qsort and most sort
// APIs do), and streaming memory traffic over arrays of 0.8 MiB (keys) and
// 2 x 1.6 MiB (records). It is in the set because it is the control-flow
// heavy case: short basic blocks ending in conditional branches, jal/jalr
// and ret, which stresses an interpreter's block lookup and chaining much
// more than the hashing kernels do.
//
// Each round sorts a freshly generated array (uniform 64-bit keys, keys
// with many duplicates, or an almost sorted array), checks that both sorts
// produced the same ordered keys and that the mergesort kept equal keys in
// their original order, and folds the sorted output into the checksum.
//
// Usage: qsort [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define N 100000
#define ROUNDS 18 // at scale 1

typedef struct {
	u64 key;
	u64 idx; // position before sorting, to check stability
} rec;

static u64 keys[N];
static rec recs[N], tmp[N];

static u64 rng_state;
static u64 rng(void) { // splitmix64
	u64 z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

// ---- quicksort: median of three, Hoare partition, insertion sort below 16,
// recursion on the smaller side so the stack stays O(log n).

static void insertion_sort_u64(u64 *a, i64 n) {
	for (i64 i = 1; i < n; i++) {
		u64 v = a[i];
		i64 j = i - 1;
		while (j >= 0 && a[j] > v) {
			a[j + 1] = a[j];
			j--;
		}
		a[j + 1] = v;
	}
}

static void quicksort_u64(u64 *a, i64 n) {
	while (n > 16) {
		u64 *m = a + n / 2, *z = a + n - 1, t;
		if (*m < *a) { t = *m; *m = *a; *a = t; }
		if (*z < *m) {
			t = *z; *z = *m; *m = t;
			if (*m < *a) { t = *m; *m = *a; *a = t; }
		}
		u64 pivot = *m;
		i64 i = -1, j = n;
		for (;;) {
			do i++; while (a[i] < pivot);
			do j--; while (a[j] > pivot);
			if (i >= j)
				break;
			t = a[i]; a[i] = a[j]; a[j] = t;
		}
		// a[0..j] <= pivot <= a[j+1..n-1]
		i64 left = j + 1, right = n - left;
		if (left < right) {
			quicksort_u64(a, left);
			a += left;
			n = right;
		} else {
			quicksort_u64(a + left, right);
			n = left;
		}
	}
	insertion_sort_u64(a, n);
}

// ---- mergesort of records through a comparator, as a generic sort would.

typedef int (*cmp_fn)(const rec *, const rec *);

static int cmp_key(const rec *x, const rec *y) {
	return x->key < y->key ? -1 : x->key > y->key;
}

// The comparator is reached through a writable global, as with a sort
// routine in a library: the compiler cannot see which function it is, so
// every comparison is a real indirect call (jalr) and return.
cmp_fn rec_order = cmp_key;

static void insertion_sort_rec(rec *a, u64 n, cmp_fn cmp) {
	for (u64 i = 1; i < n; i++) {
		rec v = a[i];
		u64 j = i;
		while (j > 0 && cmp(&a[j - 1], &v) > 0) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

// Sorts n records. On entry src and dst hold the same records; on return
// dst is sorted and src is clobbered (it is the scratch space).
static void msort(rec *src, rec *dst, u64 n, cmp_fn cmp) {
	if (n <= 12) {
		insertion_sort_rec(dst, n, cmp);
		return;
	}
	u64 h = n / 2;
	msort(dst, src, h, cmp);
	msort(dst + h, src + h, n - h, cmp);
	// merge the sorted halves of src into dst, taking from the left on ties
	rec *l = src, *le = src + h, *r = src + h, *re = src + n, *o = dst;
	while (l < le && r < re) {
		if (cmp(r, l) < 0)
			*o++ = *r++;
		else
			*o++ = *l++;
	}
	while (l < le)
		*o++ = *l++;
	while (r < re)
		*o++ = *r++;
}

static void fill(u64 round) {
	u64 kind = round % 3;
	for (u64 i = 0; i < N; i++) {
		u64 k;
		if (kind == 0)
			k = rng(); // uniform
		else if (kind == 1)
			k = rng() % 1000; // many duplicates
		else
			k = i * 1000 + rng() % 5000; // almost sorted
		keys[i] = k;
		recs[i].key = tmp[i].key = k;
		recs[i].idx = tmp[i].idx = i;
	}
	if (kind == 2) // plus a few far-flung elements
		for (int s = 0; s < 100; s++) {
			u64 i = rng() % N, j = rng() % N, t = keys[i];
			keys[i] = keys[j];
			keys[j] = t;
			recs[i].key = tmp[i].key = keys[i];
			recs[j].key = tmp[j].key = keys[j];
		}
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
	u64 rounds = ROUNDS * parse_scale(argc, argv);
	u64 sum = 0;
	rng_state = 42;
	for (u64 r = 0; r < rounds; r++) {
		fill(r);
		quicksort_u64(keys, N);
		msort(tmp, recs, N, rec_order);
		for (u64 i = 0; i < N; i++) {
			if (keys[i] != recs[i].key ||
			    (i > 0 && (keys[i - 1] > keys[i] ||
			               (recs[i - 1].key == recs[i].key &&
			                recs[i - 1].idx > recs[i].idx)))) {
				rt_puts("qsort verify FAILED at ");
				rt_dec((i64)i);
				rt_puts("\n");
				return 1;
			}
			sum = (sum ^ keys[i]) * 0x100000001b3ull ^ recs[i].idx;
		}
	}
	rt_puts("qsort ");
	rt_kv("checksum", sum);
	return 0;
}
