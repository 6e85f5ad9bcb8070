# model: `fllm run` on stories260K through fllm.ko (kmd:0) prints exactly the
# text that the host printed on the in-process card (emu:0) with the same
# arguments (model.host puts the model, the arguments and that text into the
# initramfs).
B=$FLLM_BIN

model_run() {
	old_ifs=$IFS
	IFS='
'
	set -f
	# one argument per line: the prompt keeps its spaces
	set -- $(cat /etc/fllm-model-args)
	set +f
	IFS=$old_ifs
	"$B/fllm" run "$@" --device kmd:0 >/tmp/model-kmd.txt 2>/tmp/model-kmd.log
	rc=$?
	cat /tmp/model-kmd.log
	[ $rc -eq 0 ] || return $rc
	echo "kmd:0 printed: $(cat /tmp/model-kmd.txt)"
	cmp /tmp/model-kmd.txt /etc/fllm-model-expect.txt ||
		{ echo "emu:0 printed: $(cat /etc/fllm-model-expect.txt)"; return 1; }
}

run load load_fllm
run model_kmd_vs_emu model_run
run no_bos_left expect_eq "BOs after the run" "$(card_attr memory/bos)" 0
run unload unload_fllm
