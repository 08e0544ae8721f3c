"""Summarises a run of measure.sh: equality of the merged results, wall-clock times, scheduling overhead per task."""
import datetime, filecmp, heapq, json, os, sys

work, start, submitted, merged, local_start, local_end, cluster_command, local_command = sys.argv[1:9]
start, submitted, merged, local_start, local_end = map(float, (start, submitted, merged, local_start, local_end))
cluster, local = os.path.join(work, "cluster"), os.path.join(work, "local")

def utc(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()

files = [f"fold-{k}/{name}" for k in (1, 2, 3) for name in ("split.csv", "validation_predictions.csv", "test/predictions.csv")]
files += ["out-of-fold/predictions.csv", "ensemble/predictions.csv"]
identical = {f: filecmp.cmp(os.path.join(cluster, f), os.path.join(local, f), shallow=False) for f in files}

def without_times(path):
    """history.csv without the columns that time each epoch (seconds, images_per_second)."""
    rows = [line.rstrip("\n").split(",") for line in open(path)]
    keep = [i for i, name in enumerate(rows[0]) if name not in ("seconds", "images_per_second")]
    return [[r[i] for i in keep] for r in rows]

for k in (1, 2, 3):
    f = f"fold-{k}/history.csv"
    identical[f + " (but the epoch times)"] = without_times(os.path.join(cluster, f)) == without_times(os.path.join(local, f))
a, b = (json.load(open(os.path.join(d, "cv.json"))) for d in (cluster, local))
keys = ["finished", "validation_across_folds", "test_across_folds", "out_of_fold_auc", "out_of_fold_count", "ensemble", "ensemble_intervals"]
cv_equal = {k: a.get(k) == b.get(k) for k in keys}

plan = json.load(open(os.path.join(cluster, "cluster.json")))
submit_time = utc(plan["submissions"][0]["submitted_utc"])
tasks = [json.load(open(os.path.join(cluster, u, "cluster-task.json"))) for u in plan["units"]]
merge = json.load(open(os.path.join(cluster, "cluster-merge.json")))
slots = int(os.cpu_count() / plan["resources"]["cpus_per_task"])
# A task can start when the array is submitted and a slot (cpus_per_task of the node's CPUs) is free: the earliest end
# among the tasks before it. Its scheduling overhead is from then to its process's start (Slurm's scheduling, the
# job's set-up, starting dotnet); its start-up from the process's start to its work's start (loading pneumo).
free = [submit_time] * slots
rows = []
for t in sorted(tasks, key=lambda t: utc(t["process_started_utc"])):
    eligible = heapq.heappop(free)
    process, work_start, end = utc(t["process_started_utc"]), utc(t["started_utc"]), utc(t["finished_utc"])
    heapq.heappush(free, end)
    rows.append({"unit": t["unit"], "job": t["job"], "waited_for_a_slot_s": round(eligible - submit_time, 2),
                 "scheduling_overhead_s": round(process - eligible, 2), "startup_s": round(work_start - process, 2),
                 "work_s": t["seconds"]})
last_end = max(utc(t["finished_utc"]) for t in tasks)
merge_row = {"unit": "merge", "job": merge["job"], "scheduling_overhead_s": round(utc(merge["process_started_utc"]) - last_end, 2),
             "startup_s": round(utc(merge["started_utc"]) - utc(merge["process_started_utc"]), 2), "work_s": merge["seconds"]}
overheads = [r["scheduling_overhead_s"] for r in rows] + [merge_row["scheduling_overhead_s"]]
json.dump({
    "cluster_command": cluster_command, "local_command": local_command,
    "commit": plan["provenance"]["commit"], "seed": 42, "machine": plan["provenance"]["machine"],
    "slurm_slots": slots, "identical_files": identical, "cv_json_equal": cv_equal,
    "all_equal": all(identical.values()) and all(cv_equal.values()),
    "wall_clock_s": {"submit_command": round(submitted - start, 2), "cluster_submit_to_merged": round(merged - start, 2),
                     "local_cv": round(local_end - local_start, 2)},
    "tasks": rows, "merge": merge_row,
    "mean_scheduling_overhead_per_job_s": round(sum(overheads) / len(overheads), 2),
    "sum_of_task_work_s": round(sum(t["seconds"] for t in tasks), 1),
}, sys.stdout, indent=2)
print()
