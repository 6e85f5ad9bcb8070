/* RTL against the golden model on one case (see rtl_diff.h). */
#include "rtl_diff.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fllm_lutgemm_unit.h"
#include "rtl_tests.h"

struct fllm_rtl_unit *rtl_unit;

int rtl_unit_open(void)
{
	return rtl_ref_unit(FLLM_CU_LUTGEMM, &rtl_unit) ? -1 : 0;
}

void rtl_unit_close(void)
{
	rtl_ref_unit_close(&rtl_unit);
}

uint64_t rtl_max_cycles(const struct fllm_lutgemm_params *p)
{
	if (fllm_lutgemm_params_check(p, UINT64_MAX / 4) != FLLM_CARD_OK)
		return 100000;
	return 64ull * p->n_tokens * fllm_lutgemm_cycles(p) + 1000000;
}

static void print_shape(const struct lg_case *c, const char *what)
{
	const struct lg_shape *s = &c->shape;

	fprintf(stderr, "  RTL mismatch (%s): M=%u K=%u g=%u q=%u offset=%u N=%u slices=%u "
		"seed=%" PRIu64 "\n", what, s->m, s->k, s->g, s->q, s->offset, s->n, s->slices,
		c->seed);
}

/* Report the first differing byte, as an output element when it is one. */
static void print_first_diff(const struct lg_case *c, const uint8_t *gold, const uint8_t *rtl)
{
	const struct fllm_lutgemm_params *p = &c->p;

	for (uint64_t i = 0; i < c->mem_bytes; i++) {
		if (gold[i] == rtl[i])
			continue;
		for (uint32_t n = 0; n < p->n_tokens; n++) {
			uint64_t o = p->out_addr + n * p->out_stride;

			if (i >= o && i < o + 4ull * p->m) {
				uint64_t at = o + (i - o) / 4 * 4;
				uint32_t g, r;
				float fg, fr;

				memcpy(&g, gold + at, 4);
				memcpy(&r, rtl + at, 4);
				memcpy(&fg, &g, 4);
				memcpy(&fr, &r, 4);
				fprintf(stderr, "  first difference y[n=%u][r=%" PRIu64
					"]: rtl 0x%08x (%g) golden 0x%08x (%g)\n", n,
					(i - o) / 4, r, (double)fr, g, (double)fg);
				return;
			}
		}
		fprintf(stderr, "  first difference at card byte %" PRIu64 " (not an output): rtl "
			"0x%02x golden 0x%02x\n", i, rtl[i], gold[i]);
		return;
	}
}

int rtl_diff(struct lg_case *c, const char *what, uint16_t *status, struct fllm_rtl_stats *st)
{
	return rtl_diff_at(c, 0, sizeof(c->p), what, status, st);
}

int rtl_diff_at(struct lg_case *c, uint64_t params, uint64_t params_bytes, const char *what,
		uint16_t *status, struct fllm_rtl_stats *st)
{
	uint8_t *rtl = malloc(c->mem_bytes);
	struct fllm_rtl_stats s;
	enum fllm_card_err gold_err;
	uint64_t arg[FLLM_RTL_ARGS], result = 0;
	uint16_t rtl_err = 0;
	int rc, bad = 0;

	if (!rtl)
		return -1;
	memset(&s, 0, sizeof(s));
	memcpy(rtl, c->mem, c->mem_bytes);
	gold_err = fllm_hls_lutgemm_unit(c->mem, c->mem_bytes, params, params_bytes);
	fllm_rtl_cu_arg(arg, params, params_bytes);
	rc = fllm_rtl_unit_run(rtl_unit, rtl, c->mem_bytes, arg, rtl_max_cycles(&c->p), &rtl_err,
			       &result, &s);
	if (rc) {
		print_shape(c, what);
		fprintf(stderr, "  the unit did not finish: %d\n", rc);
		bad = 1;
	} else if (rtl_err != gold_err || result) {
		print_shape(c, what);
		fprintf(stderr, "  status: rtl %u golden %u, result %" PRIu64 " (must be 0)\n",
			rtl_err, gold_err, result);
		bad = 1;
	} else if (memcmp(rtl, c->mem, c->mem_bytes)) {
		print_shape(c, what);
		print_first_diff(c, c->mem, rtl);
		bad = 1;
	} else if (s.bad_accesses) {
		print_shape(c, what);
		fprintf(stderr, "  %" PRIu64 " AXI accesses outside card memory\n",
			s.bad_accesses);
		bad = 1;
	}
	if (status)
		*status = rtl_err;
	if (st)
		*st = s;
	free(rtl);
	return bad;
}

int rtl_diff_random(const struct lg_shape *s, uint64_t seed, const char *what)
{
	struct lg_case c;
	int bad;

	if (lg_case_init_random(&c, s, seed, seed ^ 0x5eed))
		return -1;
	bad = rtl_diff(&c, what, NULL, NULL);
	lg_case_free(&c);
	return bad;
}
