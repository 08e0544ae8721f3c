#!/usr/bin/env python3
"""Label noise of bacterial vs viral: how often two seeds of the same recipe disagree, from Pneumo's own prediction files.

Reads the class columns (class, p_normal, p_bacterial, p_viral) of two predictions.csv files over the same images
(validation_predictions.csv of each run, or each model's test evaluation), takes the pneumonia images (class 1 or 2),
and calls each bacterial when P(bacterial) >= P(viral), as `pneumo evaluate` does. Prints, for each seed, its accuracy
against the file-name labels, and the share of images where the two seeds' calls differ, overall and by label.
Usage: agreement.py A.csv B.csv
"""
import csv
import sys


def calls(path):
    out = {}
    for row in csv.DictReader(open(path)):
        c = int(row["class"])
        if c in (1, 2):
            out[row["path"]] = (c, float(row["p_bacterial"]) >= float(row["p_viral"]))
    return out


a, b = calls(sys.argv[1]), calls(sys.argv[2])
assert a.keys() == b.keys(), "the two files do not cover the same images"
n = len(a)
for name, x in (("seed A", a), ("seed B", b)):
    right = sum((c == 1) == bac for c, bac in x.values())
    print(f"{name}: accuracy {right / n:.4f} ({right} of {n})")
differ = [p for p in a if a[p][1] != b[p][1]]
print(f"the two seeds' calls differ on {len(differ)} of {n} pneumonia images ({len(differ) / n:.1%})")
for c, label in ((1, "bacterial"), (2, "viral")):
    of = [p for p in a if a[p][0] == c]
    d = sum(1 for p in of if a[p][1] != b[p][1])
    print(f"  labelled {label}: {d} of {len(of)} ({d / len(of):.1%})")
both_wrong = sum(1 for p in a if a[p][1] == b[p][1] and (a[p][0] == 1) != a[p][1])
print(f"both seeds contradict the file-name label on {both_wrong} of {n} ({both_wrong / n:.1%}): label errors, or errors both models share")
