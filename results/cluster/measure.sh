#!/usr/bin/env bash
# The measurement behind results/cluster/README.md: a 3-fold cross-validation through a one-node Slurm cluster on this
# machine (tests/slurm/one-node-cluster.sh), then the same cross-validation with pneumo cv on the same machine; the
# merged results compared file for file, and the scheduling overhead per task from the task records.
# Usage: results/cluster/measure.sh [WORK_DIR]   (needs root, slurm-wlm and munge; writes into results/cluster/)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="$repo/results/cluster"
work="${1:-$(mktemp -d)}"
dll="$repo/src/Pneumo.Cli/bin/Release/net10.0/pneumo.dll"
[ -f "$dll" ] || { echo "build first: dotnet build Pneumo.slnx -c Release" >&2; exit 2; }
pneumo=(dotnet "$dll")
options=(--folds 3 --epochs 2 --limit 40 --seed 42 --bootstrap 2000)
mkdir -p "$work"

bash "$repo/tests/slurm/one-node-cluster.sh" start "$work/slurm" >/dev/null
export SLURM_CONF="$work/slurm/slurm.conf"
trap 'bash "$repo/tests/slurm/one-node-cluster.sh" stop "$work/slurm"' EXIT

start=$(date +%s.%N)
"${pneumo[@]}" cluster cv "${options[@]}" --cpus 1 --out "$work/cluster" | tee "$work/submit.txt"
submitted=$(date +%s.%N)
until [ -f "$work/cluster/cluster-merge.json" ]; do
  if grep -l '"state": "failed"' "$work"/cluster/fold-*/cluster-task.json 2>/dev/null; then echo "a task failed" >&2; exit 1; fi
  sleep 2
done
merged=$(date +%s.%N)
# What Slurm remembers of the jobs (forgotten MinJobAge seconds after they end): submit, start and end times.
for job in $(python3 -c "import json,sys; p=json.load(open('$work/cluster/cluster.json')); print(p['submissions'][0]['array_job'], p['submissions'][0]['merge_job'])"); do
  scontrol -o show job "$job"
done > "$work/scontrol.txt" || true
"${pneumo[@]}" cluster status "$work/cluster" > "$work/status.txt"

local_start=$(date +%s.%N)
"${pneumo[@]}" cv "${options[@]}" --threads 1 --out "$work/local" > "$work/local.txt"
local_end=$(date +%s.%N)

python3 "$out/summarize.py" "$work" "$start" "$submitted" "$merged" "$local_start" "$local_end" "${pneumo[*]} cluster cv ${options[*]} --cpus 1" \
  "${pneumo[*]} cv ${options[*]} --threads 1" > "$out/measurement.json"
cp "$work/cluster/cv.md" "$out/cv-cluster.md"
cp "$work/local/cv.md" "$out/cv-local.md"
cp "$work/cluster/cluster.json" "$out/cluster.json"
cp "$work/status.txt" "$out/status.txt"
cp "$work/scontrol.txt" "$out/scontrol.txt"
for k in 1 2 3; do cp "$work/cluster/fold-$k/cluster-task.json" "$out/fold-$k.cluster-task.json"; done
cp "$work/cluster/cluster-merge.json" "$out/cluster-merge.json"
cat "$out/measurement.json"
