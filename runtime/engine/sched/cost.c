/*
 * The cost model's file format and the built-in reference card
 * (docs/scheduler.md "Cost model"). A file is "key = value unit" lines,
 * '#' starting a comment; every key of the table below exactly once.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cost.h"
#include "engine_error.h"
#include "fllm_attention.h"
#include "fllm_cardpack.h"
#include "fllm_lutgemm_unit.h"
#include "fllm_vector.h"

enum key_kind { KEY_STRING, KEY_U32, KEY_U64, KEY_RATE, KEY_SECONDS };

struct key {
	const char *name;
	enum key_kind kind;
	const char *unit;	/* what follows the value ("" none) */
	size_t offset;
	const char *comment;
};

#define KEY(name, kind, unit, comment) \
	{ #name, kind, unit, offsetof(struct sched_cost, name), comment }

static const struct key keys[] = {
	KEY(device, KEY_STRING, "", "device the card figures belong to"),
	KEY(bits, KEY_U32, "planes", "q of the LUT-GEMM measurements"),
	KEY(group, KEY_U32, "weights", "g of the LUT-GEMM measurements"),
	KEY(host_lutgemm, KEY_RATE, "B/s", "host LUT-GEMM, record bytes per s, 1 token"),
	KEY(host_lutgemm_batch, KEY_RATE, "B/s", "host LUT-GEMM, record bytes x tokens per s, 8 tokens"),
	KEY(host_vector, KEY_RATE, "elem/s", "host vector ops, fp32 elements per s"),
	KEY(host_attention, KEY_RATE, "elem/s", "host attention, (position x q-dim) per s"),
	KEY(host_command, KEY_SECONDS, "s", "fixed cost of one command run on the host"),
	KEY(card_lutgemm, KEY_RATE, "B/s", "card LUT-GEMM, record bytes per s, 1 token"),
	KEY(card_lutgemm_batch, KEY_RATE, "B/s", "card LUT-GEMM, record bytes x tokens per s, 8 tokens"),
	KEY(card_vector, KEY_RATE, "elem/s", "card vector unit, elements per s"),
	KEY(card_attention, KEY_RATE, "elem/s", "card attention unit, (position x q-dim) per s"),
	KEY(card_command, KEY_SECONDS, "s", "fixed cost of one card command"),
	KEY(dma_bandwidth, KEY_RATE, "B/s", "host -> card DMA bandwidth"),
	KEY(dma_latency, KEY_SECONDS, "s", "host -> card DMA latency per transfer"),
	KEY(card_memory, KEY_U64, "B", "card memory"),
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

/* The reference host: a Release build of `fllm calibrate --device emu:0` on
 * the project's build machine (2 shared cores of a Xeon with AVX-512 VBMI),
 * rounded; docs/scheduler.md "Measured". */
#define REF_HOST_LUTGEMM	4.3e9
#define REF_HOST_LUTGEMM_BATCH	6.5e9
#define REF_HOST_VECTOR		1.1e8
#define REF_HOST_ATTENTION	3.3e8
#define REF_HOST_COMMAND	1.5e-6
/* The reference card's link (docs/architecture.md: PCIe Gen3 x16 about
 * 12 GB/s in practice) and an assumed per-transfer and per-command cost. */
#define REF_DMA_BANDWIDTH	12.0e9
#define REF_DMA_LATENCY		2.0e-6
#define REF_COMMAND		1.0e-6
/* The emulated card's defaults (sim/include/fllm_sim.h). */
#define REF_CLOCK_HZ		300.0e6
#define REF_CHANNELS		32u
#define REF_CHANNEL_BPS		14375.0e6	/* peak of one HBM channel */
#define REF_MEMORY		(8ull << 30)

fllm_status sched_cost_reference(uint32_t bits, uint32_t group, struct sched_cost *out)
{
	struct fllm_lutgemm_params lp;
	struct fllm_vector_params vp;
	uint32_t m = 4096, k = 4096;
	double bytes;

	bits = bits ? bits : 4;
	group = group ? group : 32;
	memset(out, 0, sizeof(*out));
	if (fllm_lutgemm_params_init(&lp, m, k, group, bits, FLLM_LUTGEMM_F_OFFSET, 1,
				     REF_CHANNELS) != FLLM_CARD_OK)
		return FLLM_E_INVALID_ARG;
	snprintf(out->device, sizeof(out->device), "reference");
	out->bits = bits;
	out->group = group;
	out->host_lutgemm = REF_HOST_LUTGEMM;
	out->host_lutgemm_batch = REF_HOST_LUTGEMM_BATCH;
	out->host_vector = REF_HOST_VECTOR;
	out->host_attention = REF_HOST_ATTENTION;
	out->host_command = REF_HOST_COMMAND;
	/*
	 * the units' cycle models, fixed command costs left out (card_command);
	 * LUT-GEMM weights also no faster than the channels' peak, which the
	 * cycle model's 64 bytes per port per cycle exceeds
	 */
	bytes = (double)m * lp.row_bytes;
	out->card_lutgemm = fmin(bytes * REF_CLOCK_HZ /
				 (double)(fllm_lutgemm_cycles(&lp) - FLLM_LUTGEMM_OVERHEAD_CYCLES),
				 REF_CHANNELS * REF_CHANNEL_BPS);
	lp.n_tokens = 8;
	out->card_lutgemm_batch = fmin(8.0 * bytes * REF_CLOCK_HZ /
				       (double)(fllm_lutgemm_cycles(&lp) -
						FLLM_LUTGEMM_OVERHEAD_CYCLES),
				       8.0 * REF_CHANNELS * REF_CHANNEL_BPS);
	memset(&vp, 0, sizeof(vp));
	vp.op = FLLM_VECTOR_OP_RMSNORM;
	vp.flags = FLLM_VECTOR_F_QUANT;
	vp.n = k;
	vp.rows = 1;
	out->card_vector = (double)k * REF_CLOCK_HZ /
			   (double)(fllm_vector_cycles(&vp) - FLLM_VECTOR_OVERHEAD_CYCLES);
	/* scores and values: FLLM_ATTN_MACS int8 multiply-adds per cycle each */
	out->card_attention = FLLM_ATTN_MACS * REF_CLOCK_HZ / 2.0;
	out->card_command = REF_COMMAND;
	out->dma_bandwidth = REF_DMA_BANDWIDTH;
	out->dma_latency = REF_DMA_LATENCY;
	out->card_memory = REF_MEMORY;
	return FLLM_OK;
}

fllm_status sched_cost_write(const struct sched_cost *c, const char *path, char *err,
			     size_t err_size)
{
	struct fllm_err e = { err, err_size };
	struct utsname un;
	char date[32];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	if (uname(&un) != 0)
		snprintf(un.nodename, sizeof(un.nodename), "unknown");
	if (!gmtime_r(&now, &tm) || !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(date, sizeof(date), "unknown");
	f = fopen(path, "w");
	if (!f) {
		fllm_err_set(&e, FLLM_OK, "%s: %s", path, strerror(errno));
		return FLLM_E_IO;
	}
	fprintf(f, "# fllm cost model (docs/scheduler.md): fllm calibrate\n");
	fprintf(f, "# machine: %s (%s %s)\n# date: %s\n# device: %s\n", un.nodename,
		un.sysname, un.machine, date, c->device);
	for (size_t i = 0; i < N_KEYS; i++) {
		const struct key *k = &keys[i];
		const char *p = (const char *)c + k->offset;

		fprintf(f, "\n# %s\n%s = ", k->comment, k->name);
		switch (k->kind) {
		case KEY_STRING: fprintf(f, "%s\n", p); break;
		case KEY_U32: fprintf(f, "%u %s\n", *(const uint32_t *)(const void *)p, k->unit); break;
		case KEY_U64:
			fprintf(f, "%llu %s\n", (unsigned long long)*(const uint64_t *)(const void *)p,
				k->unit);
			break;
		case KEY_RATE:
		case KEY_SECONDS:
			fprintf(f, "%.17g %s\n", *(const double *)(const void *)p, k->unit);
			break;
		}
	}
	if (ferror(f) | (fclose(f) != 0)) {
		fllm_err_set(&e, FLLM_OK, "%s: write failed", path);
		return FLLM_E_IO;
	}
	return FLLM_OK;
}

static const struct key *key_find(const char *name, size_t len)
{
	for (size_t i = 0; i < N_KEYS; i++)
		if (strlen(keys[i].name) == len && !memcmp(keys[i].name, name, len))
			return &keys[i];
	return NULL;
}

/* Check the value text v (trimmed, NUL-terminated) of key k and store it. */
static const char *value_set(const struct key *k, char *v, struct sched_cost *out)
{
	char *p = (char *)out + k->offset, *end, *unit;
	unsigned long long u = 0;
	double d = 0;

	if (!*v)
		return "no value";
	if (k->kind == KEY_STRING) {
		for (char *s = v; *s; s++)
			if (isspace((unsigned char)*s) || !isprint((unsigned char)*s))
				return "device name with a space or control character";
		if (strlen(v) >= FLLM_NAME_MAX)
			return "device name too long";
		snprintf(p, FLLM_NAME_MAX, "%s", v);
		return NULL;
	}
	errno = 0;
	if (k->kind == KEY_U32 || k->kind == KEY_U64) {
		if (*v == '-')
			return "negative";
		if (!isdigit((unsigned char)*v))
			return "not a whole number";
		u = strtoull(v, &end, 10);
		if (errno == ERANGE)
			return "out of range";
	} else {
		d = strtod(v, &end);
		if (end == v)
			return "not a number";
		if (!isfinite(d))
			return "not finite";
		if (d < 0)
			return "negative";
	}
	unit = end;
	while (isspace((unsigned char)*unit))
		unit++;
	if (unit == end && *unit)
		return "not a number";
	if (strcmp(unit, k->unit))
		return k->kind == KEY_RATE ? "missing or wrong unit (B/s or elem/s expected)"
					   : "missing or wrong unit";
	switch (k->kind) {
	case KEY_U32:
		if (!strcmp(k->name, "bits") && (u < 1 || u > FLLM_LUTGEMM_Q_MAX))
			return "out of range (1..8 planes)";
		if (!strcmp(k->name, "group") &&
		    (u < FLLM_LUTGEMM_G_MIN || u > FLLM_LUTGEMM_G_MAX || (u & (u - 1))))
			return "out of range (16, 32, 64, 128 or 256)";
		*(uint32_t *)(void *)p = (uint32_t)u;
		break;
	case KEY_U64:
		if (u < (1ull << 20))
			return "less than 1 MiB of card memory";
		*(uint64_t *)(void *)p = u;
		break;
	case KEY_RATE:
		if (d == 0)
			return "zero (a rate must be > 0)";
		*(double *)(void *)p = d;
		break;
	case KEY_SECONDS:
		if (d > 1.0)
			return "more than 1 s";
		*(double *)(void *)p = d;
		break;
	case KEY_STRING:
		break;
	}
	return NULL;
}

static void trim(char **s, char **e)
{
	while (*s < *e && isspace((unsigned char)**s))
		(*s)++;
	while (*e > *s && isspace((unsigned char)(*e)[-1]))
		(*e)--;
}

fllm_status sched_cost_parse(const char *text, size_t len, struct sched_cost *out, char *err,
			     size_t err_size)
{
	struct fllm_err fe = { err, err_size };
	uint32_t seen[N_KEYS] = { 0 };
	const char *p = text, *end = text + len;
	uint32_t line = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		char buf[256], *s, *e, *eq, *ks, *ke, *why;
		const struct key *k;

		line++;
		if ((size_t)(le - p) >= sizeof(buf)) {
			fllm_err_set(&fe, FLLM_OK, "line %u: longer than %zu characters", line,
			     sizeof(buf) - 1);
			return FLLM_E_FORMAT;
		}
		if (memchr(p, 0, (size_t)(le - p))) {
			fllm_err_set(&fe, FLLM_OK, "line %u: contains a NUL byte", line);
			return FLLM_E_FORMAT;
		}
		memcpy(buf, p, (size_t)(le - p));
		buf[le - p] = 0;
		p = nl ? nl + 1 : end;
		s = buf;
		e = strchr(buf, '#');
		e = e ? e : buf + strlen(buf);
		trim(&s, &e);
		if (s == e)
			continue;
		*e = 0;
		eq = strchr(s, '=');
		if (!eq) {
			fllm_err_set(&fe, FLLM_OK, "line %u: not 'key = value'", line);
			return FLLM_E_FORMAT;
		}
		ks = s;
		ke = eq;
		trim(&ks, &ke);
		k = key_find(ks, (size_t)(ke - ks));
		if (!k) {
			fllm_err_set(&fe, FLLM_OK, "line %u: unknown key '%.*s'", line, (int)(ke - ks), ks);
			return FLLM_E_FORMAT;
		}
		if (seen[k - keys]) {
			fllm_err_set(&fe, FLLM_OK, "line %u: %s: repeated (first on line %u)", line, k->name,
			     seen[k - keys]);
			return FLLM_E_FORMAT;
		}
		seen[k - keys] = line;
		s = eq + 1;
		trim(&s, &e);
		*e = 0;
		why = (char *)value_set(k, s, out);
		if (why) {
			fllm_err_set(&fe, FLLM_OK, "line %u: %s: %s", line, k->name, why);
			return FLLM_E_FORMAT;
		}
	}
	for (size_t i = 0; i < N_KEYS; i++)
		if (!seen[i]) {
			fllm_err_set(&fe, FLLM_OK, "missing key %s", keys[i].name);
			return FLLM_E_FORMAT;
		}
	return FLLM_OK;
}

fllm_status sched_cost_read(const char *path, struct sched_cost *out, char *err, size_t err_size)
{
	struct fllm_err e = { err, err_size };
	char text[16384];
	size_t n;
	FILE *f = fopen(path, "r");
	fllm_status st;

	if (!f) {
		fllm_err_set(&e, FLLM_OK, "%s: %s", path, strerror(errno));
		return FLLM_E_IO;
	}
	n = fread(text, 1, sizeof(text), f);
	if (ferror(f)) {
		fclose(f);
		fllm_err_set(&e, FLLM_OK, "%s: read failed", path);
		return FLLM_E_IO;
	}
	if (n == sizeof(text)) {
		fclose(f);
		fllm_err_set(&e, FLLM_OK, "%s: longer than %zu bytes, not a cost file", path,
		     sizeof(text) - 1);
		return FLLM_E_FORMAT;
	}
	fclose(f);
	st = sched_cost_parse(text, n, out, err, err_size);
	if (st)
		fllm_err_prefix(&e, "%s", path);
	return st;
}

fllm_status sched_cost_default_path(const char *device, char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char dev[FLLM_NAME_MAX];
	int n;

	snprintf(dev, sizeof(dev), "%s", device);
	for (char *s = dev; *s; s++)
		if (*s == '/')
			*s = '_';
	if (xdg && *xdg)
		n = snprintf(buf, len, "%s/fllm/cost-%s.txt", xdg, dev);
	else if (home && *home)
		n = snprintf(buf, len, "%s/.cache/fllm/cost-%s.txt", home, dev);
	else
		return FLLM_E_INVALID_ARG;
	return n < 0 || (size_t)n >= len ? FLLM_E_INVALID_ARG : FLLM_OK;
}
