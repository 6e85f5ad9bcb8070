/*
 * fllm eval: how much the quantized card decoder loses against fp32 on a
 * text, teacher-forced: the text's tokens go through both paths one
 * position at a time and each position's next-token distributions are
 * compared (eval_metrics.h). Results on stdout (text or --json), progress
 * and timing on stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "eval_command.h"
#include "eval_metrics.h"
#include "fllm/fllm_package.h"
#include "json.h"
#include "run_model.h"
#include "run_options.h"

#define EVAL_TEXT_MAX (16u << 20)	/* bytes of text read at most */

struct eval_opts {
	const char *model, *tokenizer, *text, *device;
	uint64_t bits, group, threads, max_tokens;
	int json;
};

/* The whole text file (NUL-terminated, *len bytes); NULL with a message. */
static char *eval_read_text(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f) {
		fprintf(stderr, "fllm eval: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf = malloc(EVAL_TEXT_MAX + 1);
	*len = buf ? fread(buf, 1, EVAL_TEXT_MAX + 1, f) : 0;
	if (buf && (ferror(f) || *len > EVAL_TEXT_MAX)) {
		fprintf(stderr, "fllm eval: %s: %s\n", path,
			ferror(f) ? "read error" : "longer than 16 MiB");
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf)
		buf[*len] = 0;
	return buf;
}

/* Token ids of the text with BOS, at most cap of them; NULL with a message. */
static int32_t *eval_tokens(const fllm_tokenizer *tok, const char *text, size_t len,
			    size_t cap, size_t *n)
{
	int32_t *ids = malloc((len + 2) * sizeof(*ids));

	if (!ids || fllm_tokenizer_encode(tok, text, len, FLLM_ENCODE_BOS, ids, len + 2, n)) {
		fprintf(stderr, "fllm eval: cannot tokenize the text\n");
		free(ids);
		return NULL;
	}
	if (*n > cap)
		*n = cap;
	if (*n < 2) {
		fprintf(stderr, "fllm eval: the text gives fewer than 2 tokens\n");
		free(ids);
		return NULL;
	}
	return ids;
}

/* Feed ids[0..n-1) to both contexts and score every next token. */
static fllm_status eval_run(fllm_context *ref, fllm_context *quant, const int32_t *ids,
			    size_t n, uint32_t vocab, struct eval_metrics *em)
{
	fllm_status st;

	for (size_t t = 0; t + 1 < n; t++) {
		if ((st = fllm_context_eval(ref, &ids[t], 1)) ||
		    (st = fllm_context_eval(quant, &ids[t], 1)))
			return st;
		eval_metrics_add(em, fllm_context_logits(ref), fllm_context_logits(quant),
				 ids[t + 1]);
		if ((t + 1) % 64 == 0 || t + 2 == n)
			fprintf(stderr, "\rfllm eval: %zu/%zu positions", t + 1, n - 1);
	}
	fputc('\n', stderr);
	(void)vocab;
	return FLLM_OK;
}

/* Results as text or JSON. */
static void eval_print(const struct eval_opts *o, const struct eval_metrics *em,
		       const fllm_context_stats *cs)
{
	struct cli_json j;
	double p32 = eval_metrics_ppl(em, 0), pq = eval_metrics_ppl(em, 1);

	if (!o->json) {
		printf("tokens %llu, device %s, q %u, g %u\n", (unsigned long long)em->positions,
		       o->device, cs->bits, cs->group);
		printf("perplexity fp32 %.4f, quantized %.4f (%+.2f%%)\n", p32, pq,
		       p32 > 0 ? (pq / p32 - 1.0) * 100.0 : 0.0);
		printf("top-1 agreement %.2f%%, mean KL divergence %.5f nats\n",
		       eval_metrics_top1(em) * 100.0, eval_metrics_kl(em));
		return;
	}
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j, NULL);
	cli_json_str(&j, "model", o->model ? o->model : "synthetic");
	cli_json_str(&j, "device", o->device);
	cli_json_u64(&j, "bits", cs->bits);
	cli_json_u64(&j, "group", cs->group);
	cli_json_u64(&j, "tokens", em->positions);
	cli_json_double(&j, "ppl_fp32", p32);
	cli_json_double(&j, "ppl_quant", pq);
	cli_json_double(&j, "ppl_ratio", p32 > 0 ? pq / p32 : 0.0);
	cli_json_double(&j, "top1_agreement", eval_metrics_top1(em));
	cli_json_double(&j, "kl_mean", eval_metrics_kl(em));
	cli_json_object_end(&j);
	cli_json_end(&j);
}

