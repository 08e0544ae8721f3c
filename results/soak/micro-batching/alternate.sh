#!/usr/bin/env bash
# Side by side on one machine: today's service (main's build), the branch with micro-batching off (--max-batch 1), and
# on (--max-batch 8 --batch-wait-ms 3), each soaked with `pneumo bench --soak --url` in turn, round after round, so
# that a shared machine's drift falls on all three alike. Concurrency 8, every request with Grad-CAM.
# Usage: alternate.sh MODEL_DIR OUT_DIR ROUNDS REQUESTS [BASE_DLL]
#   BASE_DLL: pneumo.dll published from main (default /tmp/pneumo-main/pneumo.dll; none = skip the base target).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
model="$1" out="$2" rounds="$3" requests="$4" base="${5:-/tmp/pneumo-main/pneumo.dll}"
mkdir -p "$out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
start() {  # NAME PORT COMMAND...: starts a server, waits for it to listen
  local name="$1" port="$2"; shift 2
  nice -n 15 "$@" --model "$model" --urls "http://127.0.0.1:$port" --quiet > "$out/$name.server.log" 2>&1 &
  pids+=($!); echo "$name $!" >> "$out/servers.txt"
  for _ in $(seq 300); do grep -q "listening on" "$out/$name.server.log" && return 0; sleep 1; done
  echo "$name did not start" >&2; exit 1
}
: > "$out/servers.txt"
targets=()
if [ "$base" != none ]; then start base 5181 dotnet "$base" serve; targets+=("base 5181"); fi
start off 5182 "$here/pneumo" serve --max-batch 1; targets+=("off 5182")
start on 5183 "$here/pneumo" serve --max-batch 8 --batch-wait-ms 3; targets+=("on 5183")
# The server's CPU time (user + system) per request, warm-up included: robust to a busy machine, where requests/s is not.
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
: > "$out/cpu.txt"
for r in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    set -- $t
    pid=$(awk -v n="$1" '$1 == n { print $2 }' "$out/servers.txt")
    before=$(cpu "$pid")
    nice -n 15 "$here/pneumo" bench --soak --url "http://127.0.0.1:$2" --pid "$pid" --requests "$requests" --block-size "$requests" \
      --concurrency 8 --out "$out/$1-$r" | grep -E "^service:" | sed "s/^service/$1 round $r/"
    after=$(cpu "$pid")
    echo "$1 $r $(( (after - before) * 1000 / ticks / (requests + 32) ))" | tee -a "$out/cpu.txt"
  done
done
