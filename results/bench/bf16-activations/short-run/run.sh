#!/usr/bin/env bash
# Short trainings of resnet18-full with the shipped recipe, bf16 (activations in bfloat16, 00eb557) against fp32, at two
# seeds on the same validation images (--split-seed 42): does bf16 give the validation results fp32 gives, within the
# spread of seeds? Usage: run.sh PNEUMO_DLL DATA (from this folder; writes one folder per run).
set -euo pipefail
dll=$1; data=$2
R="--arch resnet18-full --lr 5e-4 --backbone-lr-scale 0.2 --layer-lr-decay 0.7 --weight-decay 0.01 --schedule cosine --warmup 0.5
   --crop-scale 0.5 --zoom 0 --brightness 0.3 --contrast 0.3 --gamma 0.25 --erase 0.5 --center-crop 0.875 --threshold-rule default
   --ema 0.995 --data $data --epochs 2 --split-seed 42"
for seed in 42 7; do
  for precision in bf16 fp32; do
    [ -f "$precision-s$seed/history.csv" ] && continue   # resumable: a finished run is kept
    dotnet "$dll" train $R --precision $precision --seed $seed --out "$precision-s$seed"
  done
done
