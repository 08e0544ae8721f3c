#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the cluster tests and measurements (Debian's slurm-wlm and munge).
#   one-node-cluster.sh start DIR   writes DIR/slurm.conf (state, spool, logs and pid files in DIR), starts munged when
#                                   no munge daemon answers, then slurmctld and slurmd; waits until the node is idle and
#                                   prints the line to use it: export SLURM_CONF=DIR/slurm.conf
#   one-node-cluster.sh stop DIR    stops the daemons it started, by their pid files in DIR.
# Exit code 3, with the reason on standard error, when Slurm cannot run here (not installed, not root, no idle node).
# The daemons run at the niceness $PNEUMO_SLURM_NICE (default 0); jobs inherit it.
set -uo pipefail
action="${1:-}"; dir="${2:-}"
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
mkdir -p "$dir"; dir="$(cd "$dir" && pwd)"
cant() { echo "slurm: $1" >&2; exit 3; }

stop() {
  for name in slurmd slurmctld munged; do
    [ -f "$dir/$name.pid" ] || continue
    pid="$(cat "$dir/$name.pid")"
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$dir/$name.pid"
  done
}

if [ "$action" = stop ]; then stop; exit 0; fi
[ "$action" = start ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

for program in slurmctld slurmd munged sbatch squeue sinfo; do
  command -v "$program" >/dev/null || [ -x "/usr/sbin/$program" ] || cant "$program is not installed (Debian: apt-get install slurm-wlm munge)"
done
[ "$(id -u)" -eq 0 ] || cant "a one-node test cluster needs root (slurmd runs jobs as their users)"
nice_level="${PNEUMO_SLURM_NICE:-0}"

# munge: the key, then a daemon unless one answers already (then it is not ours to stop).
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none || cant "cannot write /etc/munge/munge.key"
  chown munge:munge /etc/munge/munge.key; chmod 0400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /run/munge /var/lib/munge /var/log/munge; chown munge:munge /run/munge /var/lib/munge /var/log/munge
  runuser -u munge -- /usr/sbin/munged --force --pid-file="$dir/munged.pid" || cant "munged did not start"
  chmod 0644 "$dir/munged.pid" 2>/dev/null
  for _ in $(seq 1 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || cant "munged does not answer"
fi

# Two free TCP ports for slurmctld and slurmd.
free_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    ss -ltn 2>/dev/null | awk '{print $4}' | grep -qE ":$p\$" || { echo "$p"; return; }
  done
  echo 26817
}
ctld_port="$(free_port)"; d_port="$(free_port)"; [ "$d_port" != "$ctld_port" ] || d_port=$((ctld_port + 1))
host="$(hostname -s)"
cpus="$(nproc)"
mem_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p "$dir/state" "$dir/spool" "$dir/log"
cat > "$dir/slurm.conf" <<CONF
ClusterName=pneumo-test
SlurmctldHost=$host
AuthType=auth/munge
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$dir/slurm.conf"
nice -n "$nice_level" /usr/sbin/slurmctld -i || { stop; cant "slurmctld did not start (see $dir/log/slurmctld.log)"; }
nice -n "$nice_level" /usr/sbin/slurmd || { stop; cant "slurmd did not start (see $dir/log/slurmd.log)"; }
for _ in $(seq 1 60); do
  sinfo -h -o %t 2>/dev/null | grep -qx idle && { echo "export SLURM_CONF=$dir/slurm.conf"; exit 0; }
  sleep 0.5
done
state="$(sinfo -h -o %t 2>&1 | head -1)"
stop
cant "the node did not become idle in 30 s (state: ${state:-none}; see $dir/log/)"
