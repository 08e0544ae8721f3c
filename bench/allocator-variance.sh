#!/usr/bin/env bash
# The spread of one SZANet epoch's peak RssAnon between runs of the same images and seed, under glibc allocator settings.
# Each run is `pneumo bench --image-store-phase store-second` (a short epoch from the decoded-image store, in a new
# process); the settings alternate run by run. Needs a quiet machine: images/s are recorded too.
#
#   bench/allocator-variance.sh OUT [RUNS] [BATCHES] [SETTINGS...]
#
# SETTINGS: `pneumo` (Pneumo's own: no mmap, no trimming; Runtime/NativeAllocator.cs) or `mmapN` (glibc's allocator
# with blocks of N MB and more mapped on their own, trimming still off) or `gen0-N` (Pneumo's allocator, and a .NET
# gen0 budget of N MB, so that an epoch of a few batches runs without a garbage collection) or `arenaN` (Pneumo's
# allocator with at most N glibc arenas shared by all threads, MALLOC_ARENA_MAX). Writes OUT/runs.tsv, OUT/README.md and each
# run's phase JSON and log.
set -euo pipefail
args="$*"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"; runs="${2:-4}"; batches="${3:-40}"; shift $(( $# < 3 ? $# : 3 ))
settings=("$@"); [ ${#settings[@]} -gt 0 ] || settings=(pneumo mmap64 mmap16)
data="$(realpath "${PNEUMO_DATA:-$here/../shared/data/chest_xray}")"
store="$out/store"; seed=42
cd "$here"
commit="$(git rev-parse HEAD)$(git diff --quiet HEAD -- src bench || echo ' (uncommitted changes)')"
command="bench/allocator-variance.sh $args"
./pneumo bench --image-store-phase store-first --data "$data" --image-store-dir "$store" --out "$out/first.json" \
  --image-store-epoch no --image-store-pipeline no --image-store-batches "$batches" --seed $seed > "$out/first.log"
printf 'setting\trun\timages_per_s\tstart_rss_anon_mb\tpeak_rss_anon_mb\tmanaged_committed_mb\tnative_arenas_mb\tnative_in_use_mb\tnative_mmapped_mb\n' > "$out/runs.tsv"
for r in $(seq 1 "$runs"); do
  for s in "${settings[@]}"; do
    case $s in
      pneumo) env=() ;;
      gen0-*) env=(DOTNET_GCgen0size=$(printf '0x%x' $(( ${s#gen0-} * 1048576 )))) ;;
      arena*) env=(MALLOC_ARENA_MAX=${s#arena}) ;;
      mmap*) mb=${s#mmap}; env=(PNEUMO_DEFAULT_MALLOC=1 MALLOC_MMAP_THRESHOLD_=$((mb * 1048576)) MALLOC_TRIM_THRESHOLD_=2147483647 MALLOC_TOP_PAD_=268435456) ;;
      *) echo "unknown setting '$s' (pneumo, mmapN, gen0-N or arenaN)" >&2; exit 2 ;;
    esac
    json="$out/$s-$r.json"
    env "${env[@]}" ./pneumo bench --image-store-phase store-second --data "$data" --image-store-dir "$store" --out "$json" \
      --image-store-epoch yes --image-store-pipeline no --image-store-batches "$batches" --seed $seed > "$out/$s-$r.log"
    # the phase's epoch line: "... at X img/s; RssAnon S MB at its start ..., peak P MB, ...; at the peak: managed committed M MB, native arenas A MB (U in use), mmapped N MB"
    sed -nE "s/^epoch: .* at ([0-9.]+) img\/s; RssAnon ([0-9]+) MB at its start.*, peak ([0-9]+) MB, .*managed committed ([0-9]+) MB, native arenas ([0-9]+) MB \(([0-9]+) in use\), mmapped ([0-9]+) MB$/$s\t$r\t\1\t\2\t\3\t\4\t\5\t\6\t\7/p" \
      "$out/$s-$r.log" > "$out/row"
    [ -s "$out/row" ] || { echo "$out/$s-$r.log: no epoch line to read (has the phase's log format changed?)" >&2; exit 1; }
    cat "$out/row" | tee -a "$out/runs.tsv"; rm -f "$out/row"
  done
done
rm -rf "$store"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
{
  echo "# One epoch's peak RssAnon between runs of the same images and seed"
  echo
  echo "- Command: \`$command\`"
  echo "- Commit: \`$commit\`, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- Seed: $seed in every run; $batches batches of 32 from the training set's store (the 5,216 images of $data)"
  echo "- Each run is a new process; the settings alternate run by run. Per-run numbers in runs.tsv (the parts of the peak read when it was reached); each run's phase JSON and log beside it."
  echo
  echo "| setting | runs | peak RssAnon MB, each run | median | min | max | images/s, each run | median |"
  echo "|---|---|---|---|---|---|---|---|"
  for s in "${settings[@]}"; do
    peaks=$(awk -F'\t' -v s="$s" '$1 == s { print $5 }' "$out/runs.tsv"); speeds=$(awk -F'\t' -v s="$s" '$1 == s { print $3 }' "$out/runs.tsv")
    echo "| $s | $(echo "$peaks" | wc -l) | $(echo $peaks | sed 's/ /, /g') | $(echo "$peaks" | median) | $(echo "$peaks" | sort -n | head -1) | $(echo "$peaks" | sort -n | tail -1) | $(echo $speeds | sed 's/ /, /g') | $(echo "$speeds" | median) |"
  done
} > "$out/README.md"
cat "$out/README.md"
