/* fllm run's number, device and quantization option checks. */
#include "run_options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int run_parse_float(const char *text, float min, float max, float *out)
{
	char *end;
	double v;

	if (!text || !*text || isspace((unsigned char)*text))
		return -1;
	errno = 0;
	v = strtod(text, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = (float)v;
	return 0;
}

/* All decimal digits, at least one. */
static int run_all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

/* pci:N or pci:[DDDD:]BB:DD.F with hex digits. */
static int run_pci_name(const char *s)
{
	if (run_all_digits(s))
		return 1;
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return 0;
	return strchr(s, ':') && strchr(s, '.');
}

/* emu[:N] and rtlsim[:N] take options after a comma ("emu:0,channels=8"); the
 * card checks the options themselves when it opens. */
static enum run_device_kind run_device_with_options(const char *name, const char *comma)
{
	char base[32];
	size_t len = (size_t)(comma - name);

	if (len >= sizeof(base))
		return RUN_DEVICE_UNKNOWN;
	memcpy(base, name, len);
	base[len] = 0;
	/* xrt:N,image=FILE: the image path may hold anything */
	if (!strncmp(base, "xrt:", 4) && run_all_digits(base + 4) && !strncmp(comma, ",image=", 7))
		return RUN_DEVICE_CARD;
	if (strncmp(base, "emu", 3) && strncmp(base, "rtlsim", 6))
		return RUN_DEVICE_UNKNOWN;
	return run_device_classify(base);
}

enum run_device_kind run_device_classify(const char *name)
{
	const char *comma = strchr(name, ',');

	if (comma)
		return run_device_with_options(name, comma);
	if (!strcmp(name, "cpu"))
		return RUN_DEVICE_CPU;
	if (!strcmp(name, "emu") || !strcmp(name, "rtlsim"))
		return RUN_DEVICE_CARD;
	/* the card's quantized decoder run on the host: --bits/--group apply */
	if (!strcmp(name, "cpu-q"))
		return RUN_DEVICE_CARD;
	if (!strncmp(name, "emu:", 4) && run_all_digits(name + 4))
		return RUN_DEVICE_CARD;
	if (!strncmp(name, "rtlsim:", 7) && run_all_digits(name + 7))
		return RUN_DEVICE_CARD;
	if (!strncmp(name, "xrt:", 4) && run_all_digits(name + 4))
		return RUN_DEVICE_CARD;
	if (!strncmp(name, "kmd:", 4) && run_all_digits(name + 4))
		return RUN_DEVICE_CARD;
	if (!strncmp(name, "pci:", 4) && run_pci_name(name + 4))
		return RUN_DEVICE_CARD;
	return RUN_DEVICE_UNKNOWN;
}

int run_group_valid(unsigned long long g)
{
	return g == 16 || g == 32 || g == 64 || g == 128 || g == 256;
}

int run_check_group(const char *cmd, unsigned long long g)
{
	if (!g || run_group_valid(g))
		return -1;
	fprintf(stderr, "fllm %s: --group: %llu is not one of 16, 32, 64, 128, 256\n", cmd, g);
	return CLI_EXIT_USAGE;
}
