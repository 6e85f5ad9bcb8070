/*
 * RTL against the golden model: one lg_case (tests/lutgemm) run by
 * fllm_hls_lutgemm_unit() and by the Verilated unit on two copies of the
 * same card memory; every byte of the two memories must agree afterwards
 * (outputs bit for bit, and nothing else written). A mismatch prints a
 * minimal reproduction: the shape, the seed and the first differing output
 * (or byte) with both values.
 */
#ifndef FLLM_RTL_DIFF_H
#define FLLM_RTL_DIFF_H

#include <stdint.h>

#include "fllm_rtl.h"
#include "lutgemm_case.h"

/* The unit of the running test program (created by rtl_suite_init). */
extern struct fllm_rtl_unit *rtl_unit;

/* Create rtl_unit with the HBM timing of the reference card; 0 or -1. */
int rtl_unit_open(void);
void rtl_unit_close(void);

/*
 * Run c on both; 0 when the memories agree and the unit's status equals the
 * golden model's. *status (the unit's) and *st (its stats) are filled when
 * not NULL.
 */
int rtl_diff(struct lg_case *c, const char *what, uint16_t *status,
	     struct fllm_rtl_stats *st);

/* As rtl_diff, with the parameter block's address and size given. */
int rtl_diff_at(struct lg_case *c, uint64_t params, uint64_t params_bytes, const char *what,
		uint16_t *status, struct fllm_rtl_stats *st);

/* lg_case_init + lg_case_randomize + rtl_diff; 0 when they agree. */
int rtl_diff_random(const struct lg_shape *s, uint64_t seed, const char *what);

/* Cycle limit of one command: generous, so only a hang reaches it. */
uint64_t rtl_max_cycles(const struct fllm_lutgemm_params *p);

#endif /* FLLM_RTL_DIFF_H */
