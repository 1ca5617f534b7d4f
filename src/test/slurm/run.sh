#!/usr/bin/env bash
# The test of `minima slurm` against a real Slurm (docs/cluster.md), run by .ci/run after `mvn -B verify`.
# Starts a one-node cluster (munged, slurmctld, slurmd as root, everything under a temporary folder, stopped by
# their PIDs on exit), submits a tiny experiment (CSV data made here, a small MLP, 4 trainings each with sharpness
# and the Hessian, one interpolation pair) as a 3-task array plus the report job, waits for both, and checks that
# every model's weights and every number of results.json equal those of one plain `reproduce` process.
# Needs root and Debian's slurmctld slurmd slurm-client munge; fails with one line naming what did not work.
# Environment: MINIMA_JAR (default target/minima.jar), MINIMA_SLURM_PORT (slurmctld's port, slurmd's is the next;
# default 16817), MINIMA_SLURM_TIMEOUT (seconds to wait for the jobs, default 240).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
JAR=${MINIMA_JAR:-$ROOT/target/minima.jar}
PORT=${MINIMA_SLURM_PORT:-16817}
TIMEOUT=${MINIMA_SLURM_TIMEOUT:-240}
T0=$(date +%s.%N)

fail() {
  echo "slurm test: FAILED: $*" >&2
  exit 1
}

[ "$(id -u)" = 0 ] || fail "must run as root (it starts munged, slurmctld and slurmd)"
[ -f "$JAR" ] || fail "no $JAR (build it with mvn -B package)"
for c in munged slurmctld slurmd sbatch sinfo squeue scontrol; do
  command -v $c >/dev/null 2>&1 || fail "$c is not installed (apt-get install slurmctld slurmd slurm-client munge)"
done

T=$(mktemp -d /tmp/minima-slurm.XXXXXX)
mkdir -p "$T"/{spool,state,log,munge,run}
stop() {
  local code=$?
  for f in "$T/run/slurmd.pid" "$T/run/slurmctld.pid" "$T/munge/pid"; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  if [ $code -ne 0 ]; then
    echo "slurm test: daemon and job logs kept in $T" >&2
  else
    sleep 1
    rm -rf "$T"
  fi
}
trap stop EXIT

# --- the one-node cluster -------------------------------------------------------------------------------------
mkdir -p /etc/munge
if [ ! -f /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chmod 400 /etc/munge/munge.key
fi
munged --force -S "$T/munge/socket" --pid-file "$T/munge/pid" --log-file "$T/munge/log" --seed-file "$T/munge/seed" \
  || fail "munged did not start (see $T/munge/log)"
HOST=$(hostname -s)
MEM=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 1024 ))
cat > "$T/slurm.conf" <<EOC
ClusterName=minima
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/socket
CredType=cred/munge
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST CPUs=$(nproc) RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOC
export SLURM_CONF=$T/slurm.conf
slurmctld -f "$T/slurm.conf" || fail "slurmctld did not start (see $T/log/slurmctld.log)"
slurmd -f "$T/slurm.conf" || fail "slurmd did not start (see $T/log/slurmd.log)"
state=
for _ in $(seq 1 60); do
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 1
done
[ "$state" = idle ] || fail "the node $HOST is not idle in sinfo after 60 s (state '${state:-none}'; see $T/log/slurmctld.log, $T/log/slurmd.log)"
T1=$(date +%s.%N)

# --- the tiny experiment --------------------------------------------------------------------------------------
# 120 examples of 3 blobs in 4 features; awk's own generator with a fixed seed (the same file for both runs)
awk 'BEGIN { srand(5); for (i = 0; i < 120; i++) { c = i % 3; x = (c == 0 ? 0 : c == 1 ? 4 : -4) + 2 * rand() - 1;
  y = (c == 0 ? 4 : -2) + 2 * rand() - 1; printf "%.6f,%.6f,%.6f,%.6f,%d\n", x, y, rand() - 0.5, rand() - 0.5, c } }' > "$T/blobs.csv"
cat > "$T/tiny.yaml" <<EOY
experiment: tiny-slurm
description: The CI test of minima slurm (src/test/slurm/run.sh).
base:
  model: {input: [4], classes: 3, layers: [{type: linear, in: 4, out: 8}, {type: relu}, {type: linear, in: 8, out: 3}]}
  data: {train: $T/blobs.csv, test: $T/blobs.csv}
  optimizer: {name: adam, lr: 0.01}
  batch: {size: 8}
  epochs: 3
