/*
 * The layer scheduler's commands, declared apart from commands.h:
 * `fllm plan` (cmd_plan.c) and `fllm calibrate` (cmd_calibrate.c),
 * docs/scheduler.md.
 */
#ifndef FLLM_CLI_PLAN_COMMAND_H
#define FLLM_CLI_PLAN_COMMAND_H

int cli_cmd_plan(int argc, char **argv);
int cli_cmd_calibrate(int argc, char **argv);

#endif /* FLLM_CLI_PLAN_COMMAND_H */
