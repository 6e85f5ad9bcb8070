/*
 * fllm serve: an OpenAI-compatible HTTP server over one inference context
 * with continuous batching (docs/serve.md). The main thread opens the model
 * and the context, starts the engine and HTTP threads, then waits for
 * SIGINT/SIGTERM: the first stops new connections and lets the requests in
 * flight finish, a second cancels them; either way the exit status is 0.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "parse.h"
#include "run_model.h"
#include "run_options.h"
#include "serve.h"
#include "serve_command.h"

/* The context for the options; prints the problem and returns an exit status. */
static int serve_context(const struct serve_config *cfg, uint64_t n_ctx,
			 struct serve_server *s)
{
	fllm_context_params cp = { .n_threads = (uint32_t)cfg->threads, .device = cfg->device,
				   .n_seqs = (uint32_t)cfg->max_batch, .kv_mem = cfg->kv_mem,
				   .n_ctx = (uint32_t)n_ctx };
	fllm_status st = fllm_context_create(s->model, &cp, &s->ctx);
	fllm_model_info info;

	if (st)
		return run_context_failed("serve", cfg->device, cfg->kv_mem, st);
	fllm_model_info_get(s->model, &info);
	s->n_ctx = fllm_context_size(s->ctx);
	s->vocab = fllm_tokenizer_vocab_size(s->tok);
	fprintf(stderr, "fllm serve: model %s (%u layers, dim %u), context %u positions, "
		"%llu sequences, device %s\n", info.name, info.n_layers, info.dim, s->n_ctx,
		(unsigned long long)cfg->max_batch, cfg->device);
	return -1;
}

/* Serve until a signal; the first drains, a second cancels. */
static int serve_until_signal(struct serve_server *s, const sigset_t *sigs)
{
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	struct serve_http *h;
	int sig, idle = 0;

	if (serve_engine_start(s)) {
		fprintf(stderr, "fllm serve: cannot start the engine thread\n");
		return CLI_EXIT_FAIL;
	}
	if (serve_http_start(s, &h)) {
		serve_engine_stop(s, 1);
		return CLI_EXIT_FAIL;
	}
	sig = 0;
	while (sig != SIGINT && sig != SIGTERM)
		sig = sigwaitinfo(sigs, NULL);
	fprintf(stderr, "fllm serve: %s: no new requests; finishing those in flight "
		"(again: cancel them)\n", strsignal(sig));
	serve_http_quiesce(h);
	pthread_mutex_lock(&s->mu);
	s->draining = 1;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->mu);
	while (!idle) {
		sig = sigtimedwait(sigs, NULL, &tick);
		pthread_mutex_lock(&s->mu);
		if (sig == SIGINT || sig == SIGTERM)
			s->cancel_all = 1;
		idle = !s->head && !s->m.running;
		pthread_mutex_unlock(&s->mu);
	}
	serve_engine_stop(s, 0);
	serve_http_stop(h);
	fprintf(stderr, "fllm serve: stopped\n");
	return CLI_EXIT_OK;
}

/* Options beyond the parser's checks; -1 when fine, else the exit status. */
static int serve_check(struct serve_config *cfg, const char *chat)
{
	if (cfg->tok_path && !cfg->model_path) {
		fprintf(stderr, "fllm serve: -z needs -m (the built-in model has its own "
			"tokenizer)\n");
		return CLI_EXIT_USAGE;
	}
	if (run_device_classify(cfg->device) == RUN_DEVICE_UNKNOWN) {
		fprintf(stderr, "fllm serve: --device: unknown device '%s' (cpu, cpu-q, emu[:N], "
			"kmd:N, rtlsim[:N], pci:N, pci:BDF, xrt:N)\n", cfg->device);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(chat, "llama2")) {
		cfg->chat = SERVE_CHAT_LLAMA2;
	} else if (!strcmp(chat, "chatml")) {
		cfg->chat = SERVE_CHAT_CHATML;
	} else if (!strcmp(chat, "auto")) {
		cfg->chat = SERVE_CHAT_AUTO;
	} else {
		fprintf(stderr, "fllm serve: --chat-template: '%s' is not auto, llama2 or "
			"chatml\n", chat);
		return CLI_EXIT_USAGE;
	}
	if (!cfg->model_name) {
		const char *slash = cfg->model_path ? strrchr(cfg->model_path, '/') : NULL;

		cfg->model_name = !cfg->model_path ? "synthetic" : slash ? slash + 1 :
								  cfg->model_path;
	}
	return -1;
}