runs:
  - {name: sb1, role: SB, seed: 1}
  - {name: lb1, role: LB, seed: 1, batch: {size: 60}}
  - {name: sb2, role: SB, seed: 2}
  - {name: lb2, role: LB, seed: 2, batch: {size: 60}}
analyses:
  sharpness: {eps: [1e-3], maxIter: 5}
  hessian: {top: 1, maxSteps: 20}
  interpolate: {pairs: [[sb1, lb1]], alpha: "-0.5:1.5:5"}
EOY

# --- on the cluster: a 3-task array and the report job after it -----------------------------------------------
OUT=$T/out-slurm
submitted=$(java ${MINIMA_JAVA_OPTS:-} -jar "$JAR" slurm "$T/tiny.yaml" --out "$OUT" --tasks 3 --cpus-per-task 1 --mem 2G --time 10 --submit) \
  || fail "minima slurm --submit did not submit the jobs"
echo "$submitted"
ARRAY=$(sed -n 's/^array job \([0-9]*\):.*/\1/p' <<< "$submitted")
REPORT=$(sed -n 's/^report job \([0-9]*\) .*/\1/p' <<< "$submitted")
[ -n "$ARRAY" ] && [ -n "$REPORT" ] || fail "minima slurm --submit printed no job ids"
waited=0
while [ -n "$(squeue -h -j "$ARRAY,$REPORT" -o %i 2>/dev/null)" ]; do
  [ $waited -lt "$TIMEOUT" ] || { scancel "$ARRAY" "$REPORT" 2>/dev/null || true; fail "the jobs did not end within $TIMEOUT s (logs: $OUT/slurm/logs)"; }
  sleep 2
  waited=$((waited + 2))
done
states=$( (scontrol -o show job "$ARRAY"; scontrol -o show job "$REPORT") 2>/dev/null | grep -o 'JobId=[0-9]* .*JobState=[A-Z_]*' \
  | sed 's/ .*JobState=/ /' | tr '\n' ' ' || true)
for id in "$ARRAY" "$REPORT"; do
  bad=$(scontrol -o show job "$id" 2>/dev/null | grep -v 'JobState=COMPLETED' | grep -o 'JobId=[0-9]* .*JobState=[A-Z_]*' | sed 's/ .*JobState=/: /' || true)
  if [ -n "$bad" ]; then
    tail -n 5 "$OUT"/slurm/logs/*.err >&2 2>/dev/null || true
    fail "a job did not complete: ${bad//$'\n'/, } (logs: $OUT/slurm/logs)"
  fi
done
T2=$(date +%s.%N)
[ -f "$OUT/results.json" ] || fail "the report job wrote no $OUT/results.json"
[ "$(cat "$OUT"/slurm/logs/array-*.err | grep -c '^reproduce: task [0-2] of 3: ')" = 3 ] || fail "the array's logs do not show the tasks (logs: $OUT/slurm/logs)"

# --- the same experiment in one process, at the same thread count ---------------------------------------------
ONE=$T/out-one
java ${MINIMA_JAVA_OPTS:-} -jar "$JAR" reproduce "$T/tiny.yaml" --out "$ONE" --threads 1 --quiet > /dev/null || fail "the one-process reproduce failed"
T3=$(date +%s.%N)

for run in sb1 lb1 sb2 lb2; do
  cmp -s "$OUT/$run/weights.safetensors" "$ONE/$run/weights.safetensors" || fail "the weights of $run differ from the one-process run"
done
# results.json: the same text once the output folder's name is the same (it holds the figures, no times)
diff <(sed "s|$ONE|OUT|g" "$ONE/results.json") <(sed "s|$OUT|OUT|g" "$OUT/results.json") > "$T/results.diff" \
  || fail "results.json differs from the one-process run: $(head -c 300 "$T/results.diff" | tr '\n' ' ')"
cmp -s "$OUT/plots/interpolation-sb1-lb1.csv" "$ONE/plots/interpolation-sb1-lb1.csv" || fail "the interpolation differs from the one-process run"

awk -v a="$T0" -v b="$T1" -v c="$T2" -v d="$T3" 'BEGIN { printf "slurm test: passed: cluster up in %.1f s; 3-task array + report job %.0f s; " \
  "the same experiment in one process %.0f s; total %.0f s\n", b - a, c - b, d - c, d - a }'
echo "slurm test: job states: $states"
