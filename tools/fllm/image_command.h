/* fllm image create|inspect|verify and fllm program (cmd_image.c, cmd_program.c). */
#ifndef FLLM_CLI_IMAGE_COMMAND_H
#define FLLM_CLI_IMAGE_COMMAND_H

#include "fllm/fllm.h"
#include "fllm_image.h"

int cli_cmd_image(int argc, char **argv);
int cli_cmd_program(int argc, char **argv);

/* Read and parse path; on failure print "fllm CMD: PATH: why" and return nonzero. */
int cli_image_load(const char *cmd, const char *path, void **buf, struct fllm_image *img);

/*
 * Compare an image with an open device: interface major version, every
 * unit of the image present in the same version, clock, memory. Prints one
 * line per difference ("fllm CMD: ..."); returns the number found.
 */
int cli_image_match_device(const char *cmd, const struct fllm_image *img, fllm_device *dev);

#endif /* FLLM_CLI_IMAGE_COMMAND_H */
