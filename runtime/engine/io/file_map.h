/*
 * A whole file mapped read-only into memory (mmap), or an empty file
 * (size 0, data NULL). Loaders parse the mapping in place.
 */
#ifndef FLLM_ENGINE_FILE_MAP_H
#define FLLM_ENGINE_FILE_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "engine_error.h"

struct fllm_file_map {
	const uint8_t *data;	/* (size) bytes of the file, read-only */
	size_t size;
	int mapped;		/* data is our mapping (not a borrowed image) */
};

/* Map path; FLLM_E_IO with the reason when it cannot be opened or mapped. */
fllm_status fllm_file_map_open(const char *path, struct fllm_file_map *map,
			       struct fllm_err *err);
/*
 * Let the kernel take back the pages of [p, p + len) (whole pages inside
 * it): they are read again from the file if touched. Keeps a streamed pass
 * over a large model from counting the whole file in the resident set. A
 * no-op for borrowed images.
 */
void fllm_file_map_drop(const struct fllm_file_map *map, const void *p, uint64_t len);
/* Unmap; a zeroed map is a no-op. */
void fllm_file_map_close(struct fllm_file_map *map);

#endif /* FLLM_ENGINE_FILE_MAP_H */
