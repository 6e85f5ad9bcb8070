/*
 * Compute units. The inventory holds CU 0, the test unit, CU 1, the
 * LUT-GEMM unit, CU 2, the vector unit, and CU 3, the attention unit.
 * Starting a unit runs its hls/ function on card memory at once; the unit
 * reports done once the card clock has advanced by the unit's modeled cycle
 * count, so timing and the watchdog behave as on the card.
 *
 * The LUT-GEMM, vector and attention units' C models can take longer on
 * the host than the modeled unit takes on the card, so the card clock
 * stands still for the excess (it is added to cycle_base): a command that
 * the host computes in less than its modeled time completes at its modeled
 * end, one that takes longer completes at once, both reporting the cycle
 * model's duration, and the watchdog counts modeled time only. The test
 * unit keeps the plain clock.
 *
 * A unit can run through another implementation chosen at run time
 * (fllm_sim_unit_set, e.g. the Verilated RTL unit of the rtlsim backend):
 * it then runs with the clock stopped too and reports its own cycles.
 *
 * The card's firmware polls a unit continuously, this thread every 100 us:
 * a unit whose modeled end lies past the firmware's watchdog deadline is
 * never reported done, so the watchdog fires as it would on the card even
 * when both moments passed between two polls.
 */
#include <errno.h>
#include <string.h>

#include "fllm_attention.h"
#include "fllm_hls_test.h"
#include "fllm_lutgemm_unit.h"
#include "fllm_vector.h"
#include "sim_internal.h"

/* Publish the inventory registers. */
void fllm_sim_cu_init(struct fllm_sim *sim)
{
	fllm_sim_reg_set(sim, FLLM_REG_CU_COUNT, FLLM_SIM_CU_COUNT);
	fllm_sim_reg_set(sim, FLLM_REG_CU_INFO(FLLM_SIM_CU_TEST),
			 FLLM_CU_INFO_MAKE(FLLM_CU_TEST, 1));
	fllm_sim_reg_set(sim, FLLM_REG_CU_CAPS(FLLM_SIM_CU_TEST), 0);
	fllm_sim_reg_set(sim, FLLM_REG_CU_INFO(FLLM_SIM_CU_LUTGEMM),
			 FLLM_CU_INFO_MAKE(FLLM_CU_LUTGEMM, FLLM_LUTGEMM_VERSION));
	fllm_sim_reg_set(sim, FLLM_REG_CU_CAPS(FLLM_SIM_CU_LUTGEMM), 0);
	fllm_sim_reg_set(sim, FLLM_REG_CU_INFO(FLLM_SIM_CU_VECTOR),
			 FLLM_CU_INFO_MAKE(FLLM_CU_VECTOR, FLLM_VECTOR_VERSION));
	fllm_sim_reg_set(sim, FLLM_REG_CU_CAPS(FLLM_SIM_CU_VECTOR), 0);
	fllm_sim_reg_set(sim, FLLM_REG_CU_INFO(FLLM_SIM_CU_ATTENTION),
			 FLLM_CU_INFO_MAKE(FLLM_CU_ATTENTION, FLLM_ATTN_VERSION));
	fllm_sim_reg_set(sim, FLLM_REG_CU_CAPS(FLLM_SIM_CU_ATTENTION), 0);
	fllm_sim_reg_set(sim, FLLM_REG_TEL_CU_BUSY_N, FLLM_SIM_CU_COUNT);
}

/* Add the unit's busy time up to now (clamped to its end) to busy_cycles. */
static void cu_account(struct fllm_sim_cu *u, uint64_t now)
{
	uint64_t end = now < u->done ? now : u->done;

	if (u->busy && end > u->acct) {
		u->busy_cycles += end - u->acct;
		u->acct = end;
	}
}

/* Run a validated FLLM_OP_TEST command; returns its modeled cycles. */
static uint64_t cu_run_test(struct fllm_sim *sim, struct fllm_sim_cu *u,
			    const struct fllm_cmd *cmd)
{
	struct fllm_cmd_test args;

	memcpy(&args, cmd->arg, sizeof(args));
	fllm_hls_test_unit((uint64_t *)sim->mem.base, &args, &u->result);
	if (args.op != FLLM_TEST_SPIN)
		sim->mem_bytes += args.bytes;
	return fllm_hls_test_cycles(&args);
}

/*
 * Run an FLLM_OP_LUTGEMM command on this card's unit memories, with the
 * card clock stopped; the unit checks the parameter block (the firmware has
 * checked only its placement). Returns the modeled cycles.
 */