int cli_cmd_serve(int argc, char **argv)
{
	struct serve_config cfg = { .device = "emu", .host = "127.0.0.1", .port = 8080,
				    .max_batch = 16, .queue = 64, .threads = 1, .max_conns = 256,
				    .timeout = 60 };
	struct serve_server s = { .cfg = &cfg };
	const char *chat = "auto";
	uint64_t n_ctx = 0;
	const struct cli_opt opts[] = {
		RUN_OPTS_MODEL(&cfg.model_path, &cfg.tok_path),
		{ "--device", CLI_OPT_STRING, &cfg.device, "D", "emu (default), another card, "
		  "cpu-q or cpu", 0, 0 },
		{ "--host", CLI_OPT_STRING, &cfg.host, "ADDR", "IPv4 or IPv6 address to listen on "
		  "(default 127.0.0.1)", 0, 0 },
		{ "--port", CLI_OPT_U64, &cfg.port, "P", "TCP port (default 8080; 0: any free "
		  "one, printed)", 0, 65535 },
		{ "--max-batch", CLI_OPT_U64, &cfg.max_batch, "B", "requests generating at once, "
		  "the context's sequences (default 16)", 1, FLLM_SEQS_MAX },
		{ "--kv-mem", CLI_OPT_SIZE, &cfg.kv_mem, "SIZE", "card: card memory for the KV "
		  "cache (K/M/G); idle sequences swap to host memory (default: all)", 1,
		  UINT64_MAX },
		{ "--ctx", CLI_OPT_U64, &n_ctx, "N", "context positions per sequence (default: "
		  "the model's)", 1, UINT32_MAX },
		{ "--api-key", CLI_OPT_STRING, &cfg.api_key, "KEY", "require 'Authorization: "
		  "Bearer KEY' (all but /health)", 0, 0 },
		{ "--queue", CLI_OPT_U64, &cfg.queue, "N", "requests waiting at most; more get "
		  "429 (default 64)", 0, 1u << 20 },
		{ "--chat-template", CLI_OPT_STRING, &chat, "T", "auto (default: the model's, "
		  "recognised), llama2 or chatml", 0, 0 },
		{ "--name", CLI_OPT_STRING, &cfg.model_name, "ID", "model id in responses "
		  "(default: the model file's name)", 0, 0 },
		{ "--threads", CLI_OPT_U64, &cfg.threads, "N", "matmul threads (default 1)", 1,
		  256 },
		{ "--max-conns", CLI_OPT_U64, &cfg.max_conns, "N", "open connections at most; "
		  "more are closed at once (default 256)", 1, 65536 },
		{ "--timeout", CLI_OPT_U64, &cfg.timeout, "S", "seconds a client may stay silent "
		  "before its connection is closed; 0: never (default 60)", 0, 86400 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	sigset_t sigs;
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, "[-m MODEL] [-z TOKENIZER] "
			      "[--port P] [options]", "Serve a model over an OpenAI-compatible "
			      "HTTP API with continuous batching (docs/serve.md).");
	if (rc >= 0)
		return rc;
	rc = serve_check(&cfg, chat);
	if (rc >= 0)
		return rc;
	/* every thread inherits the mask: only sigwaitinfo sees these */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	rc = run_model_open("serve", cfg.model_path, cfg.tok_path, &s.model, &s.tok);
	if (rc >= 0)
		return rc;
	if (cfg.chat == SERVE_CHAT_AUTO) {
		const char *why;

		cfg.chat = serve_chat_pick(s.model, &why);
		fprintf(stderr, "fllm serve: chat template %s (%s)\n",
			cfg.chat == SERVE_CHAT_CHATML ? "chatml" : "llama2", why);
	}
	rc = serve_context(&cfg, n_ctx, &s);
	if (rc < 0 && (pthread_mutex_init(&s.mu, NULL) || pthread_cond_init(&s.wake, NULL)))
		rc = CLI_EXIT_FAIL;
	if (rc < 0) {
		rc = serve_until_signal(&s, &sigs);
		pthread_cond_destroy(&s.wake);
		pthread_mutex_destroy(&s.mu);
	}
	fllm_context_free(s.ctx);
	fllm_tokenizer_free(s.tok);
	fllm_model_free(s.model);
	return rc;
}
