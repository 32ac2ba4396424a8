// insncount.c: a minimal QEMU TCG plugin that counts executed guest
// instructions, for measuring the cpubench workloads. Debian's qemu-user
// 7.2 is built with plugin support but ships no plugins (no libinsn.so), so
// this is a stand-in for qemu's contrib/plugins insn counter. It declares
// the few plugin API entry points it uses itself (QEMU plugin API version 1,
// as in QEMU 7.2), so no qemu headers are needed.
//
// Build: gcc -O2 -shared -fPIC -o libinsncount.so insncount.c
// Use:   qemu-riscv64 -plugin ./libinsncount.so -d plugin ./prog
// It prints "insns: N" (to stderr, via qemu's log) when the guest exits.
//
// Counting is per translation block: each time a block starts executing,
// its instruction count is added. A block left early (the ecall of exit,
// a fault) is counted in full, so the total may be off by a few
// instructions; for these workloads that error is nil.
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t, struct qemu_plugin_tb *);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t, void *);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t, qemu_plugin_vcpu_tb_trans_cb_t);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *, enum qemu_plugin_op, void *, uint64_t);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t, qemu_plugin_udata_cb_t, void *);
void qemu_plugin_outs(const char *);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t count; // single guest thread: a plain counter is enough

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &count,
	                                         qemu_plugin_tb_n_insns(tb));
}

static void at_exit(qemu_plugin_id_t id, void *p) {
	char buf[64];
	(void)id, (void)p;
	snprintf(buf, sizeof buf, "insns: %" PRIu64 "\n", count);
	qemu_plugin_outs(buf);
}

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id,
                                                              const qemu_info_t *info,
                                                              int argc, char **argv) {
	(void)info, (void)argc, (void)argv;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