static uint64_t cu_run_lutgemm(struct fllm_sim *sim, struct fllm_sim_cu *u,
			       const struct fllm_cmd *cmd)
{
	const uint8_t *wport[FLLM_LUTGEMM_SLICES_MAX];	/* every slice port on card memory */
	struct fllm_lutgemm_params p;
	struct fllm_cmd_cu args;

	memcpy(&args, cmd->arg, sizeof(args));
	for (uint32_t s = 0; s < FLLM_LUTGEMM_SLICES_MAX; s++)
		wport[s] = sim->mem.base;
	u->status = (uint16_t)fllm_lutgemm_unit_run(&sim->lutgemm_onchip, sim->mem.base, wport,
						     sim->mem.size, args.params,
						     args.params_bytes);
	if (u->status != FLLM_CARD_OK)
		return FLLM_LUTGEMM_REJECT_CYCLES;
	/* accepted: the block lies in memory and the outputs did not overwrite it */
	memcpy(&p, sim->mem.base + args.params, sizeof(p));
	sim->mem_bytes += fllm_lutgemm_traffic(&p);
	return fllm_lutgemm_cycles(&p);
}

/* Weight bytes a LUT-GEMM command that ran read: the implementation's own
 * count when it keeps one (the RTL's memory ports), else its rows, once for
 * every token (the unit streams each row once per command). */
static void cu_weight_account(struct fllm_sim *sim, const struct fllm_sim_unit *impl,
			      const struct fllm_cmd *cmd)
{
	struct fllm_lutgemm_params p;
	struct fllm_cmd_cu args;

	if (impl && impl->weight_bytes) {
		sim->weight_bytes += impl->weight_bytes(impl->ctx);
		return;
	}
	memcpy(&args, cmd->arg, sizeof(args));
	memcpy(&p, sim->mem.base + args.params, sizeof(p));
	sim->weight_bytes += (uint64_t)p.m * p.row_bytes;
}

/* An accepted command's arithmetic, from its block (the shape fixes it:
 * the C model, the host kernels and the RTL do the same operations). */
static void cu_ops_account(struct fllm_sim *sim, const struct fllm_cmd *cmd)
{
	const uint8_t *mem = sim->mem.base;
	struct fllm_cmd_cu args;

	memcpy(&args, cmd->arg, sizeof(args));
	if (cmd->opcode == FLLM_OP_LUTGEMM) {
		struct fllm_lutgemm_params p;

		memcpy(&p, mem + args.params, sizeof(p));
		sim->lut_ops += fllm_lutgemm_lut_ops(&p);
	} else if (cmd->opcode == FLLM_OP_VECTOR) {
		struct fllm_vector_params p;

		memcpy(&p, mem + args.params, sizeof(p));
		sim->vec_ops += fllm_vector_ops(&p);
	} else if (cmd->opcode == FLLM_OP_ATTENTION) {
		struct fllm_attention_params p;

		memcpy(&p, mem + args.params, sizeof(p));
		sim->macs += fllm_attention_macs(&p, mem);
	}
}

/* See sim_internal.h. */
void fllm_sim_tel_counters(struct fllm_sim *sim)
{
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_WEIGHT_LO, sim->weight_bytes);
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_MEMB_LO, sim->mem_bytes);
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_LUT_OPS_LO, sim->lut_ops);
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_MACS_LO, sim->macs);
	fllm_sim_reg_set64(sim, FLLM_REG_TEL_VEC_OPS_LO, sim->vec_ops);
}

/* The fault_unit injection (fllm_sim.h): flip bit 0 of the command's first
 * output word, when the command writes an output row. */
static void cu_fault(struct fllm_sim *sim, const struct fllm_cmd *cmd)
{
	struct fllm_cmd_cu args;
	uint64_t out = UINT64_MAX;

	memcpy(&args, cmd->arg, sizeof(args));
	if (cmd->opcode == FLLM_OP_LUTGEMM) {
		struct fllm_lutgemm_params p;

		memcpy(&p, sim->mem.base + args.params, sizeof(p));
		out = p.out_addr;
	} else if (cmd->opcode == FLLM_OP_VECTOR) {
		struct fllm_vector_params p;

		memcpy(&p, sim->mem.base + args.params, sizeof(p));
		out = p.out_addr;
	} else if (cmd->opcode == FLLM_OP_ATTENTION) {
		struct fllm_attention_params p;

		memcpy(&p, sim->mem.base + args.params, sizeof(p));
		if (fllm_attention_op_attends(p.op))
			out = p.out_addr;
	}
	if (out <= sim->mem.size - 4)
		sim->mem.base[out] ^= 1;
}

/* Account a valid vector block at params: its traffic; returns its cycles. */
static uint64_t cu_vector_cost(struct fllm_sim *sim, uint64_t params)
{
	struct fllm_vector_params p;

	memcpy(&p, sim->mem.base + params, sizeof(p));
	sim->mem_bytes += fllm_vector_traffic(&p);
	return fllm_vector_cycles(&p);
}

