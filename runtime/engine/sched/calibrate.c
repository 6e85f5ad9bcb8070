/*
 * `fllm calibrate`'s measurements (docs/scheduler.md "Cost model"). Host
 * figures are wall-clock rates of the runtime's own kernels. A card
 * command's time is the longer of what the card reports (its cycle count
 * at its clock) and what the host waited for it: a real card's wall time is
 * its cycles plus the host's overhead, and a simulated card's may be far
 * more than the cycles it models (the emulated card computes on the host),
 * and the time a run takes is what a plan must predict. The per-command
 * cost comes from lists of many small vector commands, the DMA figures
 * from timed fllm_bo_write calls.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calibrate.h"
#include "engine_error.h"
#include "fllm_attention.h"
#include "fllm_cardpack.h"
#include "fllm_vector.h"
#include "../../cpu/fllm_cpu.h"
#include "rng.h"

#define CAL_K		4096u	/* LUT-GEMM inputs per row */
#define CAL_BATCH	8u	/* tokens of the batched LUT-GEMM runs */
#define CAL_CMD_K	64u	/* elements of the host per-command block */
#define CAL_VEC_N	(1u << 20)	/* host vector-op elements */
#define CAL_ATT_POS	2048u	/* host attention: positions */
#define CAL_ATT_HEADS	8u
#define CAL_ATT_HD	64u	/* head_dim */
#define CAL_DMA_SMALL	4096u
#define CAL_DMA_LARGE	(32u << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A BCQ matrix of random records and CAL_BATCH quantized random tokens. */
struct cal_gemm {
	uint32_t m, k, g, q, groups;
	uint64_t row_bytes;
	uint8_t *rec;		/* (m, row_bytes) every bit pattern is a valid record */
	int32_t ex[CAL_BATCH];	/* (CAL_BATCH) token exponents */
	uint16_t *msx;		/* (CAL_BATCH, groups) */
	int8_t *xq;		/* (CAL_BATCH, groups * g) */
	float *y;		/* (CAL_BATCH, m) */
};

static void gemm_free(struct cal_gemm *c)
{
	free(c->rec);
	free(c->msx);
	free(c->xq);
	free(c->y);
}

static fllm_status gemm_init(struct cal_gemm *c, uint32_t m, uint32_t g, uint32_t q)
{
	uint64_t s = 0x5eed5c4edull;
	float x[CAL_K];

	memset(c, 0, sizeof(*c));
	c->m = m;
	c->k = CAL_K;
	c->g = g;
	c->q = q;
	c->groups = fllm_lutgemm_groups(CAL_K, g);
	c->row_bytes = fllm_lutgemm_row_bytes(CAL_K, g, q);
	c->rec = malloc(m * c->row_bytes);
	c->msx = malloc(CAL_BATCH * c->groups * sizeof(*c->msx));
	c->xq = malloc((size_t)CAL_BATCH * c->groups * g);
	c->y = malloc((size_t)CAL_BATCH * m * sizeof(*c->y));
	if (!c->rec || !c->msx || !c->xq || !c->y) {
		gemm_free(c);
		return FLLM_E_NO_MEMORY;
	}
	for (uint64_t i = 0; i < m * c->row_bytes; i += 8) {
		uint64_t v = fllm_rng_next(&s);

		memcpy(c->rec + i, &v, m * c->row_bytes - i < 8 ? m * c->row_bytes - i : 8);
	}
	for (uint32_t t = 0; t < CAL_BATCH; t++) {
		for (uint32_t i = 0; i < CAL_K; i++)
			x[i] = fllm_rng_f32(&s) * 2.0f - 1.0f;
		fllm_lutgemm_act_quantize(CAL_K, g, x, &c->ex[t], c->msx + t * c->groups,
					  c->xq + (size_t)t * c->groups * g);
	}
	return FLLM_OK;
}

