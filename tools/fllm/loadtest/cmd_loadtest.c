/*
 * fllm loadtest: drive a running fllm serve (or any OpenAI-compatible
 * server) with C clients issuing N streamed completions in all, and report
 * requests/s, generated tokens/s, time to first token and request latency
 * (p50, p99), plus the card weight bytes per token the server's /metrics
 * counted meanwhile and the tokens per second of card time (the compute
 * units' own cycles at the card clock: on an emulated card the wall clock
 * mostly measures the host emulating them).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "http_client.h"
#include "json.h"
#include "loadtest_command.h"

struct lt_opts {
	const char *url, *prompt, *api_key, *temp;
	uint64_t clients, requests, max_tokens;
	int json;
};

/* Shared by the client threads. */
struct lt_run {
	const struct lt_opts *o;
	struct http_target target;
	char *body;			/* the request every client sends */
	pthread_mutex_t mu;
	uint64_t next;			/* requests handed out */
	uint64_t ok, failed, tokens;
	double *ttft, *latency;		/* (requests) seconds, for the percentiles */
	size_t n_lat;
};

/* Generated tokens the stream's last chunk reports in its usage. */
static uint64_t lt_tokens(const char *body)
{
	const char *u = strstr(body, "\"completion_tokens\":");

	return u ? strtoull(u + 20, NULL, 10) : 0;
}

static void *lt_client(void *arg)
{
	struct lt_run *r = arg;

	for (;;) {
		struct http_result res;
		int rc;

		pthread_mutex_lock(&r->mu);
		if (r->next == r->o->requests) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		r->next++;
		pthread_mutex_unlock(&r->mu);
		rc = http_request(&r->target, "POST", "/v1/completions", r->body, r->o->api_key,
				  &res);
		pthread_mutex_lock(&r->mu);
		if (!rc && res.status == 200 && strstr(res.body, "data: [DONE]")) {
			r->ok++;
			r->tokens += lt_tokens(res.body);
			r->ttft[r->n_lat] = res.t_first_event;
			r->latency[r->n_lat++] = res.t_total;
		} else {
			r->failed++;
			if (!rc && r->failed == 1)
				fprintf(stderr, "fllm loadtest: status %d: %.200s\n", res.status,
					res.body);
		}
		pthread_mutex_unlock(&r->mu);
		if (!rc)
			free(res.body);
	}
}

static int lt_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q quantile (0..1) of v[0..n), sorted here; 0 for none. */
static double lt_quantile(double *v, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), lt_cmp);
	i = (size_t)ceil(q * (double)n);
	return v[i ? i - 1 : 0];
}

/* A counter on the server's /metrics page, or -1 when there is none. */
static double lt_metric(const struct lt_run *r, const char *name)
{
	struct http_result res;
	double v = -1;
	size_t nl = strlen(name);

	if (http_request(&r->target, "GET", "/metrics", NULL, r->o->api_key, &res))
		return -1;
	for (const char *p = res.body; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (!strncmp(p, name, nl) && p[nl] == ' ')
			v = strtod(p + nl + 1, NULL);
	free(res.body);
	return v;
}

/* The request body: a streamed completion of the prompt. */
static char *lt_body(const struct lt_opts *o)
{
	size_t cap = strlen(o->prompt) * 6 + 160;
	char *b = malloc(cap), *p;

	if (!b)
		return NULL;
	p = b + sprintf(b, "{\"prompt\":\"");
	for (const unsigned char *s = (const unsigned char *)o->prompt; *s; s++)
		p += *s == '"' || *s == '\\' ? sprintf(p, "\\%c", *s) :
		     *s < 0x20 ? sprintf(p, "\\u%04x", *s) : sprintf(p, "%c", *s);
	sprintf(p, "\",\"max_tokens\":%llu,\"temperature\":%s,\"stream\":true}",
		(unsigned long long)o->max_tokens, o->temp);
	return b;
}

/* Print the results, as text or JSON (wpt, cps < 0: the server gave no figure). */
static void lt_report(const struct lt_opts *o, struct lt_run *r, double wall, double wpt,
		      double cps)
{
	double ttft50 = lt_quantile(r->ttft, r->n_lat, 0.5);
	double ttft99 = lt_quantile(r->ttft, r->n_lat, 0.99);
	double lat50 = lt_quantile(r->latency, r->n_lat, 0.5);
	double lat99 = lt_quantile(r->latency, r->n_lat, 0.99);
	struct cli_json j;

	if (!o->json) {
		printf("fllm loadtest: %s, %llu clients, %llu requests of %llu tokens at most\n"
		       "  %llu ok, %llu failed in %.3f s: %.1f requests/s, %.1f tokens/s\n"
		       "  time to first token p50 %.2f ms, p99 %.2f ms; latency p50 %.2f ms, "
		       "p99 %.2f ms\n", o->url, (unsigned long long)o->clients,
		       (unsigned long long)o->requests, (unsigned long long)o->max_tokens,
		       (unsigned long long)r->ok, (unsigned long long)r->failed, wall,
		       (double)r->ok / wall, (double)r->tokens / wall, ttft50 * 1e3,
		       ttft99 * 1e3, lat50 * 1e3, lat99 * 1e3);
		if (wpt >= 0)
			printf("  card weight bytes per generated token: %.0f\n", wpt);
		if (cps >= 0)
			printf("  tokens per second of card time: %.1f\n", cps);
		return;
	}
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j, NULL);
	cli_json_str(&j, "url", o->url);
	cli_json_u64(&j, "clients", o->clients);
	cli_json_u64(&j, "requests", o->requests);
	cli_json_u64(&j, "max_tokens", o->max_tokens);
	cli_json_u64(&j, "ok", r->ok);
	cli_json_u64(&j, "failed", r->failed);
	cli_json_u64(&j, "tokens", r->tokens);
	cli_json_double(&j, "wall_s", wall);
	cli_json_double(&j, "requests_per_s", (double)r->ok / wall);
	cli_json_double(&j, "tokens_per_s", (double)r->tokens / wall);
	cli_json_double(&j, "ttft_p50_ms", ttft50 * 1e3);
	cli_json_double(&j, "ttft_p99_ms", ttft99 * 1e3);
	cli_json_double(&j, "latency_p50_ms", lat50 * 1e3);
	cli_json_double(&j, "latency_p99_ms", lat99 * 1e3);
	if (wpt >= 0)
		cli_json_double(&j, "card_weight_bytes_per_token", wpt);
	if (cps >= 0)
		cli_json_double(&j, "card_tokens_per_s", cps);
	cli_json_object_end(&j);
	cli_json_end(&j);
}

