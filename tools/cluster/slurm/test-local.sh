#!/usr/bin/env bash
# npm run test:cluster — the Slurm recipe for real, on this machine: a single-node Slurm from Debian's packages
# (slurm-wlm, munge; installed with apt-get when missing, so run it as root), started with a private munge key,
# config and ports in a temporary folder; a generated folder labelled once by one process and once by submit.sh as a
# 4-task job array with the dependent merge job; the merged zip checked against the one-process zip
# (tools/cluster/compareDatasets.ts: the same COCO annotations, every other file byte for byte). Everything it
# started is stopped at the end. Prints how long it took.
#
#   SAM3_SLURM_IMAGES=24 (images in the folder)  SAM3_SLURM_PORT=16817 (slurmctld; slurmd the next port)
#   SAM3_SLURM_KEEP=1 (keep the temporary folder: logs, zips)
set -euo pipefail
cd "$(dirname "$0")/../../.."
repo="$PWD"
t0=$(date +%s)
IMAGES=${SAM3_SLURM_IMAGES:-24}
PORT=${SAM3_SLURM_PORT:-16817}
SHARDS=4

say() { echo "== $*"; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "slurm-wlm and munge are not installed; run this as root to install them" >&2; exit 1; }
  say "installing slurm-wlm and munge (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends slurm-wlm munge >/dev/null; }
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "npm ci"
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi

W=$(mktemp -d /tmp/sam3-slurm.XXXXXX)
chmod 755 "$W"
cleanup() {
  for p in "$W/slurmd.pid" "$W/slurmctld.pid" "$W/munge/munged.pid"; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
  sleep 1
  if [ "${SAM3_SLURM_KEEP:-}" = 1 ]; then echo "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

say "munge and a one-node Slurm in $W (ports $PORT, $((PORT + 1)))"
mkdir -p "$W/munge" "$W/state" "$W/spool" "$W/logs" "$W/out"
chmod 700 "$W/munge"
mungekey --create --keyfile="$W/munge/munge.key" --force >/dev/null 2>&1 ||
  dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$W/munge/munge.key"
# --force: root owns the folders here, which munged otherwise refuses.
munged --force --socket="$W/munge/munge.socket" --key-file="$W/munge/munge.key" --pid-file="$W/munge/munged.pid" \
  --log-file="$W/munge/munged.log" --seed-file="$W/munge/munged.seed"
host=$(hostname -s)
cat >"$W/slurm.conf" <<CONF
ClusterName=sam3test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$W/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/logs/slurmctld.log
SlurmdLogFile=$W/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$W/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 60); do
  sinfo -h -o '%T' 2>/dev/null | grep -qx idle && break
  sleep 1
done
sinfo -h -o '%T' | grep -qx idle || { echo "the Slurm node did not come up"; tail -20 "$W/logs/"*.log; exit 1; }

say "a folder of $IMAGES generated images"
node --import tsx tools/cluster/makeTestFolder.ts "$W/images" "$IMAGES"
LABEL=(--pack public/packs/demo --images "$W/images" --phrases "red, blue, green" --device cpu)

say "one process"
t1=$(date +%s)
node --import tsx tools/label/label.ts "${LABEL[@]}" --out "$W/one.zip" >"$W/logs/one.json" 2>"$W/logs/one.err" ||
  { cat "$W/logs/one.err"; exit 1; }
one_s=$(($(date +%s) - t1))

say "sbatch: $SHARDS-task array + dependent merge (tools/cluster/slurm/submit.sh)"
t2=$(date +%s)
ids=$(tools/cluster/slurm/submit.sh --pack public/packs/demo --images "$W/images" --phrases "red, blue, green" \
  --out "$W/out/dataset.zip" --shards "$SHARDS" --label-args "--device cpu" -- --output="$W/logs/%x-%A_%a.out")
echo "$ids"
array=$(echo "$ids" | sed -E 's/^array ([0-9]+).*/\1/')
merge=$(echo "$ids" | sed -E 's/.*merge ([0-9]+).*/\1/')
state() { scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -1 | cut -d= -f2; }
for _ in $(seq 600); do
  case "$(state "$merge")" in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;;
  esac
  sleep 1
done
cluster_s=$(($(date +%s) - t2))
scontrol show job "$array" | grep -E 'ArrayTaskId|JobState' | paste - - | sed -E 's/ +/ /g'
echo "merge job $merge: $(state "$merge")"
if [ "$(state "$merge")" != COMPLETED ]; then
  tail -n 20 "$W"/logs/*.out "$W/logs/slurmctld.log"
  exit 1
fi
cat "$W"/logs/sam3-merge-*.out

say "merged 4-shard dataset against the one-process dataset"
node --import tsx tools/cluster/compareDatasets.ts "$W/one.zip" "$W/out/dataset.zip"
say "passed in $(($(date +%s) - t0)) s (one process ${one_s} s; array + merge on Slurm ${cluster_s} s)"