/* Account a valid attention block at params: its traffic; returns its cycles. */
static uint64_t cu_attention_cost(struct fllm_sim *sim, uint64_t params)
{
	struct fllm_attention_params p;

	memcpy(&p, sim->mem.base + params, sizeof(p));
	sim->mem_bytes += fllm_attention_traffic(&p, sim->mem.base);
	return fllm_attention_cycles(&p, sim->mem.base);
}

/*
 * Run an FLLM_OP_VECTOR or FLLM_OP_ATTENTION command on this card's unit
 * memories, with the card clock stopped; the unit checks the parameter
 * block (the attention unit its descriptors and tables too). The result is
 * the number of non-finite inputs the unit replaced. Returns the modeled
 * cycles.
 */
static uint64_t cu_run_counting(struct fllm_sim *sim, struct fllm_sim_cu *u,
				const struct fllm_cmd *cmd)
{
	int vector = cmd->opcode == FLLM_OP_VECTOR;
	struct fllm_cmd_cu args;

	memcpy(&args, cmd->arg, sizeof(args));
	if (vector)
		u->status = (uint16_t)fllm_vector_unit_run(&sim->vector_onchip, sim->mem.base,
							    sim->mem.size, args.params,
							    args.params_bytes, &u->result);
	else
		u->status = (uint16_t)fllm_attention_unit_run(&sim->attention_onchip,
							       sim->mem.base, sim->mem.size,
							       args.params, args.params_bytes,
							       &u->result);
	if (u->status != FLLM_CARD_OK)
		return vector ? FLLM_VECTOR_REJECT_CYCLES : FLLM_ATTN_REJECT_CYCLES;
	/* accepted: the block (and descriptors) lie in memory and were not overwritten */
	return vector ? cu_vector_cost(sim, args.params) : cu_attention_cost(sim, args.params);
}

/* Run a command through unit i's implementation from fllm_sim_unit_set; returns its cycles. */
static uint64_t cu_run_impl(struct fllm_sim *sim, struct fllm_sim_cu *u,
			    const struct fllm_sim_unit *impl, const struct fllm_cmd *cmd)
{
	uint64_t cycles = 0, traffic = 0;

	u->status = impl->run(impl->ctx, sim->mem.base, sim->mem.size, cmd, &u->result, &cycles,
			      &traffic);
	sim->mem_bytes += traffic;
	return cycles;
}

/* Index of the unit of type cu_type in the inventory, or FLLM_SIM_CU_COUNT. */
static uint32_t cu_index(struct fllm_sim *sim, uint32_t cu_type)
{
	for (uint32_t i = 0; i < FLLM_SIM_CU_COUNT; i++)
		if (FLLM_CU_INFO_TYPE(fllm_sim_reg_get(sim, FLLM_REG_CU_INFO(i))) == cu_type)
			return i;
	return FLLM_SIM_CU_COUNT;
}

/* See fllm_sim.h. */
int fllm_sim_unit_set(struct fllm_sim *sim, uint32_t cu_type, const struct fllm_sim_unit *unit)
{
	uint32_t i = cu_index(sim, cu_type);

	if (i == FLLM_SIM_CU_COUNT)
		return -EINVAL;
	atomic_store(&sim->unit_impl[i], unit);
	return 0;
}

/* See fllm_sim.h. */
const struct fllm_sim_unit *fllm_sim_unit_get(struct fllm_sim *sim, uint32_t cu_type)
{
	uint32_t i = cu_index(sim, cu_type);

	return i == FLLM_SIM_CU_COUNT ? NULL : atomic_load(&sim->unit_impl[i]);
}

