#!/usr/bin/env python3
"""The short runs side by side: per epoch, each run's training loss and validation loss, accuracy and AUC, from each
run folder's history.csv (bf16-s42, fp32-s42, bf16-s7, fp32-s7). Usage: compare.py [RUNS_DIR]."""
import csv, sys, pathlib
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
runs = [(p, s) for s in ("42", "7") for p in ("fp32", "bf16") if (root / f"{p}-s{s}" / "history.csv").exists()]
rows = {r: list(csv.DictReader(open(root / f"{r[0]}-s{r[1]}" / "history.csv"))) for r in runs}
print("| run | epoch | loss | val_loss | val_accuracy | val_auc | img/s |")
print("|---|---|---|---|---|---|---|")
for (p, s), history in rows.items():
    for h in history:
        print(f"| {p}, seed {s} | {h['epoch']} | {float(h['loss']):.4f} | {float(h['val_loss']):.4f} | {float(h['val_accuracy']):.4f} | "
              f"{float(h['val_auc']):.4f} | {float(h['images_per_second']):.1f} |")
last = {r: h[-1] for r, h in rows.items()}
for s in ("42", "7"):
    if ("fp32", s) in last and ("bf16", s) in last:
        f, b = last[("fp32", s)], last[("bf16", s)]
        print(f"- seed {s}, last epoch, bf16 - fp32: val_loss {float(b['val_loss']) - float(f['val_loss']):+.4f}, "
              f"val_accuracy {float(b['val_accuracy']) - float(f['val_accuracy']):+.4f}, val_auc {float(b['val_auc']) - float(f['val_auc']):+.4f}")
for p in ("fp32", "bf16"):
    if (p, "42") in last and (p, "7") in last:
        a, b = last[(p, "42")], last[(p, "7")]
        print(f"- {p}, last epoch, seed 7 - seed 42: val_loss {float(b['val_loss']) - float(a['val_loss']):+.4f}, "
              f"val_accuracy {float(b['val_accuracy']) - float(a['val_accuracy']):+.4f}, val_auc {float(b['val_auc']) - float(a['val_auc']):+.4f}")
