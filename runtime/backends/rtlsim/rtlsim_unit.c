/*
 * The rtlsim card's compute units: each command the card model's firmware
 * hands to the test, LUT-GEMM, vector or attention unit runs on that unit's
 * Verilated RTL (sim/rtl), on the card's own memory, and completes with the
 * cycles the RTL took. Called on the card thread with the card clock
 * stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_attention.h"
#include "fllm_card.h"
#include "fllm_lutgemm_unit.h"
#include "fllm_vector.h"
#include "rtlsim.h"

const uint32_t rtlsim_unit_types[RTLSIM_UNITS] = { FLLM_CU_TEST, FLLM_CU_LUTGEMM,
						   FLLM_CU_VECTOR, FLLM_CU_ATTENTION };

/* The block of a CU command, when it lies in memory; 0 or -1. */
static int rtlsim_block(const uint8_t *mem, uint64_t mem_bytes, const uint64_t *arg, void *p,
			uint64_t bytes)
{
	if (arg[1] != bytes || arg[0] > mem_bytes || mem_bytes - arg[0] < bytes)
		return -1;
	memcpy(p, mem + arg[0], bytes);
	return 0;
}

/*
 * Cycle limit of an attention command: a rejected block may still read
 * every table entry; a valid one gets fllm_rtl_attention_seq_cycles() per
 * sequence.
 */
static uint64_t rtlsim_attention_limit(const uint8_t *mem, uint64_t mem_bytes,
				       const uint64_t *arg)
{
	struct fllm_attention_params p;
	uint64_t cyc = RTLSIM_REJECT_LIMIT;

	if (rtlsim_block(mem, mem_bytes, arg, &p, sizeof(p)) ||
	    fllm_attention_params_check(&p, mem, mem_bytes, arg[0]) != FLLM_CARD_OK)
		return cyc + 16ull * FLLM_ATTN_SEQS_MAX * FLLM_ATTN_TABLE_MAX;
	for (uint32_t i = 0; i < p.n_seqs; i++) {
		const uint8_t *s = mem + p.seq_addr + 32ull * i;
		uint32_t pos, n;

		memcpy(&pos, s, 4);
		memcpy(&n, s + 4, 4);
		cyc += fllm_rtl_attention_seq_cycles(p.n_heads, p.n_kv_heads, p.head_dim, pos, n);
	}
	return cyc;
}

/*
 * Cycle limit of one command: far above what a valid command needs, so
 * only a hang hits it. *never: a SPIN the unit is not expected to finish.
 */
static uint64_t rtlsim_max_cycles(uint32_t cu_type, const uint8_t *mem, uint64_t mem_bytes,
				  const uint64_t *arg, int *never)
{
	struct fllm_lutgemm_params lp;
	struct fllm_vector_params vp;

	*never = 0;
	switch (cu_type) {
	case FLLM_CU_TEST:
		if (arg[0] == FLLM_TEST_SPIN) {
			*never = arg[4] > RTLSIM_SPIN_CAP;
			return *never ? RTLSIM_SPIN_CAP : arg[4] + RTLSIM_REJECT_LIMIT;
		}
		/* about 1.3 cycles per beat at HBM rate; the firmware bounded bytes */
		return RTLSIM_REJECT_LIMIT + 64 * (arg[2] / 64 + 2);
	case FLLM_CU_LUTGEMM:
		if (rtlsim_block(mem, mem_bytes, arg, &lp, sizeof(lp)) ||
		    fllm_lutgemm_params_check(&lp, mem_bytes) != FLLM_CARD_OK)
			return RTLSIM_REJECT_LIMIT;
		/* the RTL is lookup-bound at N > 1 (64 lookups per engine and cycle) */
		return RTLSIM_HANG_FACTOR * lp.n_tokens * fllm_lutgemm_cycles(&lp) +
		       RTLSIM_REJECT_LIMIT;
	case FLLM_CU_ATTENTION:
		return rtlsim_attention_limit(mem, mem_bytes, arg);
	default:
		if (rtlsim_block(mem, mem_bytes, arg, &vp, sizeof(vp)) ||
		    fllm_vector_params_check(&vp, mem_bytes) != FLLM_CARD_OK)
			return RTLSIM_REJECT_LIMIT;
		return RTLSIM_REJECT_LIMIT +
		       (uint64_t)RTLSIM_VECTOR_ELEM_LIMIT * vp.rows * ((uint64_t)vp.n + 64);
	}
}

