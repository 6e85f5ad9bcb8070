/*
 * libfllm: models, tokenizers, inference contexts and samplers.
 *
 * Opaque handles and functions only, same conventions as fllm.h: every
 * function returns fllm_status unless it is a plain getter; _free(NULL) is a
 * no-op; a NULL handle where one is required trips an assertion.
 *
 * Functions that read something from outside (files, text) take an error
 * buffer (err, err_size): on failure it receives one line of English naming
 * the problem, e.g. "tensor 'blk.3.ffn_up.weight': data [1180000, 1190000)
 * past end of file (1185376 bytes)". err may be NULL when err_size is 0. The
 * library never prints.
 *
 * Compiles as C11 and as C++.
 */
#ifndef FLLM_FLLM_MODEL_H
#define FLLM_FLLM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "fllm/fllm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fllm_model fllm_model;
typedef struct fllm_tokenizer fllm_tokenizer;
typedef struct fllm_context fllm_context;
typedef struct fllm_sampler fllm_sampler;

/* A size that holds every error line the library writes. */
#define FLLM_ERROR_MAX 256

/* ------------------------------------------------------------------ */
/* Models                                                             */
/* ------------------------------------------------------------------ */

typedef enum fllm_model_format {
	FLLM_MODEL_GGUF = 1,		/* GGUF v2 or v3, architecture "llama" */
	FLLM_MODEL_LLAMA2C = 2,		/* llama2.c legacy checkpoint (.bin) */
	FLLM_MODEL_SYNTHETIC = 3,	/* built-in random model, meaningless text */
	FLLM_MODEL_PACKAGE = 4,		/* fllm model package (fllm_package.h) */
} fllm_model_format;

/* Tensor element types, numbered as GGUF numbers them. */
typedef enum fllm_tensor_type {
	FLLM_TENSOR_F32 = 0,
	FLLM_TENSOR_F16 = 1,
	FLLM_TENSOR_Q4_0 = 2,
	FLLM_TENSOR_Q8_0 = 8,
	FLLM_TENSOR_BF16 = 30,
	/* not a GGUF type: BCQ row records in card layout (packages only,
	 * docs/package-format.md) */
	FLLM_TENSOR_BCQ = 0x100,
} fllm_tensor_type;

/* Hyperparameters of a loaded Llama-family model. */
typedef struct fllm_model_info {
	fllm_model_format format;
	uint32_t dim;			/* embedding length */
	uint32_t hidden_dim;		/* feed-forward length */
	uint32_t n_layers;
	uint32_t n_heads;
	uint32_t n_kv_heads;		/* == n_heads: MHA; 1: MQA; else GQA */
	uint32_t head_dim;		/* dim / n_heads */
	uint32_t vocab_size;
	uint32_t context_length;	/* trained context, positions */
	uint32_t tied_output;		/* 1: the classifier is token_embd */
	float rms_eps;
	float rope_theta;
	uint64_t n_params;		/* weights in the model's matrices and vectors */
	uint64_t file_bytes;		/* 0 for the synthetic model */
	char name[FLLM_NAME_MAX];	/* general.name or the format's name */
} fllm_model_info;

/*
 * Open a model file: GGUF (recognised by its magic) or a llama2.c legacy
 * checkpoint (anything else; its 7-int32 header must imply exactly the file's
 * size). The file is memory-mapped and stays mapped until fllm_model_free;
 * every offset and size in it is checked before use. FLLM_E_FORMAT for a
 * malformed or unsupported file, FLLM_E_IO when it cannot be read.
 */
fllm_status fllm_model_open(const char *path, fllm_model **out, char *err, size_t err_size);

/*
 * The built-in synthetic model: random weights from seed (same seed, same
 * model), small dimensions, 259-entry byte vocabulary (<unk>, <s>, </s>,
 * then one token per byte). Its generated text is meaningless; it exists to
 * exercise the engine without a model file.
 */
fllm_status fllm_model_open_synthetic(uint64_t seed, fllm_model **out);
void fllm_model_free(fllm_model *model);

fllm_status fllm_model_info_get(const fllm_model *model, fllm_model_info *out);

/* One tensor of the model as stored in its file (raw blocks for Q4_0/Q8_0). */
typedef struct fllm_tensor_desc {
	char name[FLLM_NAME_MAX];
	fllm_tensor_type type;
	uint32_t n_dims;
	uint64_t dims[4];		/* GGUF order: dims[0] is the contiguous one */
	const void *data;		/* the stored bytes, valid until model free */
	uint64_t bytes;
} fllm_tensor_desc;

/* Number of stored tensors (GGUF: as listed; llama2.c: one per matrix kind
 * and layer, named with GGUF's names). */
