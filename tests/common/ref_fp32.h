/*
 * The fp32 rules docs/numerics.md sets for every unit, written from the doc
 * alone for the tests' independent references (tests/attention,
 * tests/vector); like them, it shares no code with hls/.
 */
#ifndef FLLM_TEST_REF_FP32_H
#define FLLM_TEST_REF_FP32_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* An fp32 input of the image at addr, Inf -> +-FLT_MAX and NaN -> +0 (counted in *nf). */
static inline float ref_f32_input(const uint8_t *mem /* image */, uint64_t addr, uint64_t *nf)
{
	float v;

	memcpy(&v, mem + addr, 4);
	if (isnan(v)) {
		(*nf)++;
		return 0.0f;
	}
	if (isinf(v)) {
		(*nf)++;
		return copysignf(FLT_MAX, v);
	}
	return v;
}

/*
 * Section 3.1, acc * 2^-shift: (float)acc is the one 24-bit nearest-even
 * rounding, then flush below FLT_MIN to +0 and saturate above FLT_MAX.
 */
static inline float ref_to_f32(int64_t acc, int64_t shift)
{
	float fl = (float)acc;
	int e;

	if (acc == 0)
		return 0.0f;
	frexpf(fl, &e);
	if (e - 1 - shift < -126)
		return 0.0f;
	if (e - 1 - shift > 127)
		return copysignf(FLT_MAX, fl);
	return ldexpf(fl, (int)-shift);
}

#endif /* FLLM_TEST_REF_FP32_H */
