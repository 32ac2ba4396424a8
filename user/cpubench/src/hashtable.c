// hashtable: an open-addressing (linear probing) hash table of 64-bit keys
// and values, 2^18 slots = 4 MiB, driven by a pseudo-random stream of
// inserts, lookups and deletes (backward-shift deletion, no tombstones).
//
// What it measures: random memory access over a few MiB (every operation
// lands on an unpredictable slot), data-dependent branches that no
// predictor can learn (hit or miss, probe length, which operation), 64-bit
// multiplies for the hash, and the call/return of small non-inlined
// functions. It is in the set because it is the typical shape of
// "business logic" integer code: irregular, branchy and load-latency bound,
// unlike the streaming kernels. For an emulator it also exercises guest
// memory translation on addresses with no locality.
//
// The key stream draws from 240000 distinct keys with 6/16 inserts, 3/16
// deletes and 7/16 lookups, so the table settles at about 60% load. The
// checksum folds every lookup result, the number of live entries, and a
// final walk over the table; the entry count is cross-checked against a
// full scan.
//
// Usage: hashtable [scale]   (default 1; work is proportional to scale)
#define RT_IMPLEMENTATION
#include "rt.h"

#define LOG_SLOTS 18
#define SLOTS (1u << LOG_SLOTS)
#define MASK (SLOTS - 1)
#define KEYSPACE 240000
#define OPS 10000000 // at scale 1

typedef struct {
	u64 key; // 0 = empty
	u64 val;
} slot;

static slot table[SLOTS];
static u64 live;

static u64 rng_state;
static inline u64 rng(void) { // xorshift64*
	u64 x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

// fmix64 from MurmurHash3: a bijection, so distinct indices give distinct
// keys; index+1 so that no key is 0.
static inline u64 make_key(u64 i) {
	u64 k = i + 1;
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdull;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ull;
	k ^= k >> 33;
	return k;
}

static inline u32 home(u64 key) {
	return (u32)((key * 0x9e3779b97f4a7c15ull) >> (64 - LOG_SLOTS));
}

// Returns 1 if the key was new.
static __attribute__((noinline)) int ht_put(u64 key, u64 val) {
	u32 i = home(key);
	for (;;) {
		slot *s = &table[i];
		if (s->key == key) {
			s->val = val;
			return 0;
		}
		if (s->key == 0) {
			s->key = key;
			s->val = val;
			live++;
			return 1;
		}
		i = (i + 1) & MASK;
	}
}

// Returns a pointer to the value, or 0 when absent.
static __attribute__((noinline)) u64 *ht_get(u64 key) {
	u32 i = home(key);
	for (;;) {
		slot *s = &table[i];
		if (s->key == key)
			return &s->val;
		if (s->key == 0)
			return 0;
		i = (i + 1) & MASK;
	}
}

// Backward-shift deletion: after emptying a slot, move later members of
// the probe run back so that no lookup stops early. Returns 1 if removed.
static __attribute__((noinline)) int ht_del(u64 key) {
	u32 i = home(key);
	for (;;) {
		if (table[i].key == 0)
			return 0;
		if (table[i].key == key)
			break;
		i = (i + 1) & MASK;
	}
	u32 hole = i;
	for (u32 j = (i + 1) & MASK; table[j].key != 0; j = (j + 1) & MASK) {
		u32 h = home(table[j].key);
		// move j into the hole unless its home lies cyclically in (hole, j]
		if (((j - h) & MASK) >= ((j - hole) & MASK)) {
			table[hole] = table[j];
			hole = j;
		}
	}
	table[hole].key = 0;
	table[hole].val = 0;
	live--;
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
	u64 ops = (u64)OPS * parse_scale(argc, argv);
	u64 sum = 0, hits = 0, misses = 0;
	rng_state = 0x853c49e6748fea9bull;
	for (u64 n = 0; n < ops; n++) {
		u64 r = rng();
		u64 key = make_key((r >> 32) % KEYSPACE);
		u32 op = r & 15;
		if (op < 6) {
			sum += ht_put(key, r ^ n);
		} else if (op < 9) {
			sum = sum * 3 + ht_del(key);
		} else {
			u64 *v = ht_get(key);
			if (v) {
				hits++;
				sum ^= *v + n;
				*v += 1; // lookups also update, so stale values show up
			} else {
				misses++;
				sum = (sum << 1 | sum >> 63) ^ key;
			}
		}
	}

	// final walk: every live entry, in slot order, and a count cross-check
	u64 count = 0;
	for (u32 i = 0; i < SLOTS; i++)
		if (table[i].key) {
			count++;
			sum = (sum ^ table[i].key ^ (table[i].val * (i | 1))) * 0x100000001b3ull;
		}
	if (count != live) {
		rt_puts("hashtable verify FAILED: live count mismatch\n");
		return 1;
	}
	// and every live key must be findable from its home slot
	for (u32 i = 0; i < SLOTS; i++)
		if (table[i].key && ht_get(table[i].key) != &table[i].val) {
			rt_puts("hashtable verify FAILED: unreachable key\n");
			return 1;
		}
	sum ^= live << 40 ^ hits << 20 ^ misses;

	rt_puts("hashtable ");
	rt_kv("checksum", sum);
	return 0;
}
