#!/usr/bin/env python3
"""Summarises alternate.sh's runs: per target, each round's requests/s, p50 and p99 (and the server's CPU ms per request
when cpu.txt is there), and their medians; ratios between the targets round by round."""
import json, statistics, sys, pathlib
out = pathlib.Path(sys.argv[1])
runs = {}
for f in sorted(out.glob("*-*/soak.json")):
    name, r = f.parent.name.rsplit("-", 1)
    t = json.loads(f.read_text())["targets"][0]
    runs.setdefault(name, {})[int(r)] = t
servers = out / "servers.txt"  # the targets in the order alternate.sh started them
order = [l.split()[0] for l in servers.read_text().split("\n") if l.strip()] if servers.exists() else ["base", "off", "on"]
names = [n for n in order if n in runs]
rounds = sorted(set.intersection(*(set(runs[n]) for n in names)))
print("| target | " + " | ".join(f"round {r}: req/s, p50, p99 ms" for r in rounds) + " | median req/s | median p50 ms | median p99 ms | statuses |")
print("|---|" + "---|" * (len(rounds) + 4))
for n in names:
    cells = [f"{runs[n][r]['requests_per_second']:.2f}, {runs[n][r]['p50_ms']:.0f}, {runs[n][r]['p99_ms']:.0f}" for r in rounds]
    med = lambda k: statistics.median(runs[n][r][k] for r in rounds)
    statuses = {}
    for r in rounds:
        for k, v in runs[n][r]["statuses"].items(): statuses[k] = statuses.get(k, 0) + v
    print(f"| {n} | " + " | ".join(cells) + f" | {med('requests_per_second'):.2f} | {med('p50_ms'):.0f} | {med('p99_ms'):.0f} | {statuses} |")
print()
for n in names[1:]:
    for ref in [x for x in names if x != n and names.index(x) < names.index(n)]:
        ratios = [runs[n][r]["requests_per_second"] / runs[ref][r]["requests_per_second"] for r in rounds]
        p99 = [runs[n][r]["p99_ms"] / runs[ref][r]["p99_ms"] for r in rounds]
        print(f"- {n} / {ref}, round by round: requests/s " + ", ".join(f"{x:.2f}x" for x in ratios)
              + f" (median {statistics.median(ratios):.2f}x); p99 " + ", ".join(f"{x:.2f}x" for x in p99) + f" (median {statistics.median(p99):.2f}x)")

cpu_file = out / "cpu.txt"
if cpu_file.exists():
    cpu = {}
    for line in cpu_file.read_text().split("\n"):
        if line.strip():
            n, r, ms = line.split()
            cpu.setdefault(n, {})[int(r)] = int(ms)
    print()
    print("| target | server CPU ms per request, round by round | median |")
    print("|---|---|---|")
    for n in names:
        if n in cpu:
            print(f"| {n} | " + ", ".join(str(cpu[n][r]) for r in rounds if r in cpu[n]) + f" | {statistics.median(cpu[n][r] for r in rounds if r in cpu[n]):.0f} |")