/* Host LUT-GEMM: record bytes (x tokens) per second at 1 and CAL_BATCH tokens. */
static fllm_status host_gemm(const struct cal_gemm *c, double secs, double *one, double *batch)
{
	const uint8_t *slice = c->rec;
	fllm_cpu_lutgemm_weights w = { c->m, c->k, c->g, c->q, FLLM_LUTGEMM_F_OFFSET, 1, &slice };
	fllm_cpu_lutgemm_pack *pk = NULL;
	fllm_cpu_ctx *ctx = NULL;
	fllm_status st;

	st = fllm_cpu_ctx_create(NULL, &ctx);
	if (st == FLLM_OK)
		st = fllm_cpu_lutgemm_pack_create(ctx, &w, &pk);
	for (int pass = 0; pass < 2 && st == FLLM_OK; pass++) {
		uint32_t n = pass ? CAL_BATCH : 1;
		fllm_cpu_lutgemm_acts x = { n, c->ex, c->msx, c->xq };
		double t0 = now_s(), t;
		uint64_t it = 0;

		do {
			st = fllm_cpu_lutgemm_packed(ctx, pk, &x, c->y, c->m);
			it++;
			t = now_s() - t0;
		} while (st == FLLM_OK && (t < secs || it < 3));
		*(pass ? batch : one) = (double)it * n * (double)c->m * (double)c->row_bytes / t;
	}
	fllm_cpu_lutgemm_pack_free(pk);
	fllm_cpu_ctx_free(ctx);
	return st;
}

/* Host vector ops: RMSNorm then SiLU * mul over CAL_VEC_N fp32, elements per s. */
static double host_vector(double secs)
{
	float *a = malloc(CAL_VEC_N * sizeof(float)), *b = malloc(CAL_VEC_N * sizeof(float));
	volatile float sink = 0;
	double t0, t;
	uint64_t it = 0;

	if (!a || !b) {
		free(a);
		free(b);
		return 0;
	}
	for (uint32_t i = 0; i < CAL_VEC_N; i++) {
		a[i] = (float)(i % 97) * 0.01f;
		b[i] = (float)(i % 89) * 0.01f;
	}
	t0 = now_s();
	do {
		float ss = 0, r;

		for (uint32_t i = 0; i < CAL_VEC_N; i++)
			ss += a[i] * a[i];
		r = 1.0f / sqrtf(ss / CAL_VEC_N + 1e-5f);
		for (uint32_t i = 0; i < CAL_VEC_N; i++)
			a[i] = a[i] * r * b[i];
		for (uint32_t i = 0; i < CAL_VEC_N; i++)
			a[i] = a[i] / (1.0f + expf(-a[i])) * b[i];
		sink = sink + a[it % CAL_VEC_N];
		it++;
		t = now_s() - t0;
	} while (t < secs || it < 3);
	(void)sink;
	free(a);
	free(b);
	return (double)it * 2.0 * CAL_VEC_N / t;
}

/*
 * The fixed cost of a command on the host: cpu-q runs the card's command
 * program block by block (exec_hostq.c), each vector block through the
 * vector unit's function on a host image. A one-row RMSNorm block of
 * CAL_CMD_K elements (small, as the decoder's per-token blocks of a small
 * model are), timed, less its elements at the host's vector rate.
 */
static double host_command(double secs, double vector_rate)
{
	struct fllm_vector_onchip *oc = malloc(sizeof(*oc));
	struct fllm_vector_params vp;
	uint64_t in = 4096, w = in + CAL_CMD_K * 4, out = w + fllm_vector_weight_bytes(CAL_CMD_K);
	uint64_t size = out + 2 * fllm_lutgemm_act_bytes(CAL_CMD_K, 32), nf, it = 0;
	uint8_t *img = calloc(1, size);
	float *ones = malloc(CAL_CMD_K * sizeof(float));
	double t0, t = 0, cmd = 0;

	if (!oc || !img || !ones ||
	    fllm_vector_params_init(&vp, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, CAL_CMD_K, 1, 32))
		goto out;
	for (uint32_t i = 0; i < CAL_CMD_K; i++) {
		float x = (float)(i % 101) * 0.02f - 1.0f;

		ones[i] = 1.0f;
		memcpy(img + in + 4ull * i, &x, 4);
	}
	if (fllm_vector_weight_write(img + w, CAL_CMD_K, ones))
		goto out;
	vp.in_addr = in;
	vp.weight_addr = w;
	vp.out_addr = out;
	{
		float eps = 1e-5f;

		memcpy(&vp.eps, &eps, sizeof(eps));
	}
	memcpy(img, &vp, sizeof(vp));
	t0 = now_s();
	do {
		if (fllm_vector_unit_run(oc, img, size, 0, sizeof(vp), &nf) != FLLM_CARD_OK)
			goto out;
		it++;
		t = now_s() - t0;
	} while (t < secs || it < 16);
	cmd = t / (double)it - CAL_CMD_K / vector_rate;
out:
	free(oc);
	free(img);
	free(ones);
	return cmd > 1e-9 ? cmd : 1e-9;
}