/*
 * Watch the weight slices of a valid LUT-GEMM block, so that the RTL's
 * memory ports count the weight bytes they read; anything else clears the
 * windows. Slice s holds rows s, s + slices, ..., one row record each.
 */
static void rtlsim_watch_weights(struct rtlsim_unit *r, const uint8_t *mem, uint64_t mem_bytes,
				 const uint64_t *arg)
{
	uint64_t lo[FLLM_LUTGEMM_SLICES_MAX], hi[FLLM_LUTGEMM_SLICES_MAX];
	struct fllm_lutgemm_params p;
	uint32_t n = 0;

	if (r->cu_type == FLLM_CU_LUTGEMM && !rtlsim_block(mem, mem_bytes, arg, &p, sizeof(p)) &&
	    fllm_lutgemm_params_check(&p, mem_bytes) == FLLM_CARD_OK)
		for (; n < p.slices; n++) {
			uint64_t rows = (p.m - 1 - n) / p.slices + 1;

			lo[n] = p.slice_addr[n];
			hi[n] = p.slice_addr[n] + rows * p.row_bytes;
		}
	/* n <= FLLM_RTL_WATCH_MAX and the windows are a few words: it cannot fail */
	(void)fllm_rtl_unit_watch(r->rtl, n, lo, hi);
}

/* struct fllm_sim_unit.weight_bytes: what the last command's ports read in the slices. */
static uint64_t rtlsim_weight_bytes(void *ctx)
{
	const struct rtlsim_unit *r = ctx;

	return r->weight_bytes;
}

/* struct fllm_sim_unit.run of every unit. */
static uint16_t rtlsim_run(void *ctx, uint8_t *mem, uint64_t mem_bytes,
			   const struct fllm_cmd *cmd, uint64_t *result, uint64_t *cycles,
			   uint64_t *traffic)
{
	struct rtlsim_unit *r = ctx;
	uint64_t arg[FLLM_RTL_ARGS], limit;
	struct fllm_rtl_stats st;
	uint16_t status = FLLM_CARD_ERR_INTERNAL;
	int rc, never;

	memcpy(arg, cmd->arg, sizeof(arg));
	*result = 0;
	limit = rtlsim_max_cycles(r->cu_type, mem, mem_bytes, arg, &never);
	r->weight_bytes = 0;
	if (r->cu_type == FLLM_CU_LUTGEMM)
		rtlsim_watch_weights(r, mem, mem_bytes, arg);
	rc = fllm_rtl_unit_run(r->rtl, mem, mem_bytes, arg, limit, &status, result, &st);
	r->commands++;
	if (rc == -ETIMEDOUT && never) {
		/* still spinning, as asked: the watchdog will end it */
		*cycles = UINT64_MAX;
		*traffic = 0;
		return FLLM_CARD_OK;
	}
	if (rc) {
		/* the RTL hung (a bug in it): the watchdog's code, after the time it ran */
		*cycles = limit;
		*traffic = 0;
		return FLLM_CARD_ERR_WATCHDOG;
	}
	*cycles = st.cycles;
	*traffic = st.read_bytes + st.write_bytes + st.ctl_bytes;
	r->weight_bytes = st.watch_read_bytes;
	return status;
}

fllm_status rtlsim_unit_create(uint32_t cu_type, uint32_t clock_khz, uint32_t chan_mbps,
			       struct rtlsim_unit **out)
{
	struct fllm_rtl_timing t;
	struct rtlsim_unit *r;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return FLLM_E_NO_MEMORY;
	fllm_rtl_timing_hbm(&t, clock_khz, chan_mbps);
	rc = fllm_rtl_unit_create(cu_type, &t, &r->rtl);
	if (rc) {
		free(r);
		return rc == -ENOMEM ? FLLM_E_NO_MEMORY : FLLM_E_UNSUPPORTED;
	}
	r->cu_type = cu_type;
	r->unit.name = "rtl";
	r->unit.ctx = r;
	r->unit.run = rtlsim_run;
	r->unit.weight_bytes = rtlsim_weight_bytes;
	*out = r;
	return FLLM_OK;
}

void rtlsim_unit_destroy(struct rtlsim_unit *r)
{
	if (!r)
		return;
	fllm_rtl_unit_destroy(r->rtl);
	free(r);
}
