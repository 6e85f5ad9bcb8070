/*
 * The emulated card's LUT-GEMM unit on the host's integer LUT-GEMM
 * (runtime/cpu): the card model's C kernel (hls/lutgemm.c) is written for
 * HLS, one lookup at a time, and would dominate every emulated decode. The
 * unit's behaviour stays the card's: the block is fetched and checked by
 * the golden model's own first step (fllm_lutgemm_fetch), so exactly the
 * same blocks are refused with the same codes and nothing written; the
 * outputs come from fllm_cpu_lutgemm(), which is bit-identical to the
 * golden model (tests/cpu); time and traffic are the unit's cycle model.
 * `emu:0,golden=1` keeps the C kernel instead.
 *
 * When the host kernel has a layout of its own (fllm_cpu_lutgemm_pack_is_copy),
 * matrices up to FASTLG_ENTRY_MAX bytes are prepared once and kept, with a
 * copy of the records they were made from: every command compares the
 * records in card memory with that copy and prepares the matrix again when
 * they differ, so a cached matrix is exactly what card memory holds.
 */
#include <stdlib.h>
#include <string.h>

#include "emu.h"
#include "fllm_lutgemm_unit.h"
#include "../../cpu/fllm_cpu.h"

#define FASTLG_ENTRIES 512
#define FASTLG_ENTRY_MAX (4ull << 20)	/* records of one matrix */
#define FASTLG_TOTAL_MAX (128ull << 20)	/* records of all of them */

/* A matrix prepared for the host kernel, and the records it came from. */
struct fastlg_entry {
	struct fllm_lutgemm_params p;	/* shape and slice addresses (the key) */
	uint8_t *copy;			/* slices' records, concatenated */
	uint64_t bytes;
	fllm_cpu_lutgemm_pack *pk;
};

struct emu_fastlg {
	struct fllm_sim_unit unit;
	struct fllm_lutgemm_onchip oc;	/* for the C kernel's cases */
	struct fastlg_entry ent[FASTLG_ENTRIES];
	uint32_t n_ent;
	uint64_t cached;		/* bytes of records in ent */
	int no_cache;			/* the kernel has no layout of its own */
	fllm_cpu_ctx *cpu;
	uint8_t *xbuf;		/* (N_MAX) tokens' records gathered for the host kernel */
	uint64_t xbuf_bytes;
};

/* 1 if [a, a + la) and [b, b + lb) meet. */
static int fastlg_meet(uint64_t a, uint64_t la, uint64_t b, uint64_t lb)
{
	return a < b + lb && b < a + la;
}

/* 1 if the outputs overlap the activations or a weight slice: the order of
 * the unit's reads and writes then shows, so the C kernel runs it. */
static int fastlg_aliased(const struct fllm_lutgemm_params *p)
{
	uint64_t out = (uint64_t)(p->n_tokens - 1) * p->out_stride + 4ull * p->m;
	uint64_t act = (uint64_t)(p->n_tokens - 1) * p->act_stride +
		       fllm_lutgemm_act_bytes(p->k, p->group);

	if (fastlg_meet(p->out_addr, out, p->act_addr, act))
		return 1;
	for (uint32_t s = 0; s < p->slices; s++)
		if (fastlg_meet(p->out_addr, out, p->slice_addr[s],
				(uint64_t)fllm_lutgemm_slice_rows(p->m, p->slices, s) *
					p->row_bytes))
			return 1;
	return 0;
}

/* 1 if e was made for p's matrix (shape and slice addresses). */
static int fastlg_same(const struct fastlg_entry *e, const struct fllm_lutgemm_params *p)
{
	const struct fllm_lutgemm_params *q = &e->p;

	if (q->m != p->m || q->k != p->k || q->group != p->group || q->planes != p->planes ||
	    q->flags != p->flags || q->slices != p->slices || q->row_bytes != p->row_bytes)
		return 0;
	for (uint32_t s = 0; s < p->slices; s++)
		if (q->slice_addr[s] != p->slice_addr[s])
			return 0;
	return 1;
}

/* (Re)make e's copy and pack from the records in card memory. */
static fllm_status fastlg_prepare(struct emu_fastlg *f, struct fastlg_entry *e,
				  const uint8_t *mem)
{
	const uint8_t *slice[FLLM_LUTGEMM_SLICES_MAX];
	fllm_cpu_lutgemm_weights w;
	uint64_t at = 0;

	fllm_cpu_lutgemm_pack_free(e->pk);
	e->pk = NULL;
	for (uint32_t s = 0; s < e->p.slices; s++) {
		uint64_t n = fllm_lutgemm_slice_bytes(&e->p, s);

		memcpy(e->copy + at, mem + e->p.slice_addr[s], n);
		slice[s] = e->copy + at;
		at += n;
	}
	w = (fllm_cpu_lutgemm_weights){ e->p.m, e->p.k, e->p.group, e->p.planes, e->p.flags,
					e->p.slices, slice };
	return fllm_cpu_lutgemm_pack_create(f->cpu, &w, &e->pk);
}