/* Host attention over an int8 KV cache: (position x q-dim) elements per s. */
static double host_attention(double secs)
{
	const uint32_t P = CAL_ATT_POS, H = CAL_ATT_HEADS, D = CAL_ATT_HD;
	int8_t *k = malloc((size_t)P * H * D), *v = malloc((size_t)P * H * D);
	float *sc = malloc(P * sizeof(float)), q[CAL_ATT_HEADS * CAL_ATT_HD];
	float out[CAL_ATT_HEADS * CAL_ATT_HD];
	volatile float sink = 0;
	double t0, t;
	uint64_t it = 0;

	if (!k || !v || !sc) {
		free(k);
		free(v);
		free(sc);
		return 0;
	}
	for (size_t i = 0; i < (size_t)P * H * D; i++) {
		k[i] = (int8_t)(i * 7 % 255 - 127);
		v[i] = (int8_t)(i * 13 % 255 - 127);
	}
	for (uint32_t i = 0; i < H * D; i++)
		q[i] = (float)(i % 11) * 0.1f;
	t0 = now_s();
	do {
		for (uint32_t h = 0; h < H; h++) {
			float mx = -INFINITY, sum = 0;

			for (uint32_t p = 0; p < P; p++) {
				const int8_t *kr = k + ((size_t)p * H + h) * D;
				float s = 0;

				for (uint32_t d = 0; d < D; d++)
					s += q[h * D + d] * kr[d];
				sc[p] = s * 0.001f;
				mx = sc[p] > mx ? sc[p] : mx;
			}
			for (uint32_t p = 0; p < P; p++) {
				sc[p] = expf(sc[p] - mx);
				sum += sc[p];
			}
			for (uint32_t d = 0; d < D; d++)
				out[h * D + d] = 0;
			for (uint32_t p = 0; p < P; p++) {
				const int8_t *vr = v + ((size_t)p * H + h) * D;
				float wgt = sc[p] / sum;

				for (uint32_t d = 0; d < D; d++)
					out[h * D + d] += wgt * vr[d];
			}
		}
		sink = sink + out[it % (H * D)];
		it++;
		t = now_s() - t0;
	} while (t < secs || it < 3);
	(void)sink;
	free(k);
	free(v);
	free(sc);
	return (double)it * P * H * D / t;
}

/* Submit cl, wait, and return command idx's card cycles in *cycles. */
static fllm_status run_list(fllm_cmdlist *cl, uint32_t idx, uint64_t *cycles)
{
	fllm_cmd_result r;
	fllm_event *ev;
	fllm_status st = fllm_cmdlist_submit(cl, &ev);

	if (st)
		return st;
	st = fllm_event_wait(ev, 60ull * 1000 * 1000 * 1000);
	if (st == FLLM_OK && cycles) {
		st = fllm_event_result(ev, idx, &r);
		*cycles = r.cycles;
	}
	fllm_event_free(ev);
	fllm_cmdlist_reset(cl);
	return st;
}

/*
 * Seconds one command of cl takes (cl holds it once; it is recorded
 * CAL_REPEAT times in all): the longer of its card cycles at hz and the
 * host's wall time per command, best of three lists.
 */
