/*
 * The test compute unit (FLLM_CU_TEST, FLLM_OP_TEST) as Vitis-HLS C.
 *
 * fllm_hls_test_unit() is the HLS top function; on the host it is the golden
 * model the card model runs. fllm_hls_test_cycles() is its cycle model: how
 * many kernel-clock cycles the synthesized unit takes for one command.
 */
#ifndef FLLM_HLS_TEST_H
#define FLLM_HLS_TEST_H

#include <stdint.h>
#include "fllm_card.h"

/* Fixed cost of one command: AXI-Lite start/done handshake and burst setup. */
#define FLLM_HLS_TEST_OVERHEAD_CYCLES	64u
/* Bytes the unit moves per cycle: one 512-bit AXI beat. */
#define FLLM_HLS_TEST_BYTES_PER_CYCLE	64u
/* fllm_hls_test_cycles() result for a unit that never finishes (SPIN ~0). */
#define FLLM_HLS_CYCLES_NEVER		UINT64_MAX

/*
 * Run one FLLM_OP_TEST command. args has passed fw_validate(): FILL and CHECK
 * ranges lie inside card memory. *result: CHECK = mismatching words, else 0.
 * SPIN does no memory work; its duration is only in the cycle model.
 */
void fllm_hls_test_unit(uint64_t *mem /* (mem_size / 8) card memory as 64-bit words */,
			const struct fllm_cmd_test *args, uint64_t *result);

/* Cycles the unit takes for args, or FLLM_HLS_CYCLES_NEVER (SPIN with seed ~0). */
uint64_t fllm_hls_test_cycles(const struct fllm_cmd_test *args);

#endif /* FLLM_HLS_TEST_H */