/* The prepared matrix of p, made or refreshed as needed; NULL: use the records. */
static const fllm_cpu_lutgemm_pack *fastlg_pack(struct emu_fastlg *f, const uint8_t *mem,
						const struct fllm_lutgemm_params *p)
{
	struct fastlg_entry *e = NULL;
	uint64_t bytes = 0, at = 0;
	int fresh = 1;

	for (uint32_t s = 0; s < p->slices; s++)
		bytes += fllm_lutgemm_slice_bytes(p, s);
	for (uint32_t i = 0; i < f->n_ent && !e; i++)
		if (fastlg_same(&f->ent[i], p))
			e = &f->ent[i];
	if (e) {
		for (uint32_t s = 0; s < p->slices && fresh; s++) {
			uint64_t n = fllm_lutgemm_slice_bytes(p, s);

			fresh = !memcmp(mem + p->slice_addr[s], e->copy + at, n);
			at += n;
		}
		if (fresh)
			return e->pk;
		return fastlg_prepare(f, e, mem) ? NULL : e->pk;
	}
	if (f->no_cache || f->n_ent == FASTLG_ENTRIES || bytes > FASTLG_ENTRY_MAX ||
	    f->cached + bytes > FASTLG_TOTAL_MAX)
		return NULL;
	e = &f->ent[f->n_ent];
	*e = (struct fastlg_entry){ *p, malloc(bytes), bytes, NULL };
	if (!e->copy || fastlg_prepare(f, e, mem)) {
		fllm_cpu_lutgemm_pack_free(e->pk);
		free(e->copy);
		return NULL;
	}
	if (!fllm_cpu_lutgemm_pack_is_copy(e->pk)) {
		/* the kernel reads card records as they are: nothing to keep */
		f->no_cache = 1;
		fllm_cpu_lutgemm_pack_free(e->pk);
		free(e->copy);
		return NULL;
	}
	f->n_ent++;
	f->cached += bytes;
	return e->pk;
}

static uint16_t fastlg_run(void *ctx, uint8_t *mem, uint64_t mem_bytes,
			   const struct fllm_cmd *cmd, uint64_t *result, uint64_t *cycles,
			   uint64_t *traffic)
{
	struct emu_fastlg *f = ctx;
	const uint8_t *slice[FLLM_LUTGEMM_SLICES_MAX];
	struct fllm_lutgemm_params p;
	struct fllm_cmd_cu args;
	fllm_cpu_lutgemm_weights w;
	fllm_cpu_lutgemm_acts x;
	const fllm_cpu_lutgemm_pack *pk;
	enum fllm_card_err err;
	float *y;

	*result = 0;
	*traffic = 0;
	*cycles = FLLM_LUTGEMM_REJECT_CYCLES;
	memcpy(&args, cmd->arg, sizeof(args));
	err = fllm_lutgemm_fetch(mem, mem_bytes, args.params, args.params_bytes, &p);
	if (err != FLLM_CARD_OK)
		return (uint16_t)err;
	*cycles = fllm_lutgemm_cycles(&p);
	*traffic = fllm_lutgemm_traffic(&p);
	if (fastlg_aliased(&p)) {
		for (uint32_t s = 0; s < FLLM_LUTGEMM_SLICES_MAX; s++)
			slice[s] = mem;
		return (uint16_t)fllm_lutgemm_unit_run(&f->oc, mem, slice, mem_bytes, args.params,
						       args.params_bytes);
	}
	for (uint32_t s = 0; s < p.slices; s++)
		slice[s] = mem + p.slice_addr[s];
	w = (fllm_cpu_lutgemm_weights){ p.m, p.k, p.group, p.planes, p.flags, p.slices, slice };
	fllm_cpu_lutgemm_acts_gather(mem + p.act_addr, p.act_stride, p.n_tokens, p.k, p.group,
				     f->xbuf, &x);
	y = (float *)(void *)(mem + p.out_addr);
	pk = fastlg_pack(f, mem, &p);
	/* the block passed the unit's checks, which the host kernel's are a subset of */
	if ((pk ? fllm_cpu_lutgemm_packed(f->cpu, pk, &x, y, p.out_stride / 4) :
		  fllm_cpu_lutgemm(f->cpu, &w, &x, y, p.out_stride / 4)) != FLLM_OK)
		return FLLM_CARD_ERR_PARAM;
	return FLLM_CARD_OK;
}

/* See emu.h. */
fllm_status emu_fastlg_create(struct emu_fastlg **out)
{
	fllm_cpu_config cfg = { 1, FLLM_CPU_ISA_AUTO };
	struct emu_fastlg *f = calloc(1, sizeof(*f));
	fllm_status st;

	*out = NULL;
	if (!f)
		return FLLM_E_NO_MEMORY;
	f->xbuf_bytes = fllm_cpu_lutgemm_acts_bytes(FLLM_LUTGEMM_N_MAX, FLLM_LUTGEMM_K_MAX,
						    FLLM_LUTGEMM_G_MIN);
	f->xbuf = malloc(f->xbuf_bytes);
	st = f->xbuf ? fllm_cpu_ctx_create(&cfg, &f->cpu) : FLLM_E_NO_MEMORY;
	if (st) {
		free(f->xbuf);
		free(f);
		return st;
	}
	fllm_cpu_ctx_disown(f->cpu);	/* part of the device, not a handle */
	f->unit = (struct fllm_sim_unit){ .name = "host", .ctx = f, .run = fastlg_run };
	*out = f;
	return FLLM_OK;
}

/* See emu.h. */
const struct fllm_sim_unit *emu_fastlg_unit(const struct emu_fastlg *f)
{
	return &f->unit;
}

/* See emu.h. */
void emu_fastlg_free(struct emu_fastlg *f)
{
	if (!f)
		return;
	for (uint32_t i = 0; i < f->n_ent; i++) {
		fllm_cpu_lutgemm_pack_free(f->ent[i].pk);
		free(f->ent[i].copy);
	}
	fllm_cpu_ctx_free(f->cpu);
	free(f->xbuf);
	free(f);
}
