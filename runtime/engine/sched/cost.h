/*
 * Per-device cost model of the layer scheduler (docs/scheduler.md "Cost
 * model"): how fast the host and the card run each kind of work, and what
 * moving data between them costs. Measured by `fllm calibrate`
 * (calibrate.h) and kept as a people-readable text file, or the built-in
 * reference card derived from the card model's parameters.
 */
#ifndef FLLM_SCHED_COST_H
#define FLLM_SCHED_COST_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

/* Every figure is > 0 and finite (card_command_s and dma_latency_s may be 0). */
struct sched_cost {
	char device[FLLM_NAME_MAX];	/* device the card figures belong to */
	uint32_t bits, group;		/* q and g of the LUT-GEMM measurements */
	/* host */
	double host_lutgemm;		/* BCQ record bytes per s, one token per call */
	double host_lutgemm_batch;	/* record bytes x tokens per s, 8 tokens per call */
	double host_vector;		/* fp32 elements per s of the vector ops */
	double host_attention;		/* attended (position x q-dim) elements per s */
	double host_command;		/* s of fixed cost per command run on the host
					 * (cpu-q runs the card's command program) */
	/* card */
	double card_lutgemm;		/* record bytes per s from card memory, one token */
	double card_lutgemm_batch;	/* record bytes x tokens per s, 8 tokens */
	double card_vector;		/* elements per s of the vector unit */
	double card_attention;		/* attended (position x q-dim) elements per s */
	double card_command;		/* s of fixed cost per command */
	double dma_bandwidth;		/* host -> card bytes per s */
	double dma_latency;		/* s per transfer */
	uint64_t card_memory;		/* card-memory bytes */
};

/*
 * The reference card (the emulated card's defaults: 300 MHz kernel clock,
 * 32 HBM channels x 14375 MB/s, 8 GiB; the LUT-GEMM, vector and attention
 * units' cycle models of hls/; PCIe Gen3 x16 at 12 GB/s with 2 us per
 * transfer) and this project's reference host figures, for q = bits and
 * g = group (0: 4 and 32). FLLM_E_INVALID_ARG for a q or g the LUT-GEMM
 * unit does not take.
 */
fllm_status sched_cost_reference(uint32_t bits, uint32_t group, struct sched_cost *out);

/*
 * Write c to path as "key = value unit" lines under a comment header naming
 * the machine, the date and the device. FLLM_E_IO (with the reason in err)
 * when it cannot be written.
 */
fllm_status sched_cost_write(const struct sched_cost *c, const char *path, char *err,
			     size_t err_size);

/*
 * Read a cost file. Every key must appear once with its unit; unknown,
 * repeated or missing keys, values that are not numbers, not finite,
 * negative or out of range give FLLM_E_FORMAT with "line N: key: what" in
 * err; FLLM_E_IO when the file cannot be read.
 */
fllm_status sched_cost_read(const char *path, struct sched_cost *out, char *err, size_t err_size);
/* As sched_cost_read, from text in memory (len bytes); name is used in messages. */
fllm_status sched_cost_parse(const char *text, size_t len, struct sched_cost *out, char *err,
			     size_t err_size);

/*
 * The default place of device's cost file: $XDG_CACHE_HOME/fllm/cost-DEV.txt,
 * else $HOME/.cache/fllm/cost-DEV.txt (DEV = the name with '/' as '_').
 * FLLM_E_INVALID_ARG when neither variable is set or the path is too long.
 */
fllm_status sched_cost_default_path(const char *device, char *buf, size_t len);

#endif /* FLLM_SCHED_COST_H */
