// csr.c: differential test of the Zicsr instructions on the floating-point
// CSRs fflags (0x001), frm (0x002) and fcsr (0x003): csrrw/csrrs/csrrc and
// csrrwi/csrrsi/csrrci (old value returned, new value written, bits
// outside the field ignored, rs1 = x0 / uimm = 0 forms that do not write),
// the fcsr packing (frm in bits 7:5, fflags in bits 4:0), the assembler
// pseudo-instructions (frcsr, fscsr, frrm, fsrm, fsrmi, frflags, fsflags,
// fsflagsi), flag accumulation by arithmetic, and the dynamic rounding
// mode taken from frm. Then the counters cycle, time and instret (by name,
// by number, with csrrs/csrrc/csrrsi/csrrci that do not write): only
// deterministic properties of them are printed.
//
// Unlike the other programs, this one prints through rt_kv directly (one
// write system call per piece of output).
#define RT_IMPLEMENTATION
#include "rt.h"

static u64 rd_fcsr(void) {
	u64 v;
	asm volatile("csrr %0, fcsr" : "=r"(v));
	return v;
}

static void show(const char *what) {
	u64 c, m, f;
	asm volatile("csrr %0, 0x003\n\tcsrr %1, 0x002\n\tcsrr %2, 0x001"
		     : "=r"(c), "=r"(m), "=r"(f));
	rt_puts(what);
	rt_puts(": ");
	rt_kv("fcsr", c);
	rt_puts(what);
	rt_puts(": ");
	rt_kv("frm", m);
	rt_puts(what);
	rt_puts(": ");
	rt_kv("fflags", f);
}

static void test_fcsr(void) {
	u64 old;
	asm volatile("csrw fcsr, zero");
	show("after csrw fcsr, 0");

	asm volatile("csrrw %0, fcsr, %1" : "=r"(old) : "r"(~0UL));
	rt_kv("csrrw fcsr, all ones: old", old);
	show("after csrrw fcsr, all ones");

	asm volatile("csrrw %0, frm, %1" : "=r"(old) : "r"(0x12UL));
	rt_kv("csrrw frm, 0x12: old", old);
	show("after csrrw frm, 0x12");

	asm volatile("csrrc %0, fflags, %1" : "=r"(old) : "r"(0x15UL));
	rt_kv("csrrc fflags, 0x15: old", old);
	show("after csrrc fflags, 0x15");

	asm volatile("csrrs %0, fflags, %1" : "=r"(old) : "r"(0xffffffe4UL));
	rt_kv("csrrs fflags, 0xffffffe4: old", old);
	show("after csrrs fflags, 0xffffffe4");

	asm volatile("csrrs %0, fcsr, x0" : "=r"(old));
	rt_kv("csrrs fcsr, x0 (read only): old", old);
	show("after csrrs fcsr, x0");

	asm volatile("csrrc %0, fcsr, x0" : "=r"(old));
	rt_kv("csrrc fcsr, x0 (read only): old", old);

	asm volatile("csrrwi %0, fcsr, 0x1f" : "=r"(old));
	rt_kv("csrrwi fcsr, 0x1f: old", old);
	show("after csrrwi fcsr, 0x1f");

	asm volatile("csrrsi %0, frm, 5" : "=r"(old));
	rt_kv("csrrsi frm, 5: old", old);
	show("after csrrsi frm, 5");

	asm volatile("csrrci %0, fcsr, 0x11" : "=r"(old));
	rt_kv("csrrci fcsr, 0x11: old", old);
	show("after csrrci fcsr, 0x11");

	asm volatile("csrrsi %0, fflags, 0" : "=r"(old));
	rt_kv("csrrsi fflags, 0 (read only): old", old);
	asm volatile("csrrci %0, fflags, 0" : "=r"(old));
	rt_kv("csrrci fflags, 0 (read only): old", old);

	asm volatile("csrrwi %0, frm, 2" : "=r"(old));
	rt_kv("csrrwi frm, 2: old", old);
	show("after csrrwi frm, 2");

	asm volatile("csrrwi %0, fflags, 0" : "=r"(old));
	rt_kv("csrrwi fflags, 0: old", old);
	show("after csrrwi fflags, 0");

	// fcsr: bits above 7 are ignored on write and read as zero.
	asm volatile("csrw fcsr, %0" : : "r"(0xabcdef00UL | 0x7d));
	show("after csrw fcsr, 0xabcdef7d");
	asm volatile("csrs fcsr, %0" : : "r"(0x100UL | 0x02));
	show("after csrs fcsr, 0x102");
	asm volatile("csrc fcsr, %0" : : "r"(0xe0UL));
	show("after csrc fcsr, 0xe0");
	asm volatile("csrw frm, %0" : : "r"(3UL));
	show("after csrw frm, 3");
	asm volatile("csrwi fflags, 0x0a");
	show("after csrwi fflags, 0x0a");
	asm volatile("csrsi fflags, 0x11");
	show("after csrsi fflags, 0x11");
	asm volatile("csrci fflags, 0x03");
	show("after csrci fflags, 0x03");

	// Pseudo-instructions.
	u64 v;
	asm volatile("frcsr %0" : "=r"(v));
	rt_kv("frcsr", v);
	asm volatile("fscsr %0, %1" : "=r"(old) : "r"(0x41UL));
	rt_kv("fscsr 0x41: old", old);
	asm volatile("frrm %0" : "=r"(v));
	rt_kv("frrm", v);
	asm volatile("fsrm %0, %1" : "=r"(old) : "r"(4UL));
	rt_kv("fsrm 4: old", old);
	asm volatile("fsrmi %0, 1" : "=r"(old));
	rt_kv("fsrmi 1: old", old);
	asm volatile("frflags %0" : "=r"(v));
	rt_kv("frflags", v);
	asm volatile("fsflags %0, %1" : "=r"(old) : "r"(0x1cUL));
	rt_kv("fsflags 0x1c: old", old);
	asm volatile("fsflagsi %0, 3" : "=r"(old));
	rt_kv("fsflagsi 3: old", old);
	asm volatile("fsflagsi 0\n\tfsrmi 0");
	show("after fsflagsi 0; fsrmi 0");
}

