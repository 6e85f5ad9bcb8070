# bench: bench_kmd (kernel driver vs in-process card) inside the VM, JSON.
B=$FLLM_BIN
run load load_fllm
run bench_kmd "$B/bench_kmd" --json
run unload unload_fllm
