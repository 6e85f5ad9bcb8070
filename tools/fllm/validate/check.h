/*
 * fllm validate: the hardware-validation suite. Each check is one named test
 * case that drives a card through the public runtime API only, so it runs on
 * every backend, and ends pass, fail (with a message) or skip (with a reason).
 */
#ifndef FLLM_CLI_VALIDATE_CHECK_H
#define FLLM_CLI_VALIDATE_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

enum val_outcome {
	VAL_PASS = 0,
	VAL_FAIL,
	VAL_SKIP,
};

/* What every check gets: the open device and the suite's settings. */
struct val_ctx {
	fllm_device *dev;
	fllm_device_info info;
	uint64_t max_dma;	/* largest DMA loopback transfer, bytes */
	int quick;		/* shorter variants of the long checks */
	double dma_floor_gbps;	/* dma_bandwidth floor; 0 = by device kind */
	double load_secs;	/* power_load duration */
	double temp_max_c;	/* power_load die temperature limit */
	uint64_t repeat;	/* soak: run the suite this many times (at least once) */
	double duration_s;	/* soak: and/or until this many seconds passed */
	uint64_t runs;		/* out: suite runs done */
};

struct val_result {
	enum val_outcome outcome;
	char message[512];
	double seconds;
};

struct val_check {
	const char *name;	/* test-case name in reports */
	const char *what;	/* one line for --help-like listings and docs */
	void (*run)(struct val_ctx *ctx, struct val_result *res);
};

/* The suite, in run order (suite.c). */
extern const struct val_check val_checks[];
extern const size_t val_check_count;

/*
 * Run every check, printing progress on stderr; results[] has val_check_count
 * entries. With ctx->repeat > 1 or ctx->duration_s > 0 the suite runs again
 * and again (a soak): a check's result is its first failure (message
 * prefixed with the run), else its last pass; its seconds add up.
 */
void val_suite_run(struct val_ctx *ctx, struct val_result *results);

/* Set the outcome and its message; the first failure of a check wins. */
void val_pass(struct val_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void val_fail(struct val_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void val_skip(struct val_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Short name of an outcome: "pass", "fail", "skip". */
const char *val_outcome_name(enum val_outcome o);

/* Fill len bytes with a reproducible pseudo-random stream from seed. */
void val_random_fill(void *buf, size_t len, uint64_t seed);

/*
 * Submit cl, wait for it (bounded), and copy up to nres per-command results.
 * Returns the submission's status (fllm_event_wait's, or the submit error).
 */
fllm_status val_submit_wait(fllm_cmdlist *cl, fllm_cmd_result *res, uint32_t nres);

/* A new command list on ctx's card, or NULL after failing res with the reason. */
fllm_cmdlist *val_cmdlist_create(struct val_ctx *ctx, struct val_result *res);

/*
 * One command, recorded by record(cl, arg), in a list of its own: submitted
 * and waited for; *r receives its result. Returns the first failure.
 */
fllm_status val_run_one(fllm_device *dev, fllm_status (*record)(fllm_cmdlist *cl, void *arg),
			void *arg, fllm_cmd_result *r);

/* Largest compute budget any check waits for, ns. */
#define VAL_WAIT_NS (10ull * 1000 * 1000 * 1000)

void val_check_identity(struct val_ctx *ctx, struct val_result *res);
void val_check_scratch(struct val_ctx *ctx, struct val_result *res);
void val_check_dma_loopback(struct val_ctx *ctx, struct val_result *res);
void val_check_dma_unaligned(struct val_ctx *ctx, struct val_result *res);
void val_check_card_view(struct val_ctx *ctx, struct val_result *res);
void val_check_mem_patterns(struct val_ctx *ctx, struct val_result *res);
void val_check_cmd_errors(struct val_ctx *ctx, struct val_result *res);
void val_check_watchdog(struct val_ctx *ctx, struct val_result *res);
void val_check_timestamps(struct val_ctx *ctx, struct val_result *res);
void val_check_telemetry(struct val_ctx *ctx, struct val_result *res);
void val_check_unit_lutgemm(struct val_ctx *ctx, struct val_result *res);
void val_check_unit_vector(struct val_ctx *ctx, struct val_result *res);
void val_check_unit_attention(struct val_ctx *ctx, struct val_result *res);
void val_check_dma_bandwidth(struct val_ctx *ctx, struct val_result *res);
void val_check_pcie_link(struct val_ctx *ctx, struct val_result *res);
void val_check_power_load(struct val_ctx *ctx, struct val_result *res);

/* The PCIe facts of ctx's card from the device list; -1 when it is not listed
 * as a PCIe function. */
int val_pci_info(const struct val_ctx *ctx, fllm_pci_info *out);

#endif /* FLLM_CLI_VALIDATE_CHECK_H */