static void test_accumulate(void) {
	u64 f;
	asm volatile("csrw fcsr, zero");
	asm volatile("fmv.w.x ft0, %0\n\tfmv.w.x ft1, zero\n\t"
		     "fdiv.s ft2, ft0, ft1" : : "r"(0x3f800000UL) : "ft0", "ft1", "ft2");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("after 1/0: fflags", f);
	asm volatile("fmv.w.x ft0, %0\n\tfmv.w.x ft1, %1\n\t"
		     "fadd.s ft2, ft0, ft1" : : "r"(0x3f800000UL), "r"(0x33000000UL) : "ft0", "ft1", "ft2");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("after 1/0 and an inexact add: fflags", f);
	asm volatile("fmv.d.x ft0, %0\n\tfmul.d ft1, ft0, ft0" : : "r"(0x7fe0000000000000UL) : "ft0", "ft1");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("and an overflowing multiply: fflags", f);
	asm volatile("fmv.d.x ft0, %0\n\tfsqrt.d ft1, ft0" : : "r"(0xbff0000000000000UL) : "ft0", "ft1");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("and sqrt(-1): fflags", f);
	asm volatile("fmv.d.x ft0, %0\n\tfmul.d ft1, ft0, ft0" : : "r"(0x0000000000000003UL) : "ft0", "ft1");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("and an underflowing multiply: fflags", f);
	asm volatile("csrci fflags, 1");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("after csrci fflags, 1: fflags", f);
	// An operation that raises nothing leaves the flags alone.
	asm volatile("fmv.d.x ft0, %0\n\tfadd.d ft1, ft0, ft0\n\tfsgnjn.d ft1, ft0, ft0"
		     : : "r"(0x3ff0000000000000UL) : "ft0", "ft1");
	asm volatile("frflags %0" : "=r"(f));
	rt_kv("after exact operations: fflags", f);
	rt_kv("fcsr", rd_fcsr());

	// The dynamic rounding mode comes from frm, written every way.
	static const char *const how[] = {"fsrm", "fsrmi", "csrw frm", "csrw fcsr (frm<<5)", "fscsr (frm<<5|0x10)"};
	for (int m = 0; m < 5; m++) {
		for (int w = 0; w < 5; w++) {
			switch (w) {
			case 0: asm volatile("fsrm %0" : : "r"((u64)m)); break;
			case 1:
				switch (m) {
				case 0: asm volatile("fsrmi 0"); break;
				case 1: asm volatile("fsrmi 1"); break;
				case 2: asm volatile("fsrmi 2"); break;
				case 3: asm volatile("fsrmi 3"); break;
				default: asm volatile("fsrmi 4"); break;
				}
				break;
			case 2: asm volatile("csrw frm, %0" : : "r"((u64)m)); break;
			case 3:
				asm volatile("csrw fcsr, %0" : : "r"((u64)m << 5));
				break;
			default: asm volatile("fscsr %0" : : "r"((u64)m << 5 | 0x10)); break;
			}
			u64 r1, r2;
			asm volatile("fmv.w.x ft0, %2\n\tfmv.w.x ft1, %3\n\t"
				     "fdiv.s ft2, ft0, ft1, dyn\n\tfmv.x.w %0, ft2\n\t"
				     "fneg.s ft0, ft0\n\t"
				     "fdiv.s ft2, ft0, ft1\n\tfmv.x.w %1, ft2"
				     : "=r"(r1), "=r"(r2)
				     : "r"(0x3f800000UL), "r"(0x40400000UL)
				     : "ft0", "ft1", "ft2");
			rt_puts(how[w]);
			rt_puts(" ");
			rt_dec(m);
			rt_puts(": ");
			rt_kv("1/3", r1);
			rt_puts(how[w]);
			rt_puts(" ");
			rt_dec(m);
			rt_puts(": ");
			rt_kv("-1/3", r2);
		}
	}
	asm volatile("csrw fcsr, zero");
}

