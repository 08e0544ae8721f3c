#!/usr/bin/env bash
# Cold `pneumo predict` of one image, best of N fresh processes: results/bench/default-ensemble/coldpredict.sh MODEL [N]
# (run from the repository root after ./pneumo has built .build/pneumo; the 2026-12-06 figures used the same
# ReadyToRun publish, copied outside the checkout so that builds during the session could not change it).
set -euo pipefail
img=../shared/data/chest_xray/train/NORMAL/IM-0115-0001.jpeg
n=${2:-5}
for i in $(seq "$n"); do
  s=$(date +%s.%N); dotnet .build/pneumo/pneumo.dll predict --model "$1" "$img" > /dev/null; e=$(date +%s.%N)
  echo "run $i: $(echo "$e - $s" | bc) s"
done
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
