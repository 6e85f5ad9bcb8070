/*
 * The rtlsim card's LUT-GEMM unit: each FLLM_OP_LUTGEMM command the card
 * model's firmware hands to the unit runs on the Verilated RTL
 * (sim/rtl), on the card's own memory, and completes with the cycles the
 * RTL took. Called on the card thread with the card clock stopped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_card.h"
#include "fllm_lutgemm_unit.h"
#include "rtlsim.h"

/*
 * Cycle limit of one command: far above what a valid block needs (64 x N x
 * the hls cycle model), so only a hang hits it.
 */
static uint64_t rtlsim_max_cycles(const uint8_t *mem, uint64_t mem_bytes, uint64_t params,
				  uint64_t params_bytes)
{
	struct fllm_lutgemm_params p;

	if (params_bytes != sizeof(p) || params > mem_bytes || mem_bytes - params < sizeof(p))
		return RTLSIM_REJECT_LIMIT;
	memcpy(&p, mem + params, sizeof(p));
	if (fllm_lutgemm_params_check(&p, mem_bytes) != FLLM_CARD_OK)
		return RTLSIM_REJECT_LIMIT;
	/* the RTL is lookup-bound at N > 1 (64 lookups per engine and cycle) */
	return RTLSIM_HANG_FACTOR * p.n_tokens * fllm_lutgemm_cycles(&p) + RTLSIM_REJECT_LIMIT;
}

/* struct fllm_sim_unit.run for FLLM_CU_LUTGEMM. */
static uint16_t rtlsim_lutgemm_run(void *ctx, uint8_t *mem, uint64_t mem_bytes,
				   const struct fllm_cmd *cmd, uint64_t *cycles, uint64_t *traffic)
{
	struct rtlsim_unit *r = ctx;
	struct fllm_rtl_stats st;
	struct fllm_cmd_cu args;
	uint64_t limit;
	uint16_t status = FLLM_CARD_ERR_INTERNAL;
	int rc;

	memcpy(&args, cmd->arg, sizeof(args));
	limit = rtlsim_max_cycles(mem, mem_bytes, args.params, args.params_bytes);
	rc = fllm_rtl_lutgemm_run(r->rtl, mem, mem_bytes, args.params, args.params_bytes, limit,
				  &status, &st);
	if (rc) {
		/* the RTL hung (a bug in it): the watchdog's code, after the time it ran */
		*cycles = limit;
		*traffic = 0;
		return FLLM_CARD_ERR_WATCHDOG;
	}
	*cycles = st.cycles;
	*traffic = st.read_bytes + st.write_bytes + st.ctl_bytes;
	r->commands++;
	return status;
}

fllm_status rtlsim_unit_create(uint32_t clock_khz, uint32_t chan_mbps, struct rtlsim_unit **out)
{
	struct fllm_rtl_timing t;
	struct rtlsim_unit *r;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return FLLM_E_NO_MEMORY;
	fllm_rtl_timing_hbm(&t, clock_khz, chan_mbps);
	rc = fllm_rtl_lutgemm_create(&t, &r->rtl);
	if (rc) {
		free(r);
		return rc == -ENOMEM ? FLLM_E_NO_MEMORY : FLLM_E_UNSUPPORTED;
	}
	r->unit.name = "rtl";
	r->unit.ctx = r;
	r->unit.run = rtlsim_lutgemm_run;
	*out = r;
	return FLLM_OK;
}

void rtlsim_unit_destroy(struct rtlsim_unit *r)
{
	if (!r)
		return;
	fllm_rtl_lutgemm_destroy(r->rtl);
	free(r);
}
