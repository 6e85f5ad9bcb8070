/*
 * Checks the files `fllm bench --json --csv --plot` wrote (Jansson for the
 * JSON): every documented field with a sane value, each device's energy
 * figures either available with a named source and numbers, or unavailable
 * with a reason and no number at all; the CSV has one row per device with
 * empty figures where a source is unavailable; the PNG has the PNG
 * signature, an IHDR of the chart's size and a plausible length.
 *
 * usage: bench_check JSON CSV PNG|- DEVICE... [--host-rapl]
 * (--host-rapl: the host's RAPL figure must be available; else unavailable)
 * Exit 0 when all checks pass, 1 otherwise (each failure printed).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(cond, ...)                                        \
	do {                                                    \
		if (!(cond)) {                                  \
			fprintf(stderr, "FAIL: " __VA_ARGS__);  \
			fputc('\n', stderr);                    \
			failures++;                             \
		}                                               \
	} while (0)

/* o[key] as a number in [lo, hi]; returns it (0 when absent). */
static double num(json_t *o, const char *key, double lo, double hi, const char *where)
{
	json_t *v = json_object_get(o, key);
	double d;

	CHECK(json_is_number(v), "%s: '%s' missing or not a number", where, key);
	if (!json_is_number(v))
		return 0;
	d = json_number_value(v);
	CHECK(d >= lo && d <= hi, "%s: '%s' = %g outside [%g, %g]", where, key, d, lo, hi);
	return d;
}

static const char *str(json_t *o, const char *key, const char *where)
{
	json_t *v = json_object_get(o, key);

	CHECK(json_is_string(v) && json_string_length(v) > 0, "%s: '%s' missing or empty",
	      where, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* One energy object: available => source and numbers; else why, no numbers. */
static void check_energy(json_t *e, const char *dev, int want_avail, const char *want_source)
{
	static const char *const numbers[] = { "avg_w", "idle_w", "decode_j", "j_per_token",
					       "tokens_per_j", "window_s", "sampling_interval_s" };
	char where[128];
	json_t *avail = json_object_get(e, "available");
	const char *scope = str(e, "scope", dev);

	snprintf(where, sizeof(where), "%s energy '%s'", dev, scope);
	CHECK(json_is_boolean(avail), "%s: 'available' is not a boolean", where);
	CHECK(json_is_true(avail) == want_avail, "%s: available is %d, expected %d", where,
	      json_is_true(avail), want_avail);
	if (!json_is_true(avail)) {
		str(e, "why", where);
		CHECK(!json_object_get(e, "source"), "%s: unavailable but has a source", where);
		for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
			CHECK(!json_object_get(e, numbers[i]), "%s: unavailable but has '%s'",
			      where, numbers[i]);
		return;
	}
	CHECK(strstr(str(e, "source", where), want_source) != NULL,
	      "%s: source '%s' does not name '%s'", where,
	      json_string_value(json_object_get(e, "source")), want_source);
	num(e, "avg_w", 0, 1e4, where);
	num(e, "decode_j", 0, 1e9, where);
	num(e, "j_per_token", 0, 1e6, where);
	num(e, "window_s", 0, 1e6, where);
	CHECK(json_object_get(e, "sampling_interval_s") || json_object_get(e, "sampling"),
	      "%s: no sampling interval stated", where);
}

/* One device object. */
static void check_device(json_t *d, const char *want, int host_rapl)
{
	const char *name = str(d, "device", "device");
	int card = strcmp(want, "cpu") && strcmp(want, "cpu-q");
	json_t *lat = json_object_get(d, "step_latency_ms"), *energy;
	json_t *roof = json_object_get(d, "roofline");
	double p50, p90, p99;

	CHECK(!strcmp(name, want), "device '%s', expected '%s'", name, want);
	str(d, "precision", name);
	num(d, "prefill_tps", 1e-3, 1e9, name);
	num(d, "decode_tps", 1e-3, 1e9, name);
	num(d, "ttft_ms", 1e-6, 1e7, name);
	num(d, "tokens", 1, 1e12, name);
	CHECK(json_is_object(lat), "%s: no step_latency_ms", name);
	p50 = num(lat, "p50", 1e-6, 1e7, name);
	p90 = num(lat, "p90", 1e-6, 1e7, name);
	p99 = num(lat, "p99", 1e-6, 1e7, name);
	CHECK(p50 <= p90 && p90 <= p99, "%s: latency quantiles out of order %g %g %g", name,
	      p50, p90, p99);
	if (card) {
		json_t *c = json_object_get(d, "card"), *us;

		CHECK(json_is_object(c), "%s: no card object", name);
		num(c, "dma_bytes_per_token", 1, 1e12, name);
		num(c, "mem_bytes_per_token", 1, 1e13, name);
		num(c, "weight_bytes_per_token", 1, 1e13, name);
		num(c, "card_time_tps", 1e-3, 1e12, name);
		us = json_object_get(c, "us_per_token");
		CHECK(json_is_object(us), "%s: no us_per_token", name);
		num(us, "lutgemm", 1e-6, 1e9, name);
		num(us, "attention", 1e-6, 1e9, name);
		num(us, "vector", 1e-6, 1e9, name);
		num(us, "host_and_transfer", 0, 1e9, name);
		CHECK(json_is_object(roof), "%s: no roofline", name);
	} else {
		CHECK(!json_object_get(d, "card"), "%s: a card object on a CPU device", name);
	}
	if (json_is_object(roof)) {
		double peak = num(roof, "peak_gbps", 1e-3, 1e5, name);
		double bpt = num(roof, "bytes_per_token", 1, 1e13, name);

		str(roof, "peak_source", name);
		num(roof, "achieved_gbps", 0, 1e5, name);
		CHECK(fabs(num(roof, "bound_tps", 0, 1e13, name) - peak * 1e9 / bpt) <=
		      1e-3 * peak * 1e9 / bpt, "%s: bound_tps is not peak / bytes per token", name);
	}
	energy = json_object_get(d, "energy");
	CHECK(json_is_array(energy) && json_array_size(energy) == 2,
	      "%s: energy is not an array of two", name);
	if (json_is_array(energy) && json_array_size(energy) == 2) {
		check_energy(json_array_get(energy, 0), name, card,
			     "card model projection");
		check_energy(json_array_get(energy, 1), name, host_rapl, "RAPL");
	}
	num(json_object_get(d, "ratio_to_first"), "decode_tps", 1e-9, 1e9, name);
}

static void check_json(const char *path, char **devs, int n, int host_rapl)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err), *devices, *m, *w;

	CHECK(root != NULL, "%s: not JSON: %s (line %d)", path, err.text, err.line);
	if (!root)
		return;
	m = json_object_get(root, "machine");
	str(m, "cpu", "machine");
	str(m, "host_isa", "machine");
	num(m, "cores", 1, 1e5, "machine");
	w = json_object_get(root, "workload");
	num(w, "prompt_len", 1, 1e9, "workload");
	num(w, "gen", 1, 1e9, "workload");
	num(w, "batch", 1, 1e9, "workload");
	num(w, "repeat", 1, 1e9, "workload");
	num(json_object_get(root, "model"), "n_params", 1, 1e13, "model");
	devices = json_object_get(root, "devices");
	CHECK(json_is_array(devices) && json_array_size(devices) == (size_t)n,
	      "devices: expected an array of %d", n);
	for (int i = 0; json_is_array(devices) && i < n && i < (int)json_array_size(devices); i++)
		check_device(json_array_get(devices, (size_t)i), devs[i], host_rapl);
	if (json_is_array(devices) && json_array_size(devices))
		CHECK(json_number_value(json_object_get(json_object_get(
			json_array_get(devices, 0), "ratio_to_first"), "decode_tps")) == 1.0,
		      "the first device's ratio to itself is not 1");
	json_decref(root);
}

