/*
 * fllm run's options beyond what the shared parser checks: decimal numbers
 * with a fraction (temperature, top-p), the --device name, and the card
 * quantization settings (--bits, --group), which fllm eval and fllm quantize
 * declare and check the same way.
 */
#ifndef FLLM_CLI_RUN_OPTIONS_H
#define FLLM_CLI_RUN_OPTIONS_H

enum run_device_kind {
	RUN_DEVICE_CPU,
	RUN_DEVICE_CARD,	/* a card name: the quantized decoder runs there */
	RUN_DEVICE_UNKNOWN,
};

/* Parse a finite decimal float in [min, max]; 0 on success. */
int run_parse_float(const char *text, float min, float max, float *out);

/* Classify a --device value: cpu, a card name (emu, emu:N, rtlsim,
 * rtlsim:N, each optionally followed by ",options"; pci:N or pci:BDF,
 * xrt:N) or unknown. */
enum run_device_kind run_device_classify(const char *name);

/* The group sizes the card's LUT-GEMM supports (docs/numerics.md). */
int run_group_valid(unsigned long long g);

/* A --group value given to `fllm CMD` (0 = not given): -1 when valid, else the
 * problem is printed and CLI_EXIT_USAGE returned. */
int run_check_group(const char *cmd, unsigned long long g);

/*
 * The card-quantization flags of fllm run, eval and quantize, as two struct
 * cli_opt entries: --bits into *bits, --group into *group (uint64_t). `note`
 * ends each default's text, e.g. ", or the package's" or "".
 */
#define RUN_OPTS_CARD_QUANT(bits, group, note)                                         \
	{ "--bits", CLI_OPT_U64, (bits), "Q", "card weight bit-planes 1..8 (default 4"  \
	  note ")", 1, 8 },                                                             \
	{ "--group", CLI_OPT_U64, (group), "G", "card weight group size 16, 32, 64, "    \
	  "128, 256 (default 32" note ")", 16, 256 }

/*
 * The model flags of fllm run and serve, as four struct cli_opt entries:
 * -m/--model into *model, -z/--tokenizer into *tok (const char *).
 */
#define RUN_OPTS_MODEL(model, tok)                                                     \
	{ "-m", CLI_OPT_STRING, (model), "PATH", "model: GGUF, llama2.c .bin or fllm "  \
	  "package (default: built-in synthetic model)", 0, 0 },                        \
	{ "--model", CLI_OPT_STRING, (model), "PATH", "same as -m", 0, 0 },             \
	{ "-z", CLI_OPT_STRING, (tok), "PATH", "llama2.c tokenizer.bin (default: "      \
	  "the GGUF's own, or tokenizer.bin beside a .bin model)", 0, 0 },              \
	{ "--tokenizer", CLI_OPT_STRING, (tok), "PATH", "same as -z", 0, 0 }

#endif /* FLLM_CLI_RUN_OPTIONS_H */