#define CAL_REPEAT 16u
static fllm_status run_timed(fllm_cmdlist *cl, fllm_status (*add)(fllm_cmdlist *, fllm_bo *,
								    uint64_t, uint64_t),
			     fllm_bo *bo, uint64_t at, uint64_t size, double hz, double *secs)
{
	fllm_status st = FLLM_OK;
	uint64_t cyc = 0;

	*secs = INFINITY;
	for (int rep = 0; rep < 3 && !st; rep++) {
		double t0, wall;

		for (uint32_t i = 0; i < CAL_REPEAT && !st; i++)
			st = add(cl, bo, at, size);
		t0 = now_s();
		if (!st)
			st = run_list(cl, 0, &cyc);
		wall = (now_s() - t0) / CAL_REPEAT;
		if (!st && wall < *secs)
			*secs = wall;
	}
	if (!st && (double)cyc / hz > *secs)
		*secs = (double)cyc / hz;
	return st;
}

static fllm_status add_lutgemm(fllm_cmdlist *cl, fllm_bo *bo, uint64_t at, uint64_t size)
{
	return fllm_cmdlist_lutgemm(cl, bo, at, size);
}

static fllm_status add_vector(fllm_cmdlist *cl, fllm_bo *bo, uint64_t at, uint64_t size)
{
	return fllm_cmdlist_vector(cl, bo, at, size);
}

/* Card memory of the card runs: parameter blocks, records, outputs. */
struct card_img {
	uint64_t par, act, out, wgt, vin, vout, vw, size;
};

