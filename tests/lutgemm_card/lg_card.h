/*
 * The LUT-GEMM card tests' harness: one command laid out in buffer objects
 * of an emulated card, mirroring an lg_case (tests/lutgemm) byte for byte,
 * so the scalar reference, a direct call of the hls kernel and the card's
 * command path all see the same records.
 */
#ifndef FLLM_LG_CARD_H
#define FLLM_LG_CARD_H

#include <stdint.h>

#include "fllm/fllm.h"
#include "fllm_card.h"
#include "lutgemm_case.h"

/* Emulated card of every test: 32 channels of 16 MiB. */
#define LG_CARD_SPEC	"emu:0,mem=512M,channels=32"
#define LG_SEC		1000000000ull
#define LG_SENTINEL	0xa5u	/* output BO bytes before a run */

/* One command in card memory. Slice s's BO lies in channel s % channels. */
struct lg_card {
	fllm_device *dev;
	const struct lg_case *c;	/* the host image it mirrors */
	uint32_t offsets;		/* data placed at nonzero offsets inside the BOs */
	fllm_bo *params, *act, *out;
	fllm_bo *slice[FLLM_LUTGEMM_SLICES_MAX];
	uint64_t params_off, act_off, out_off;
	uint64_t slice_off[FLLM_LUTGEMM_SLICES_MAX];
	uint64_t out_len;		/* bytes of the output region */
	struct fllm_lutgemm_params p;	/* c->p with card addresses */
};

/*
 * Allocate the BOs, upload c's parameter block (rewritten with card
 * addresses), activation records and slices, and fill the output BO with
 * LG_SENTINEL. With offsets, every region starts 64..192 bytes into its BO.
 * Returns FLLM_OK or the first failure.
 */
fllm_status lg_card_init(struct lg_card *k, fllm_device *dev, const struct lg_case *c,
			 uint32_t offsets);

/* Fill the output region with LG_SENTINEL again. */
fllm_status lg_card_fill_out(struct lg_card *k);

/* Write k->p to the parameter BO again (after a test changed it). */
fllm_status lg_card_store_params(struct lg_card *k);

/*
 * Record one LUT-GEMM on k's parameter block (bytes long), submit, wait.
 * Returns the wait status; *res gets the command's result.
 */
fllm_status lg_card_run(struct lg_card *k, uint32_t bytes, fllm_cmd_result *res);

/*
 * Record cmd as it is on lg_dev's own list, submit it and wait up to 10 s;
 * asserts that each step works, that the wait gives want and that the
 * command has a result, which *res receives.
 */
void lg_card_raw_expect(const struct fllm_cmd *cmd, fllm_status want, fllm_cmd_result *res);

/* Read the output region back into out (out_len bytes). */
fllm_status lg_card_read_out(struct lg_card *k, uint8_t *out /* (out_len) */);

void lg_card_free(struct lg_card *k);

/*
 * Compare the outputs y[n][r] (fp32 bits at n * out_stride + 4 r of out)
 * with want (n_tokens, m); bytes between output rows must still be
 * LG_SENTINEL when sentinel_gaps. Prints the first difference with both
 * values and `what`; returns the number of mismatches.
 */
uint64_t lg_card_compare(const struct fllm_lutgemm_params *p, const uint8_t *out,
			 const float *want, int sentinel_gaps, const char *what);

/* The device of the running suite, opened by lg_suite_open. */
extern fllm_device *lg_dev;

/* Suite init / cleanup: open LG_CARD_SPEC; close it and check nothing leaked. */
int lg_suite_open(void);
int lg_suite_close(void);

#endif /* FLLM_LG_CARD_H */
