/*
 * fllm run's options beyond what the shared parser checks: decimal numbers
 * with a fraction (temperature, top-p), the --device name, and the card
 * quantization settings accepted now for the card decoder later.
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

#endif /* FLLM_CLI_RUN_OPTIONS_H */