static uint64_t up64(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

/* Card LUT-GEMM at 1 and CAL_BATCH tokens and the vector unit, from card cycles. */
static fllm_status card_units(fllm_device *dev, const fllm_device_info *info,
			      const struct cal_gemm *c, struct sched_cost *out, const char **step)
{
	uint32_t slices = info->mem_channels ? info->mem_channels : 1;
	struct fllm_lutgemm_params lp[2];
	struct fllm_vector_params vp;
	double hz = info->clock_khz * 1e3;
	struct card_img im;
	fllm_cmdlist *cl = NULL;
	fllm_bo *bo = NULL;
	uint8_t *scratch = NULL;
	uint64_t base, off;
	const uint32_t vrows = 64;
	float *vin = NULL, *vw = NULL;
	fllm_status st;

	slices = slices > FLLM_LUTGEMM_SLICES_MAX ? FLLM_LUTGEMM_SLICES_MAX : slices;
	slices = slices > c->m ? c->m : slices;
	*step = "LUT-GEMM parameter block";
	if (fllm_lutgemm_params_init(&lp[0], c->m, c->k, c->g, c->q, FLLM_LUTGEMM_F_OFFSET, 1,
				     slices) ||
	    fllm_lutgemm_params_init(&lp[1], c->m, c->k, c->g, c->q, FLLM_LUTGEMM_F_OFFSET,
				     CAL_BATCH, slices) ||
	    fllm_vector_params_init(&vp, FLLM_VECTOR_OP_RMSNORM, FLLM_VECTOR_F_QUANT, CAL_K, vrows,
				    c->g))
		return FLLM_E_INVALID_ARG;
	im.par = 0;
	im.act = 4096;
	im.out = up64(im.act + CAL_BATCH * lp[1].act_stride, 4096);
	im.vin = up64(im.out + CAL_BATCH * lp[1].out_stride, 4096);
	im.vout = up64(im.vin + vrows * vp.in_stride, 4096);
	im.vw = up64(im.vout + vrows * vp.out_stride, 4096);
	im.wgt = up64(im.vw + fllm_vector_weight_bytes(CAL_K), 4096);
	im.size = up64(im.wgt + c->m * c->row_bytes, 4096);
	*step = "buffer allocation";
	st = fllm_bo_alloc(dev, im.size, NULL, &bo);
	if (st)
		return st;
	base = fllm_bo_card_addr(bo);
	st = FLLM_E_NO_MEMORY;
	scratch = calloc(1, CAL_BATCH * lp[1].act_stride);
	vin = malloc((size_t)vrows * CAL_K * sizeof(float));
	vw = malloc(CAL_K * sizeof(float));
	if (!scratch || !vin || !vw)
		goto out;
	for (uint32_t i = 0; i < vrows * CAL_K; i++)
		vin[i] = (float)(i % 101) * 0.02f - 1.0f;
	for (uint32_t i = 0; i < CAL_K; i++)
		vw[i] = 1.0f + (float)(i % 7) * 0.1f;
	for (uint32_t t = 0; t < CAL_BATCH; t++)
		fllm_lutgemm_act_write(scratch + t * lp[1].act_stride, c->k, c->g, c->ex[t],
				       c->msx + t * c->groups, c->xq + (size_t)t * c->groups * c->g);
	off = im.wgt;
	for (int i = 0; i < 2; i++) {
		lp[i].act_addr = base + im.act;
		lp[i].out_addr = base + im.out;
	}
	for (uint32_t s = 0; s < slices; s++) {
		lp[0].slice_addr[s] = lp[1].slice_addr[s] = base + off;
		off += fllm_lutgemm_slice_bytes(&lp[0], s);
	}
	vp.in_addr = base + im.vin;
	vp.out_addr = base + im.vout;
	vp.weight_addr = base + im.vw;
	{
		float eps = 1e-5f;

		memcpy(&vp.eps, &eps, sizeof(eps));
	}
	*step = "upload";
	st = fllm_bo_write(bo, im.par, &lp[0], sizeof(lp[0]));
	if (!st)
		st = fllm_bo_write(bo, im.par + 1024, &lp[1], sizeof(lp[1]));
	if (!st)
		st = fllm_bo_write(bo, im.par + 2048, &vp, sizeof(vp));
	if (!st)
		st = fllm_bo_write(bo, im.act, scratch, CAL_BATCH * lp[1].act_stride);
	if (!st)
		st = fllm_bo_write(bo, im.wgt, c->rec, c->m * c->row_bytes);
	if (!st)
		st = fllm_bo_write(bo, im.vin, vin, (uint64_t)vrows * CAL_K * sizeof(float));
	if (!st) {
		uint8_t *rec = calloc(1, fllm_vector_weight_bytes(CAL_K));

		st = rec ? FLLM_OK : FLLM_E_NO_MEMORY;
		if (rec && fllm_vector_weight_write(rec, CAL_K, vw))
			st = FLLM_E_INVALID_ARG;
		if (!st)
			st = fllm_bo_write(bo, im.vw, rec, fllm_vector_weight_bytes(CAL_K));
		free(rec);
	}
	if (st)
		goto out;
	*step = "command list";
	st = fllm_cmdlist_create(dev, &cl);
	if (st)
		goto out;
	for (int i = 0; i < 2 && !st; i++) {
		double t;

		*step = i ? "batched LUT-GEMM command" : "LUT-GEMM command";
		st = run_timed(cl, add_lutgemm, bo, im.par + 1024u * (unsigned)i, sizeof(lp[i]), hz,
			       &t);
		if (!st)
			*(i ? &out->card_lutgemm_batch : &out->card_lutgemm) =
				(double)(i ? CAL_BATCH : 1) * (double)c->m * (double)c->row_bytes / t;
	}
	if (st)
		goto out;
	*step = "vector command";
	{
		double t64, t1;

		st = run_timed(cl, add_vector, bo, im.par + 2048, sizeof(vp), hz, &t64);
		if (!st)
			out->card_vector = (double)vrows * CAL_K / t64;
		/* per-command cost: a one-row command's time less its elements' */
		*step = "one-row vector commands";
		vp.rows = 1;
		if (!st)
			st = fllm_bo_write(bo, im.par + 3072, &vp, sizeof(vp));
		if (!st)
			st = run_timed(cl, add_vector, bo, im.par + 3072, sizeof(vp), hz, &t1);
		if (!st)
			out->card_command = t1 - CAL_K / out->card_vector;
		if (!st && out->card_command < 1e-9)
			out->card_command = 1e-9;
	}
out:
	fllm_cmdlist_free(cl);
	fllm_bo_free(bo);
	free(scratch);
	free(vin);
	free(vw);
	return st;
}

/* DMA: t(bytes) = latency + bytes / bandwidth through a small and a large write. */
static fllm_status card_dma(fllm_device *dev, const fllm_device_info *info, struct sched_cost *out)
{
	uint64_t large = CAL_DMA_LARGE < info->mem_size / 4 ? CAL_DMA_LARGE : info->mem_size / 4;
	double ts = INFINITY, tl = INFINITY, bw;
	uint8_t *buf;
	fllm_bo *bo;
	fllm_status st;

	large = large / 4096 * 4096;
	if (large <= CAL_DMA_SMALL)
		return FLLM_E_NO_CARD_MEMORY;
	buf = calloc(1, large);
	if (!buf)
		return FLLM_E_NO_MEMORY;
	st = fllm_bo_alloc(dev, large, NULL, &bo);
	if (st) {
		free(buf);
		return st;
	}
	for (int rep = 0; rep < 3 && !st; rep++) {
		double t0 = now_s(), t;

		for (int i = 0; i < 64 && !st; i++)
			st = fllm_bo_write(bo, 0, buf, CAL_DMA_SMALL);
		t = (now_s() - t0) / 64;
		ts = t < ts ? t : ts;
		t0 = now_s();
		if (!st)
			st = fllm_bo_write(bo, 0, buf, large);
		t = now_s() - t0;
		tl = t < tl ? t : tl;
	}
	fllm_bo_free(bo);
	free(buf);
	if (st)
		return st;
	bw = tl > ts ? (double)(large - CAL_DMA_SMALL) / (tl - ts) : (double)large / tl;
	out->dma_bandwidth = bw;
	out->dma_latency = ts - CAL_DMA_SMALL / bw > 0 ? ts - CAL_DMA_SMALL / bw : 0;
	return FLLM_OK;
}

fllm_status sched_calibrate(const struct sched_calibrate_opts *o, struct sched_cost *out,
			    char *err, size_t err_size)
{
	struct fllm_err e = { err, err_size };
	uint32_t q = o->bits ? o->bits : 4, g = o->group ? o->group : 32;
	uint32_t rows = o->rows ? o->rows : 4096;
	double secs = o->seconds > 0 ? o->seconds : 0.2;
	const char *step = "open";
	fllm_device_info info;
	fllm_device *dev = NULL;
	struct cal_gemm c;
	fllm_status st;

	memset(out, 0, sizeof(*out));
	if (sched_cost_reference(q, g, out) != FLLM_OK) {
		fllm_err_set(&e, FLLM_OK, "q %u g %u: not a LUT-GEMM shape the card takes", q, g);
		return FLLM_E_INVALID_ARG;
	}
	if (rows < 1 || rows > 65536) {
		fllm_err_set(&e, FLLM_OK, "rows %u out of range 1..65536", rows);
		return FLLM_E_INVALID_ARG;
	}
	snprintf(out->device, sizeof(out->device), "%s", o->device);
	st = gemm_init(&c, rows, g, q);
	if (st) {
		fllm_err_set(&e, FLLM_OK, "host LUT-GEMM matrix: %s", fllm_status_str(st));
		return st;
	}
	st = host_gemm(&c, secs, &out->host_lutgemm, &out->host_lutgemm_batch);
	if (st) {
		fllm_err_set(&e, FLLM_OK, "host LUT-GEMM: %s", fllm_status_str(st));
		goto out;
	}
	out->host_vector = host_vector(secs);
	out->host_attention = host_attention(secs);
	out->host_command = host_command(secs, out->host_vector);
	if (!(out->host_vector > 0) || !(out->host_attention > 0)) {
		st = FLLM_E_NO_MEMORY;
		fllm_err_set(&e, FLLM_OK, "host vector/attention buffers: %s", fllm_status_str(st));
		goto out;
	}
	st = fllm_device_open(o->device, &dev);
	if (!st) {
		step = "device info";
		st = fllm_device_info_get(dev, &info);
	}
	if (!st && !info.clock_khz) {
		step = "device info (clock 0)";
		st = FLLM_E_UNSUPPORTED;
	}
	if (!st)
		st = card_units(dev, &info, &c, out, &step);
	if (!st) {
		step = "DMA";
		st = card_dma(dev, &info, out);
	}
	if (st) {
		fllm_err_set(&e, FLLM_OK, "%s: %s: %s", o->device, step, fllm_status_str(st));
		goto out;
	}
	/* the attention unit's cycle model at this card's clock (docs/scheduler.md) */
	out->card_attention = FLLM_ATTN_MACS * info.clock_khz * 1e3 / 2.0;
	out->card_memory = info.mem_size;
out:
	fllm_device_close(dev);
	gemm_free(&c);
	return st;
}