uint32_t fllm_model_tensor_count(const fllm_model *model);
/* Tensor by index (FLLM_E_INVALID_ARG past the end) or by name
 * (FLLM_E_INVALID_ARG when absent). */
fllm_status fllm_model_tensor_get(const fllm_model *model, uint32_t index, fllm_tensor_desc *out);
fllm_status fllm_model_tensor_find(const fllm_model *model, const char *name,
				   fllm_tensor_desc *out);

/*
 * A string of the model file's metadata (a GGUF key such as
 * "tokenizer.chat_template"): *s points into the model, len bytes, not
 * NUL-terminated, valid while the model lives. FLLM_E_INVALID_ARG when the
 * key is absent or the format has no such metadata (llama2.c, packages, the
 * synthetic model); FLLM_E_FORMAT when the value is not a string.
 */
fllm_status fllm_model_meta_string(const fllm_model *model, const char *key, const char **s,
				   size_t *len);

/* ------------------------------------------------------------------ */
/* Tokenizer (Llama SentencePiece-style BPE with byte fallback)       */
/* ------------------------------------------------------------------ */

/*
 * Load a llama2.c tokenizer.bin. vocab_size, when not 0, is the model's
 * vocabulary size, which the file must match exactly.
 */
fllm_status fllm_tokenizer_open(const char *path, uint32_t vocab_size, fllm_tokenizer **out,
				char *err, size_t err_size);
/* The tokenizer a model carries (GGUF metadata, or the synthetic model's
 * bytes); FLLM_E_FORMAT when it has none or an unsupported one. */
fllm_status fllm_tokenizer_from_model(const fllm_model *model, fllm_tokenizer **out, char *err,
				      size_t err_size);
void fllm_tokenizer_free(fllm_tokenizer *tok);

uint32_t fllm_tokenizer_vocab_size(const fllm_tokenizer *tok);
int32_t fllm_tokenizer_bos(const fllm_tokenizer *tok);
int32_t fllm_tokenizer_eos(const fllm_tokenizer *tok);

#define FLLM_ENCODE_BOS 1u		/* start with the BOS token */

/*
 * Encode len bytes of text as llama2.c does: optional BOS, a dummy-prefix
 * space when the text is not empty, one piece per UTF-8 character (or
 * <0xNN> byte pieces), then merges of the best-scoring adjacent pair.
 * *n_ids receives the count; at most len + 2 ids are needed. When cap is too
 * small, FLLM_E_INVALID_ARG and *n_ids says how many are needed.
 */
fllm_status fllm_tokenizer_encode(const fllm_tokenizer *tok, const char *text, size_t len,
				  uint32_t flags, int32_t *ids, size_t cap, size_t *n_ids);

/*
 * The bytes token id stands for, given the token before it (prev, or -1):
 * after BOS a leading space is dropped, <0xNN> gives the raw byte, control
 * and unused tokens give nothing (an unknown token gives its piece).
 * *piece points into the tokenizer (not NUL-terminated), valid until it is
 * freed. FLLM_E_INVALID_ARG for an id out of range.
 */
fllm_status fllm_tokenizer_decode(const fllm_tokenizer *tok, int32_t prev, int32_t id,
				  const char **piece, size_t *len);

/* ------------------------------------------------------------------ */
/* Inference context: sequences, their KV caches, activations         */
/* ------------------------------------------------------------------ */

/* Where a placement unit (a layer, or the head: output norm and classifier) runs. */
typedef enum fllm_place {
	FLLM_PLACE_AUTO = 0,		/* on the card: resident if card_mem allows, else streamed */
	FLLM_PLACE_RESIDENT = 1,	/* on the card, weights resident in card memory */
	FLLM_PLACE_STREAMED = 2,	/* on the card, weights streamed from host memory each step */
	FLLM_PLACE_HOST = 3,		/* on the host's integer kernels (cpu-q's arithmetic) */
} fllm_place;

