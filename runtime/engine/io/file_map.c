/* Read-only memory mapping of model and tokenizer files. */
#include "file_map.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Open, check it is a regular file, map it whole and close the descriptor. */
fllm_status fllm_file_map_open(const char *path, struct fllm_file_map *map,
			       struct fllm_err *err)
{
	struct stat sb;
	void *p;
	int fd, e;

	map->data = NULL;
	map->size = 0;
	map->mapped = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fllm_err_set(err, FLLM_E_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb)) {
		e = errno;
		close(fd);
		return fllm_err_set(err, FLLM_E_IO, "%s: %s", path, strerror(e));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return fllm_err_set(err, FLLM_E_IO, "%s: not a regular file", path);
	}
	if (sb.st_size == 0) {
		close(fd);
		return FLLM_OK;
	}
	if ((uint64_t)sb.st_size > SIZE_MAX) {
		close(fd);
		return fllm_err_set(err, FLLM_E_IO, "%s: too large to map", path);
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	e = errno;
	close(fd);
	if (p == MAP_FAILED)
		return fllm_err_set(err, FLLM_E_IO, "%s: mmap: %s", path, strerror(e));
	map->data = p;
	map->size = (size_t)sb.st_size;
	map->mapped = 1;
	return FLLM_OK;
}

/* See file_map.h. */
void fllm_file_map_drop(const struct fllm_file_map *map, const void *p, uint64_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p, b = a + len;

	if (!map->mapped || a < (uintptr_t)map->data || b > (uintptr_t)map->data + map->size)
		return;
	a = (a + page - 1) & ~(page - 1);
	b &= ~(page - 1);
	if (b > a)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

void fllm_file_map_close(struct fllm_file_map *map)
{
	if (map->data && map->mapped)
		munmap((void *)map->data, map->size);
	map->data = NULL;
	map->size = 0;
	map->mapped = 0;
}