/* Start unit i on a command the firmware validated for its type. */
void fllm_sim_cu_start(struct fllm_sim *sim, uint32_t i, const struct fllm_cmd *cmd)
{
	struct fllm_sim_cu *u = &sim->cu[i];
	const struct fllm_sim_unit *impl;
	uint64_t now = fllm_sim_cycles(sim), t0 = fllm_sim_raw_cycles(sim);
	uint64_t cycles, dt;

	if (i >= FLLM_SIM_CU_COUNT)
		return;
	u->busy = 1;
	u->start = now;
	u->acct = now;
	u->result = 0;
	u->status = FLLM_CARD_OK;
	impl = atomic_load(&sim->unit_impl[i]);
	if (impl) {
		cycles = cu_run_impl(sim, u, impl, cmd);
	} else if (i == FLLM_SIM_CU_TEST && cmd->opcode == FLLM_OP_TEST) {
		cycles = cu_run_test(sim, u, cmd);
	} else if (i == FLLM_SIM_CU_LUTGEMM && cmd->opcode == FLLM_OP_LUTGEMM) {
		cycles = cu_run_lutgemm(sim, u, cmd);
	} else if (i == FLLM_SIM_CU_VECTOR && cmd->opcode == FLLM_OP_VECTOR) {
		cycles = cu_run_counting(sim, u, cmd);
	} else if (i == FLLM_SIM_CU_ATTENTION && cmd->opcode == FLLM_OP_ATTENTION) {
		cycles = cu_run_counting(sim, u, cmd);
	} else {
		u->status = FLLM_CARD_ERR_PARAM;
		u->done = now;
		return;
	}
	/* hold the clock for host time beyond the modeled time (see above) */
	dt = fllm_sim_raw_cycles(sim) - t0;
	if ((impl || i != FLLM_SIM_CU_TEST) && dt > cycles)
		sim->cycle_base += dt - cycles;
	u->done = cycles > UINT64_MAX - now ? UINT64_MAX : now + cycles;
	if (u->status == FLLM_CARD_OK)
		cu_ops_account(sim, cmd);
	/* the firmware may start many such commands in one step of the card
	 * thread: after one that took a millisecond or more of host time (rtlsim:
	 * a long simulation), bring the clock register and the power model up */
	if ((impl || i != FLLM_SIM_CU_TEST) && dt >= sim->cfg.clock_khz) {
		fllm_sim_reg_set64(sim, FLLM_REG_TEL_CYCLES_LO, fllm_sim_cycles(sim));
		fllm_sim_power_update(sim);
	}
	if (cmd->opcode == FLLM_OP_LUTGEMM && u->status == FLLM_CARD_OK)
		cu_weight_account(sim, impl, cmd);
	if (sim->cfg.fault_unit && u->status == FLLM_CARD_OK &&
	    FLLM_CU_INFO_TYPE(fllm_sim_reg_get(sim, FLLM_REG_CU_INFO(i))) == sim->cfg.fault_unit)
		cu_fault(sim, cmd);
}

/* 1 once unit i has finished, with its status and result. */
int fllm_sim_cu_poll(struct fllm_sim *sim, uint32_t i, uint16_t *status, uint64_t *result)
{
	struct fllm_sim_cu *u = &sim->cu[i];
	uint64_t now = fllm_sim_cycles(sim);

	if (i >= FLLM_SIM_CU_COUNT || !u->busy || now < u->done)
		return 0;
	/* still busy at the watchdog deadline: the watchdog wins, as on the card */
	if (u->done > sim->fw.cu_deadline)
		return 0;
	cu_account(u, now);
	u->busy = 0;
	/* a host that sees the completion sees the command's traffic and busy
	 * cycles counted */
	fllm_sim_reg_set64(sim, FLLM_REG_CU_BUSY_LO(i), u->busy_cycles);
	fllm_sim_tel_counters(sim);
	*status = u->status;
	*result = u->result;
	return 1;
}

/* Stop unit i whatever it was doing. */
void fllm_sim_cu_reset(struct fllm_sim *sim, uint32_t i)
{
	if (i >= FLLM_SIM_CU_COUNT)
		return;
	cu_account(&sim->cu[i], fllm_sim_cycles(sim));
	sim->cu[i].busy = 0;
	fllm_sim_reg_set64(sim, FLLM_REG_CU_BUSY_LO(i), sim->cu[i].busy_cycles);
}

/* See sim_internal.h: nanoseconds until the first running unit is due. */
uint64_t fllm_sim_cu_wait_ns(const struct fllm_sim *sim)
{
	uint64_t now = fllm_sim_cycles(sim), first = UINT64_MAX;
	uint64_t khz = sim->cfg.clock_khz;

	for (uint32_t i = 0; i < FLLM_SIM_CU_COUNT; i++)
		if (sim->cu[i].busy && sim->cu[i].done < first)
			first = sim->cu[i].done;
	if (first == UINT64_MAX)
		return UINT64_MAX;
	if (first <= now)
		return 0;
	first -= now;
	/* cycles to ns, rounded up; beyond a second the exact value is moot */
	return first >= khz * 1000u ? 1000000000u : (first * 1000000u + khz - 1) / khz;
}

/* Busy cycles of all units since reset, up to now; each unit's count is
 * published in its FLLM_REG_CU_BUSY pair (a running unit's grows live). */
uint64_t fllm_sim_cu_busy_cycles(struct fllm_sim *sim)
{
	uint64_t now = fllm_sim_cycles(sim);
	uint64_t sum = 0;

	for (uint32_t i = 0; i < FLLM_SIM_CU_COUNT; i++) {
		cu_account(&sim->cu[i], now);
		fllm_sim_reg_set64(sim, FLLM_REG_CU_BUSY_LO(i), sim->cu[i].busy_cycles);
		sum += sim->cu[i].busy_cycles;
	}
	return sum;
}