typedef struct fllm_context_params {
	uint32_t n_threads;		/* matmul threads; 0 = 1 */
	uint32_t n_ctx;			/* positions; 0 = the model's context length */
	/*
	 * "cpu" or NULL: the fp32 forward pass. "cpu-q": the quantized decoder's
	 * exact arithmetic on the host (bit-identical logits to a card). A card
	 * name as fllm_device_open takes it ("emu", "emu:0,mem=1G"): the
	 * quantized decoder on that card (docs/decoder.md); FLLM_E_NO_DEVICE when
	 * it cannot be opened.
	 */
	const char *device;
	uint32_t bits;			/* card: bit-planes 1..8; 0 = 4, or the package's */
	uint32_t group;			/* card: 16..256; 0 = 32, or the package's */
	uint32_t n_seqs;		/* sequences held at once (fllm_context_seq_add); 0 = 1 */
	/*
	 * card, cpu-q: tokens one step carries (the decode batch, the prefill
	 * chunk), 1..32 (the LUT-GEMM unit's N); 0 = min(max(n_seqs, 16), 32).
	 */
	uint32_t batch;
	/*
	 * card: bytes of card memory for the paged KV cache; 0 = room for every
	 * sequence's n_ctx positions. Smaller budgets swap idle sequences to host
	 * memory (docs/decoder.md "KV cache"); it must hold one full sequence.
	 */
	uint64_t kv_mem;
	/*
	 * card: bytes of card memory the context may hold in all (weights, KV
	 * cache, activations); 0 = the card's memory. Weights that do not fit
	 * stay in host memory and are streamed to the card every step, two
	 * layers' worth of staging double-buffered so the next layer's DMA
	 * overlaps this one's compute (docs/scheduler.md). Without a placement
	 * the layer scheduler chooses one for the budget from the device's cost
	 * model (layers may go to the host where that is faster).
	 * FLLM_E_NO_CARD_MEMORY, before anything is uploaded, when no placement
	 * fits.
	 */
	uint64_t card_mem;
	/*
	 * card: where each unit runs, n_layers + 1 fllm_place values (the
	 * layers in order, then the head); NULL: every unit FLLM_PLACE_AUTO.
	 * Units on the host run the card's exact arithmetic (bit-identical
	 * logits whatever the placement), their KV cache in host memory; the
	 * residual stream crosses over at each change of side. FLLM_E_NO_CARD_MEMORY
	 * when the resident units and staging do not fit card_mem.
	 */
	const uint8_t *placement;
} fllm_context_params;

/*
 * The placement "the first n layers on the card" (llama.cpp's -ngl, with
 * exact arithmetic), the one definition `fllm run --card-layers` and the
 * layer scheduler share: layers below n FLLM_PLACE_AUTO, the others
 * FLLM_PLACE_HOST, the head on the card only when every layer is (n ==
 * n_layers). place: n_layers + 1 values. FLLM_E_INVALID_ARG when n >
 * n_layers or place is NULL.
 */
fllm_status fllm_placement_first_layers(uint32_t n_layers, uint32_t n, uint8_t *place);

/*
 * The model must outlive the context. params may be NULL for defaults.
 * A card context quantizes a GGUF or llama2.c model's linear layers first
 * (fllm_package.h's quantizer; a package is used as stored, and bits/group
 * other than the package's give FLLM_E_INVALID_ARG), then uploads every
 * weight to the card once.
 */
fllm_status fllm_context_create(const fllm_model *model, const fllm_context_params *params,
				fllm_context **out);
void fllm_context_free(fllm_context *ctx);

/*
 * Run tokens[0..n) through the model at the next positions (token by token,
 * each attending to every earlier position). Afterwards fllm_context_logits
 * gives the last token's logits. FLLM_E_INVALID_ARG for an id outside the
 * vocabulary (nothing is run), FLLM_E_STATE when the positions would pass
 * n_ctx.
 */
fllm_status fllm_context_eval(fllm_context *ctx, const int32_t *tokens, size_t n);
/* (vocab_size) fp32 logits of the last evaluated token; NULL before any. */
const float *fllm_context_logits(const fllm_context *ctx);
/* Positions used so far, and the capacity. */
uint32_t fllm_context_pos(const fllm_context *ctx);
uint32_t fllm_context_size(const fllm_context *ctx);
/* Forget the sequence: the next eval starts at position 0. */
void fllm_context_reset(fllm_context *ctx);

/*
 * Several sequences in one context (fllm_context_params.n_seqs, at most
 * FLLM_SEQS_MAX): sequence 0 always exists and is the one the calls above
 * act on; seq_add takes a free slot (FLLM_E_STATE when none is free) at
 * position 0, seq_remove frees one (its KV cache too; not sequence 0:
 * reset it instead). seq_eval is fllm_context_eval for one sequence: a card
 * runs the prompt as prefill chunks of fllm_context_params.batch tokens.
 * step advances n distinct sequences by one token each, tokens[i] going to
 * seqs[i]: a card runs them as one batch (one command list, every weight
 * read once for all of them, up to `batch` sequences per list), and each
 * sequence's logits are exactly what it would get alone. Bad ids or
 * sequences give FLLM_E_INVALID_ARG, a full sequence FLLM_E_STATE, with
 * nothing run. On any other error the sequences that step was advancing
 * have no logits until they are evaluated again.
 */