static void test_counters(void) {
	u64 c0, t0, i0, c1, t1, i1, x;
	asm volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c0), "=r"(t0), "=r"(i0));
	// Many reads in a row never go backwards.
	u64 back = 0, pc = c0, pt = t0, pi = i0;
	for (int k = 0; k < 1000; k++) {
		u64 c, t, i;
		switch (k % 4) {
		case 0:
			asm volatile("rdcycle %0\n\trdtime %1\n\trdinstret %2" : "=r"(c), "=r"(t), "=r"(i));
			break;
		case 1:
			asm volatile("csrr %0, 0xc00\n\tcsrr %1, 0xc01\n\tcsrr %2, 0xc02" : "=r"(c), "=r"(t), "=r"(i));
			break;
		case 2:
			asm volatile("csrrs %0, cycle, x0\n\tcsrrc %1, time, x0\n\tcsrrs %2, instret, x0"
				     : "=r"(c), "=r"(t), "=r"(i));
			break;
		default:
			asm volatile("csrrsi %0, cycle, 0\n\tcsrrci %1, time, 0\n\tcsrrsi %2, instret, 0"
				     : "=r"(c), "=r"(t), "=r"(i));
			break;
		}
		back += (c < pc) + (t < pt) + (i < pi);
		pc = c;
		pt = t;
		pi = i;
	}
	rt_kv("counter reads that went backwards", back);

	// A loop of 100000 iterations of 3 instructions. Under qemu-riscv64
	// instret and cycle both read the host's time-stamp counter (about one
	// tick per iteration was measured), so only a bound 100 times weaker
	// than the instruction count is checked.
	asm volatile("rdinstret %0" : "=r"(i0));
	asm volatile("rdcycle %0" : "=r"(c0));
	asm volatile("rdtime %0" : "=r"(t0));
	asm volatile("li %0, 100000\n"
		     "1:\taddi %0, %0, -1\n\t"
		     "nop\n\t"
		     "bnez %0, 1b"
		     : "=&r"(x));
	asm volatile("rdtime %0" : "=r"(t1));
	asm volatile("rdcycle %0" : "=r"(c1));
	asm volatile("rdinstret %0" : "=r"(i1));
	rt_kv("instret grew by at least 1000 over the loop", i1 - i0 >= 1000);
	rt_kv("cycle grew over the loop", c1 > c0);
	rt_kv("time did not go backwards over the loop", t1 >= t0);
	rt_kv("loop counter after the loop", x);
}

int main(void) {
	test_fcsr();
	test_accumulate();
	test_counters();
	rt_puts("done\n");
	return 0;
}