/* Both contexts, the run and the report, for an opened model. */
static int eval_model(const struct eval_opts *o, const fllm_model *model,
		      const fllm_tokenizer *tok, const int32_t *ids, size_t n)
{
	fllm_context_params rp = { .n_threads = (uint32_t)o->threads, .device = "cpu" };
	fllm_context_params qp = { .n_threads = (uint32_t)o->threads, .device = o->device,
				   .bits = (uint32_t)o->bits, .group = (uint32_t)o->group };
	fllm_context *ref = NULL, *quant = NULL;
	struct eval_metrics em;
	fllm_context_stats cs;
	struct timespec t0, t1;
	fllm_status st;
	int rc = CLI_EXIT_FAIL;

	if (eval_metrics_init(&em, fllm_tokenizer_vocab_size(tok)))
		return CLI_EXIT_FAIL;
	st = fllm_context_create(model, &rp, &ref);
	if (!st)
		st = fllm_context_create(model, &qp, &quant);
	if (st) {
		fprintf(stderr, "fllm eval: --device %s: %s\n", o->device, fllm_status_str(st));
		rc = st == FLLM_E_NO_DEVICE ? CLI_EXIT_NO_DEVICE : CLI_EXIT_FAIL;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	st = eval_run(ref, quant, ids, n, fllm_tokenizer_vocab_size(tok), &em);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (st) {
		fprintf(stderr, "fllm eval: %s\n", fllm_status_str(st));
		goto out;
	}
	fllm_context_stats_get(quant, &cs);
	eval_print(o, &em, &cs);
	fprintf(stderr, "fllm eval: %llu positions in %.2f s (quantizing %.2f s)\n",
		(unsigned long long)em.positions, (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) * 1e-9, cs.quantize_s);
	rc = CLI_EXIT_OK;
out:
	fllm_context_free(quant);
	fllm_context_free(ref);
	eval_metrics_release(&em);
	return rc;
}

/* Options, text, model, then both paths over the text. */
int cli_cmd_eval(int argc, char **argv)
{
	struct eval_opts o = { .device = "emu", .threads = 1 };
	const struct cli_opt opts[] = {
		{ "-m", CLI_OPT_STRING, &o.model, "PATH", "model: GGUF, llama2.c .bin or fllm "
		  "package (default: built-in synthetic model)", 0, 0 },
		{ "--model", CLI_OPT_STRING, &o.model, "PATH", "same as -m", 0, 0 },
		{ "-z", CLI_OPT_STRING, &o.tokenizer, "PATH", "llama2.c tokenizer.bin", 0, 0 },
		{ "-f", CLI_OPT_STRING, &o.text, "PATH", "text file to score (required)", 0, 0 },
		{ "--file", CLI_OPT_STRING, &o.text, "PATH", "same as -f", 0, 0 },
		RUN_OPTS_CARD_QUANT(&o.bits, &o.group, ", or the package's"),
		{ "--device", CLI_OPT_STRING, &o.device, "D", "card for the quantized path "
		  "(default emu)", 0, 0 },
		{ "--threads", CLI_OPT_U64, &o.threads, "N", "threads (default 1)", 1, 256 },
		{ "--max-tokens", CLI_OPT_U64, &o.max_tokens, "N", "score at most N tokens of the "
		  "text (default: the context length)", 2, UINT32_MAX },
		{ "--json", CLI_OPT_FLAG, &o.json, NULL, "print the results as JSON", 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	fllm_model *model = NULL;
	fllm_tokenizer *tok = NULL;
	fllm_model_info info;
	int32_t *ids = NULL;
	char *text = NULL;
	size_t len, n = 0;
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos,
			      "-m MODEL -f TEXT [--bits Q] [--group G] [--device D] [--json]",
			      "Teacher-forced comparison of the quantized card decoder with fp32 "
			      "on a text:\nperplexity of both, top-1 agreement, mean KL "
			      "divergence.");
	if (rc >= 0)
		return rc;
	if (!o.text) {
		fprintf(stderr, "fllm eval: -f TEXT is required\n");
		return CLI_EXIT_USAGE;
	}
	rc = run_check_group("eval", o.group);
	if (rc >= 0)
		return rc;
	if (run_device_classify(o.device) != RUN_DEVICE_CARD) {
		fprintf(stderr, "fllm eval: --device: '%s' is not a card (emu, emu:N, ...); the "
			"fp32 reference always runs on the CPU\n", o.device);
		return CLI_EXIT_USAGE;
	}
	text = eval_read_text(o.text, &len);
	if (!text)
		return CLI_EXIT_FAIL;
	rc = run_model_open("eval", o.model, o.tokenizer, &model, &tok);
	if (rc >= 0)
		goto out;
	fllm_model_info_get(model, &info);
	if (info.format == FLLM_MODEL_PACKAGE)
		fprintf(stderr, "fllm eval: note: a package holds no fp32 weights; the reference "
			"runs its dequantized card weights in fp32 (so only the card's "
			"activation arithmetic is measured)\n");
	ids = eval_tokens(tok, text, len, o.max_tokens && o.max_tokens < info.context_length ?
				   o.max_tokens : info.context_length, &n);
	rc = ids ? eval_model(&o, model, tok, ids, n) : CLI_EXIT_FAIL;
out:
	free(ids);
	fllm_tokenizer_free(tok);
	fllm_model_free(model);
	free(text);
	return rc;
}
