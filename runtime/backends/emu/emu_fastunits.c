/*
 * The emulated card's vector and attention units on the host's fast twins
 * of the golden functions (runtime/cpu: fllm_cpu_vector_run,
 * fllm_cpu_attention_run). Those take the same block, make the same checks
 * with the same result codes and write the same bytes as hls/vector.c and
 * hls/attention.c (tests/cpu test_cpu_units), several times faster: with
 * the LUT-GEMM unit on the host kernel (emu_fastlg.c), the golden vector
 * and attention functions were most of an emulated batched decode's host
 * time. Time and traffic stay the units' cycle models, as the C model
 * accounts them (sim/src/cu.c). `emu:0,golden=1` keeps the hls/ units.
 */
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "fllm_attention.h"
#include "fllm_vector.h"
#include "../../cpu/fllm_cpu.h"

struct emu_fastunits {
	struct fllm_vector_onchip voc;
	struct fllm_attention_onchip aoc;
	struct fllm_sim_unit unit;	/* both units: the command's opcode says which */
};

static uint16_t fastunit_run(void *ctx, uint8_t *mem, uint64_t mem_bytes,
			     const struct fllm_cmd *cmd, uint64_t *result, uint64_t *cycles,
			     uint64_t *traffic)
{
	struct emu_fastunits *f = ctx;
	int vector = cmd->opcode == FLLM_OP_VECTOR, err;
	struct fllm_cmd_cu args;

	memcpy(&args, cmd->arg, sizeof(args));
	*result = 0;
	*traffic = 0;
	*cycles = vector ? FLLM_VECTOR_REJECT_CYCLES : FLLM_ATTN_REJECT_CYCLES;
	err = vector ? fllm_cpu_vector_run(&f->voc, mem, mem_bytes, args.params,
					   args.params_bytes, result) :
		       fllm_cpu_attention_run(&f->aoc, mem, mem_bytes, args.params,
					      args.params_bytes, result);
	if (err != FLLM_CARD_OK)
		return (uint16_t)err;
	/* accepted: the block (and descriptors) lie in memory, unchanged */
	if (vector) {
		struct fllm_vector_params p;

		memcpy(&p, mem + args.params, sizeof(p));
		*cycles = fllm_vector_cycles(&p);
		*traffic = fllm_vector_traffic(&p);
	} else {
		struct fllm_attention_params p;

		memcpy(&p, mem + args.params, sizeof(p));
		*cycles = fllm_attention_cycles(&p, mem);
		*traffic = fllm_attention_traffic(&p, mem);
	}
	return FLLM_CARD_OK;
}

/* See emu.h. */
fllm_status emu_fastunits_create(struct emu_fastunits **out)
{
	struct emu_fastunits *f = calloc(1, sizeof(*f));

	*out = f;
	if (!f)
		return FLLM_E_NO_MEMORY;
	f->unit = (struct fllm_sim_unit){ .name = "host", .ctx = f, .run = fastunit_run };
	return FLLM_OK;
}

/* See emu.h. */
const struct fllm_sim_unit *emu_fastunits_unit(const struct emu_fastunits *f)
{
	return &f->unit;
}

/* See emu.h. */
void emu_fastunits_free(struct emu_fastunits *f)
{
	free(f);
}
