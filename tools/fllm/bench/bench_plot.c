/*
 * fllm bench --plot: one PNG with three panels drawn by gnuplot (fed on its
 * standard input): the roofline view (achieved memory bandwidth against the
 * device's peak), decode throughput (measured, card time, memory-bound
 * limit) and tokens per joule from each available energy source. Missing
 * figures are NaN, which gnuplot leaves out; a panel with nothing to show
 * says so.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

enum { COL_BW, COL_PEAK, COL_TPS, COL_CARD_TPS, COL_BOUND, COL_CARD_TPJ, COL_HOST_TPJ,
       COLS };

static const char *bench_term = "pngcairo";

/* See bench.h: gnuplot runs, with pngcairo if it has it, else png. */
int bench_plot_check(void)
{
	if (system("gnuplot -e 'set terminal pngcairo' </dev/null >/dev/null 2>&1") == 0)
		return 0;
	bench_term = "png";
	return system("gnuplot -e 'set terminal png' </dev/null >/dev/null 2>&1") == 0 ? 0 : -1;
}

/* Column c of device r, NaN when there is no positive figure. */
static double bench_col(const struct bench_result *r, int c)
{
	double v = 0;

	switch (c) {
	case COL_BW: v = r->achieved_gbps; break;
	case COL_PEAK: v = r->peak_gbps; break;
	case COL_TPS: v = r->decode_tps; break;
	case COL_CARD_TPS: v = r->card_tps; break;
	case COL_BOUND: v = r->bound_tps; break;
	case COL_CARD_TPJ: v = r->card.avail ? r->card.tokens_per_j : 0; break;
	case COL_HOST_TPJ: v = r->host.avail ? r->host.tokens_per_j : 0; break;
	default: break;
	}
	return v > 0 ? v : NAN;
}

/* A string in gnuplot double quotes ("\"" and "\\" escaped). */
static void bench_gp_str(FILE *g, const char *s, char quote)
{
	fputc(quote, g);
	for (; *s; s++) {
		if (quote == '\'' && *s == '\'')
			fputc('\'', g);
		else if (quote == '"' && (*s == '"' || *s == '\\'))
			fputc('\\', g);
		fputc(*s, g);
	}
	fputc(quote, g);
}

/* One panel: the columns cols[0..n) that have a figure, titled. */
static void bench_panel(FILE *g, const struct bench_result *r, int n, const char *title,
			const char *ylabel, const int *cols, const char *const *names, int nc)
{
	int any = 0;

	fprintf(g, "set title '%s'\nset ylabel '%s'\nunset label\n", title, ylabel);
	for (int k = 0; k < nc; k++) {
		int has = 0;

		for (int i = 0; i < n; i++)
			has |= !isnan(bench_col(&r[i], cols[k]));
		if (!has)
			continue;
		fprintf(g, "%s $d using %d:xtic(1) title ", any ? "," : "plot", cols[k] + 2);
		bench_gp_str(g, names[k], '"');
		any = 1;
	}
	if (!any)
		fputs("set yrange [1:10]\nset label 'no figure available' at graph 0.5, 0.5 "
		      "center\nplot 2 notitle lc rgb 'white'\nset autoscale y", g);
	fputc('\n', g);
}

/* Series name of device energy e's source. */
static const char *bench_energy_name(const struct bench_result *r, int n, int host)
{
	for (int i = 0; i < n; i++) {
		const struct bench_energy *e = host ? &r[i].host : &r[i].card;

		if (e->avail && host)
			return "host CPU package (RAPL)";
		if (e->avail)
			return strstr(e->source, "projection") ? "card (model projection)" :
								 "card (power sensor)";
	}
	return host ? "host CPU" : "card";
}

/* gnuplot's messages (only shown when it failed: it also warns about
 * ranges it adjusted by itself). */
static void bench_plot_messages(const char *log)
{
	char line[256];
	FILE *f = fopen(log, "r");

	while (f && fgets(line, sizeof(line), f))
		fprintf(stderr, "gnuplot: %s", line);
	if (f)
		fclose(f);
}

/* See bench.h. */
int bench_write_plot(const char *path, const char *title, const struct bench_result *r, int n)
{
	static const int roof[] = { COL_BW, COL_PEAK }, thr[] = { COL_TPS, COL_CARD_TPS,
								  COL_BOUND };
	static const int nrg[] = { COL_CARD_TPJ, COL_HOST_TPJ };
	static const char *const roof_n[] = { "achieved", "memory peak" };
	static const char *const thr_n[] = { "measured (wall clock)", "card time",
					     "memory-bound limit" };
	const char *nrg_n[] = { bench_energy_name(r, n, 0), bench_energy_name(r, n, 1) };
	char log[] = "/tmp/fllm-bench-gnuplot-XXXXXX", cmd[64];
	int fd = mkstemp(log), status;
	FILE *g;

	if (fd < 0) {
		fprintf(stderr, "fllm bench: --plot: cannot create a file for gnuplot's messages\n");
		return -1;
	}
	close(fd);
	snprintf(cmd, sizeof(cmd), "gnuplot 2>%s", log);
	g = popen(cmd, "w");
	if (!g) {
		fprintf(stderr, "fllm bench: --plot: cannot run gnuplot\n");
		unlink(log);
		return -1;
	}
	fprintf(g, "set terminal %s size 1500,540 font ',10'\nset output ", bench_term);
	bench_gp_str(g, path, '\'');
	fputs("\n$d << EOD\n", g);
	for (int i = 0; i < n; i++) {
		bench_gp_str(g, r[i].device, '"');
		for (int c = 0; c < COLS; c++)
			fprintf(g, " %.6g", bench_col(&r[i], c));
		fputc('\n', g);
	}
	fputs("EOD\nset datafile missing NaN\nset multiplot layout 1,3 title ", g);
	bench_gp_str(g, title, '"');
	fputs("\n"
	      "set style data histograms\nset style histogram clustered gap 1\n"
	      "set style fill solid 0.8 border -1\nset boxwidth 0.9\nset logscale y\n"
	      "set grid ytics\nset key below\nset format y '%g'\n", g);
	bench_panel(g, r, n, "Roofline: memory bandwidth", "GB/s", roof, roof_n, 2);
	bench_panel(g, r, n, "Decode throughput", "tokens/s", thr, thr_n, 3);
	bench_panel(g, r, n, "Energy efficiency (sources: see JSON)", "tokens per joule", nrg,
		    nrg_n, 2);
	fputs("unset multiplot\n", g);
	status = pclose(g);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		bench_plot_messages(log);
		fprintf(stderr, "fllm bench: --plot: gnuplot failed writing '%s'\n", path);
		unlink(log);
		return -1;
	}
	unlink(log);
	return 0;
}
