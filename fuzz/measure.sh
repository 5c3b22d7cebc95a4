#!/bin/bash
# Measures one fuzz target: executions, executions per wall second, and per
# CPU second of the fuzzer (what a quiet core would give), with the load
# average before and after. The machine is shared, so CPU seconds are the
# figure to extrapolate from.
#   fuzz/measure.sh build/fuzz/patch_fuzz 60 [libFuzzer options...]
# CORPUS=dir keeps the growing corpus there (default: a fresh one).
set -euo pipefail
bin=$1 seconds=$2; shift 2
name=$(basename "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1 /proc/loadavg)
corpus=${CORPUS:-$work/corpus}
mkdir -p "$corpus"
/usr/bin/time -f '%U %S %e' -o "$work/time" "$bin" -max_total_time="$seconds" \
    -print_final_stats=1 "$@" "$corpus" "fuzz/corpus/$name" >"$work/log" 2>&1 || {
    tail -30 "$work/log"; exit 1; }
load_after=$(cut -d' ' -f1 /proc/loadavg)
read -r user sys wall <"$work/time"
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
awk -v n="$name" -v e="$execs" -v u="$user" -v s="$sys" -v w="$wall" \
    -v l1="$load_before" -v l2="$load_after" 'BEGIN {
    cpu = u + s
    printf "%s: %d execs in %.0f s wall (%.0f/s), %.1f s CPU (%.0f/CPU-s; 600 CPU-s: %.1fM), load %s..%s\n",
           n, e, w, e / w, cpu, e / cpu, 600 * e / cpu / 1e6, l1, l2 }'