/* Start the clients, wait for them, measure. */
static int lt_run_all(const struct lt_opts *o, struct lt_run *r)
{
	pthread_t *th = calloc(o->clients, sizeof(*th));
	double wb0 = lt_metric(r, "fllm_serve_card_weight_bytes_total");
	double tk0 = lt_metric(r, "fllm_serve_tokens_generated_total"), wb1, tk1, wall;
	double cs0 = lt_metric(r, "fllm_serve_card_seconds_total"), cs1;
	struct timespec t0, t1;
	uint64_t started = 0;

	if (!th)
		return CLI_EXIT_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (started < o->clients && !pthread_create(&th[started], NULL, lt_client, r))
		started++;
	for (uint64_t i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(th);
	wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	wb1 = lt_metric(r, "fllm_serve_card_weight_bytes_total");
	tk1 = lt_metric(r, "fllm_serve_tokens_generated_total");
	cs1 = lt_metric(r, "fllm_serve_card_seconds_total");
	lt_report(o, r, wall, wb0 >= 0 && wb1 >= 0 && tk1 > tk0 ? (wb1 - wb0) / (tk1 - tk0) : -1,
		  cs0 >= 0 && cs1 > cs0 && tk1 > tk0 ? (tk1 - tk0) / (cs1 - cs0) : -1);
	return r->ok && !r->failed ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cli_cmd_loadtest(int argc, char **argv)
{
	struct lt_opts o = { .url = "http://127.0.0.1:8080", .prompt = "Once upon a time",
			     .temp = "0", .clients = 1, .requests = 16, .max_tokens = 64 };
	const struct cli_opt opts[] = {
		{ "--url", CLI_OPT_STRING, &o.url, "URL", "the server (default "
		  "http://127.0.0.1:8080)", 0, 0 },
		{ "--clients", CLI_OPT_U64, &o.clients, "C", "concurrent clients (default 1)", 1,
		  1024 },
		{ "--requests", CLI_OPT_U64, &o.requests, "N", "requests in all (default 16)", 1,
		  1u << 20 },
		{ "--max-tokens", CLI_OPT_U64, &o.max_tokens, "M", "max_tokens of each (default "
		  "64)", 1, 1u << 20 },
		{ "-p", CLI_OPT_TEXT, &o.prompt, "TEXT", "prompt (default \"Once upon a time\")",
		  0, 0 },
		{ "--temp", CLI_OPT_STRING, &o.temp, "T", "temperature (default 0)", 0, 0 },
		{ "--api-key", CLI_OPT_STRING, &o.api_key, "KEY", "bearer key", 0, 0 },
		{ "--json", CLI_OPT_FLAG, &o.json, NULL, "print one JSON document", 0, 0 },
		{ NULL, 0, NULL, NULL, NULL, 0, 0 },
	};
	struct lt_run r = { .o = &o };
	int rc, npos;

	rc = cli_args_command(argc, argv, opts, NULL, 0, &npos, "[--url URL] [--clients C] "
			      "[--requests N] [--max-tokens M] [--json]", "Load-test an "
			      "OpenAI-compatible server such as fllm serve with streamed "
			      "completions.");
	if (rc >= 0)
		return rc;
	if (http_target_parse(o.url, &r.target)) {
		fprintf(stderr, "fllm loadtest: --url '%s' is not http://HOST[:PORT]\n", o.url);
		return CLI_EXIT_USAGE;
	}
	if (strspn(o.temp, "0123456789.") != strlen(o.temp) || !o.temp[0]) {
		fprintf(stderr, "fllm loadtest: --temp '%s' is not a number\n", o.temp);
		return CLI_EXIT_USAGE;
	}
	r.body = lt_body(&o);
	r.ttft = calloc(o.requests, sizeof(double));
	r.latency = calloc(o.requests, sizeof(double));
	rc = CLI_EXIT_FAIL;
	if (r.body && r.ttft && r.latency && !pthread_mutex_init(&r.mu, NULL)) {
		rc = lt_run_all(&o, &r);
		pthread_mutex_destroy(&r.mu);
	}
	free(r.body);
	free(r.ttft);
	free(r.latency);
	return rc;
}