/* Header, then one row per device; host energy fields empty when unavailable. */
static void check_csv(const char *path, char **devs, int n, int host_rapl)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int rows = 0;

	CHECK(f != NULL, "%s: cannot open", path);
	if (!f)
		return;
	CHECK(fgets(line, sizeof(line), f) && !strncmp(line, "device,precision,", 17),
	      "%s: bad header", path);
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);

		CHECK(rows < n && line[0] == '"' && !strncmp(line + 1, devs[rows],
							     strlen(devs[rows])),
		      "%s: row %d is not device %s", path, rows, rows < n ? devs[rows] : "?");
		if (!host_rapl)
			CHECK(len > 18 && !strcmp(line + len - 18, ",\"unavailable\",,,\n"),
			      "%s: row %d: host energy should be unavailable with empty figures",
			      path, rows);
		rows++;
	}
	CHECK(rows == n, "%s: %d rows, expected %d", path, rows, n);
	fclose(f);
}

/* Signature, IHDR width x height (1500 x 540), size between 5 KiB and 4 MiB. */
static void check_png(const char *path)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	unsigned char h[24];
	FILE *f = fopen(path, "rb");
	long size;

	CHECK(f != NULL, "%s: cannot open", path);
	if (!f)
		return;
	CHECK(fread(h, 1, 24, f) == 24 && !memcmp(h, sig, 8) && !memcmp(h + 12, "IHDR", 4),
	      "%s: no PNG signature and IHDR", path);
	CHECK(((unsigned)h[16] << 24 | (unsigned)h[17] << 16 | (unsigned)h[18] << 8 | h[19]) ==
	      1500 && ((unsigned)h[20] << 24 | (unsigned)h[21] << 16 | (unsigned)h[22] << 8 |
		       h[23]) == 540, "%s: not 1500 x 540", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	CHECK(size > 5 * 1024 && size < 4 * 1024 * 1024, "%s: %ld bytes", path, size);
	fclose(f);
}

int main(int argc, char **argv)
{
	int host_rapl = 0, n;

	if (argc > 1 && !strcmp(argv[argc - 1], "--host-rapl")) {
		host_rapl = 1;
		argc--;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: bench_check JSON CSV PNG|- DEVICE... [--host-rapl]\n");
		return 2;
	}
	n = argc - 4;
	check_json(argv[1], argv + 4, n, host_rapl);
	check_csv(argv[2], argv + 4, n, host_rapl);
	if (strcmp(argv[3], "-"))
		check_png(argv[3]);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
