#!/usr/bin/env bash
# The default model's service side by side on one machine (issue 34, item 3): the service of the day the issue was
# filed (BASE_DLL: dc9e509's build, --engine onnx), today's with float ONNX Runtime (--engine onnx, the default) and
# today's with int8 (--engine onnx-int8), each soaked with `pneumo bench --soak --url` in turn, round after round, so
# that the machine's drift falls on all three alike. Concurrency 8, every request with Grad-CAM.
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
  "$@" --model "$model" --urls "http://127.0.0.1:$port" --quiet > "$out/$name.server.log" 2>&1 &
  pids+=($!); echo "$name $!" >> "$out/servers.txt"
  for _ in $(seq 300); do grep -q "listening on" "$out/$name.server.log" && return 0; sleep 1; done
  echo "$name did not start" >&2; exit 1
}
: > "$out/servers.txt"
targets=()
if [ "$base" != none ]; then start base 5181 dotnet "$base" serve; targets+=("base 5181"); fi
start onnx 5182 "$here/pneumo" serve --engine onnx; targets+=("onnx 5182")
start int8 5183 "$here/pneumo" serve --engine onnx-int8; targets+=("int8 5183")
# The server's CPU time (user + system) per request, warm-up included: robust to a busy machine, where requests/s is not.
ticks=$(getconf CLK_TCK)
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
: > "$out/cpu.txt"
for r in $(seq "$rounds"); do
  for t in "${targets[@]}"; do
    set -- $t
    pid=$(awk -v n="$1" '$1 == n { print $2 }' "$out/servers.txt")
    before=$(cpu "$pid")
    "$here/pneumo" bench --soak --url "http://127.0.0.1:$2" --pid "$pid" --requests "$requests" --block-size "$requests" \
      --concurrency 8 --out "$out/$1-$r" | grep -E "^service:" | sed "s/^service/$1 round $r/"
    after=$(cpu "$pid")
    echo "$1 $r $(( (after - before) * 1000 / ticks / (requests + 32) ))" | tee -a "$out/cpu.txt"
  done
done
