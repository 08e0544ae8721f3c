#!/usr/bin/env python3
"""Prints the validation results per epoch of the short runs before (base) and after (after) the resnet18-full speed
changes, side by side, from each run folder's history.csv. Usage: compare.py RUNS_DIR (holding base-bf16, after-bf16, ...)."""
import csv, sys, pathlib
root = pathlib.Path(sys.argv[1])
for precision in ("bf16", "fp32"):
    runs = {w: root / f"{w}-{precision}" / "history.csv" for w in ("base", "after")}
    if not all(p.exists() for p in runs.values()):
        continue
    rows = {w: list(csv.DictReader(open(p))) for w, p in runs.items()}
    print(f"\n{precision}:\n")
    keys = [k for k in ("loss", "val_loss", "val_accuracy", "val_auc", "seconds") if k in rows["base"][0]]
    print("| epoch | " + " | ".join(f"{k} before / after" for k in keys) + " |")
    print("|---|" + "---|" * len(keys))
    for b, a in zip(rows["base"], rows["after"]):
        print(f"| {b['epoch']} | " + " | ".join(f"{float(b[k]):.4f} / {float(a[k]):.4f}" if k != "seconds" else f"{float(b[k]):.0f} / {float(a[k]):.0f}" for k in keys) + " |")
