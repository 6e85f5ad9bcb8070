/* RAPL package energy through powercap sysfs (see rapl.h). */
#include "rapl.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See rapl.h. A counter moves forward only; a smaller value means it wrapped
 * at max_uj (counting max_uj + 1 values 0..max_uj). */
uint64_t rapl_delta_uj(uint64_t prev, uint64_t now, uint64_t max_uj)
{
	if (now >= prev)
		return now - prev;
	if (!max_uj || prev > max_uj)
		return 0;
	return max_uj - prev + now + 1;
}

/* Read one unsigned decimal from a sysfs file; 0 on success, else -1 with
 * why filled. */
static int rapl_read_u64(const char *path, uint64_t *out, char *why, size_t why_len)
{
	char buf[64], *end;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	errno = 0;
	*out = strtoull(buf, &end, 10);
	if (!n || end == buf || errno || (*end && *end != '\n')) {
		snprintf(why, why_len, "%s: not an unsigned number", path);
		return -1;
	}
	return 0;
}

/* Is name a package zone, "intel-rapl:N" (subzones are "intel-rapl:N:M")? */
static int rapl_is_package(const char *name)
{
	unsigned int idx;
	char tail;

	return sscanf(name, "intel-rapl:%u%c", &idx, &tail) == 1;
}

/* Set up domain d from zone folder dir; 0 or -1 with why. */
static int rapl_domain_open(struct rapl_domain *d, const char *dir, char *why, size_t why_len)
{
	char path[512];
	FILE *f;

	if (snprintf(d->energy_path, sizeof(d->energy_path), "%s/energy_uj", dir) >=
		    (int)sizeof(d->energy_path) ||
	    snprintf(path, sizeof(path), "%s/max_energy_range_uj", dir) >= (int)sizeof(path)) {
		snprintf(why, why_len, "a powercap zone path is too long");
		return -1;
	}
	if (rapl_read_u64(path, &d->max_uj, why, why_len))
		return -1;
	if (snprintf(path, sizeof(path), "%s/name", dir) >= (int)sizeof(path))
		path[0] = 0;	/* cannot happen after the longer name above fit */
	snprintf(d->name, sizeof(d->name), "?");
	f = fopen(path, "r");
	if (f) {
		if (fgets(d->name, sizeof(d->name), f))
			d->name[strcspn(d->name, "\n")] = 0;
		fclose(f);
	}
	return rapl_read_u64(d->energy_path, &d->last_uj, why, why_len);
}

/* See rapl.h. */
int rapl_open(struct rapl_meter *m, const char *root)
{
	struct dirent *e;
	DIR *dir;

	memset(m, 0, sizeof(*m));
	dir = opendir(root);
	if (!dir) {
		snprintf(m->why, sizeof(m->why), "%s: %s", root, strerror(errno));
		return -1;
	}
	snprintf(m->why, sizeof(m->why), "no intel-rapl:N package zone under %s", root);
	while ((e = readdir(dir)) && m->n < RAPL_DOMAINS_MAX) {
		char zone[512];

		if (!rapl_is_package(e->d_name))
			continue;
		snprintf(zone, sizeof(zone), "%s/%s", root, e->d_name);
		if (!rapl_domain_open(&m->d[m->n], zone, m->why, sizeof(m->why)))
			m->n++;
	}
	closedir(dir);
	if (!m->n)
		return -1;
	m->why[0] = 0;
	return 0;
}

/* See rapl.h. */
int rapl_update(struct rapl_meter *m)
{
	for (int i = 0; i < m->n; i++) {
		struct rapl_domain *d = &m->d[i];
		uint64_t now;

		if (rapl_read_u64(d->energy_path, &now, m->why, sizeof(m->why)))
			return -1;
		m->total_uj += rapl_delta_uj(d->last_uj, now, d->max_uj);
		d->last_uj = now;
	}
	return 0;
}