#define FLLM_SEQS_MAX 256u
fllm_status fllm_context_seq_add(fllm_context *ctx, uint32_t *seq);
fllm_status fllm_context_seq_remove(fllm_context *ctx, uint32_t seq);
fllm_status fllm_context_seq_eval(fllm_context *ctx, uint32_t seq, const int32_t *tokens,
				  size_t n);
fllm_status fllm_context_step(fllm_context *ctx, size_t n, const uint32_t *seqs,
			      const int32_t *tokens);
/* (vocab_size) logits of seq's last token; NULL before any or for a bad seq. */
const float *fllm_context_seq_logits(const fllm_context *ctx, uint32_t seq);
/* Positions seq used so far (0 for a bad seq). */
uint32_t fllm_context_seq_pos(const fllm_context *ctx, uint32_t seq);

/* What a context did so far (all zero where it does not apply). */
typedef struct fllm_context_stats {
	uint32_t on_card;		/* 1: the quantized decoder on a card */
	uint32_t bits, group;		/* card weights: largest q, and g */
	double quantize_s;		/* quantizing at creation (not for packages) */
	double upload_s;		/* weights and tables to the card */
	uint64_t card_bytes;		/* card memory the context holds */
	uint64_t tokens;		/* positions evaluated */
	uint64_t card_lists;		/* command lists submitted */
	uint64_t card_commands;		/* commands in them */
	uint32_t kv_blocks;		/* paged KV cache: blocks in the pool */
	uint32_t kv_blocks_used;	/* of which holding positions (not swapped out) */
	uint64_t kv_block_bytes;	/* one block, every layer */
	uint64_t kv_swaps_out;		/* sequences swapped to host memory */
	uint64_t kv_swaps_in;		/* and back, checked identical */
	uint64_t kv_swap_bytes;		/* bytes moved by swapping, both ways */
	uint64_t card_weight_bytes;	/* weight bytes the card's LUT-GEMMs read */
	uint64_t card_mem_bytes;	/* card-memory bytes moved (units and DMA) */
	uint32_t card_units;		/* placement units: layers and the head */
	uint32_t card_streamed;		/* of which streamed every step (card_mem) */
	uint32_t card_host;		/* of which run on the host (placement) */
	double plan_t_token;		/* card_mem without a placement: the layer
					 * scheduler's predicted s per decoded token */
	uint64_t card_stream_bytes;	/* weight bytes streamed to the card so far */
	uint64_t card_resident_bytes;	/* weight bytes resident on the card */
	uint64_t card_mem_peak;		/* the most card memory the card's allocator
					 * held for the context (fllm_device_mem_usage;
					 * 0 where the card does not count) */
	uint64_t card_dma_bytes;	/* bytes over PCIe to and from the card since creation */
	/*
	 * Kernel-clock cycles the card's units were busy, by unit type: from
	 * the card's busy counters (interface 1.1; like the byte counters, they
	 * include other users of the card), else from the commands'
	 * completion records (which add the firmware's delay in noticing).
	 */
	uint64_t card_lutgemm_cycles;
	uint64_t card_attention_cycles;
	uint64_t card_vector_cycles;
	uint64_t card_energy_mj;	/* the card's energy counter since creation */
	uint64_t card_lut_ops;		/* the units' arithmetic since creation (fllm_telemetry) */
	uint64_t card_macs;
	uint64_t card_vec_ops;
	uint32_t card_clock_khz;	/* kernel clock */
	uint32_t card_sensors;		/* 1: real power sensors; 0: the card model's */
} fllm_context_stats;

fllm_status fllm_context_stats_get(const fllm_context *ctx, fllm_context_stats *out);

/* ------------------------------------------------------------------ */
/* Sampler                                                            */
/* ------------------------------------------------------------------ */

typedef struct fllm_sampler_params {
	float temperature;		/* 0: greedy (argmax, ties to the lowest id) */
	uint32_t top_k;			/* 0: off */
	float top_p;			/* 1 or 0: off; else nucleus in (0, 1) */
	uint64_t seed;			/* same seed and logits, same choices */
} fllm_sampler_params;

/* FLLM_E_INVALID_ARG for a negative or non-finite temperature or a top_p
 * outside [0, 1]. */
fllm_status fllm_sampler_create(const fllm_sampler_params *params, fllm_sampler **out);
void fllm_sampler_free(fllm_sampler *s);
/* Choose a token from (n) logits; FLLM_E_INVALID_ARG if n is 0. */
fllm_status fllm_sampler_sample(fllm_sampler *s, const float *logits, size_t n, int32_t *id);

#ifdef __cplusplus
}
#endif

#endif /* FLLM_FLLM_MODEL_H */
