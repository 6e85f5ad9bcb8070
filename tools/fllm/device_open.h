/* Opening a device for a CLI command, with the error message every command prints. */
#ifndef FLLM_CLI_DEVICE_OPEN_H
#define FLLM_CLI_DEVICE_OPEN_H

#include "fllm/fllm.h"

/* Open name for command cmd; on failure print why and return the status. */
fllm_status cli_device_open(const char *cmd, const char *name, fllm_device **out);

#endif /* FLLM_CLI_DEVICE_OPEN_H */
