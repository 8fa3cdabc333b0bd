#!/usr/bin/env bash
# Labels a folder on a Slurm cluster: a job array of N tasks (label-array.sbatch, one shard each) and a merge job
# (merge.sbatch) that starts when every task has succeeded and writes one dataset zip. Run it from the sam3-web
# checkout (on a filesystem the compute nodes share, with `npm ci` done):
#
#   tools/cluster/slurm/submit.sh --pack /shared/packs/sam3 --images /shared/photos --phrases "dog, cat" \
#       --out /shared/out/dataset.zip --shards 8 [--label-args "--threshold 0.4 --device cuda"] [-- sbatch options…]
#
# sbatch options after `--` go to both jobs (-p gpu, --gres=gpu:1, --time=4:00:00, --output=logs/%x-%A_%a.out …).
# Prints the array's and the merge's job ids. If a task fails, the merge is cancelled (its dependency can never be
# met); submit the failed shard again alone (`sbatch --array=K …`, see label-array.sbatch), then the merge.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
usage() { sed -n '5,7p' "$0" | sed 's/^#  *//' >&2; exit 2; }
LABEL_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --pack) SAM3_PACK="$(realpath "$2")"; shift 2 ;;
    --images) SAM3_IMAGES="$(realpath "$2")"; shift 2 ;;
    --phrases) SAM3_PHRASES="$2"; shift 2 ;;
    --out) SAM3_OUT="$(realpath -m "$2")"; shift 2 ;;
    --shards) SAM3_SHARDS="$2"; shift 2 ;;
    --label-args) LABEL_ARGS="$2"; shift 2 ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done
[ -n "${SAM3_PACK:-}" ] && [ -n "${SAM3_IMAGES:-}" ] && [ -n "${SAM3_PHRASES:-}" ] && [ -n "${SAM3_OUT:-}" ] \
  && [ -n "${SAM3_SHARDS:-}" ] || usage
[[ "$SAM3_SHARDS" =~ ^[1-9][0-9]*$ ]] || { echo "--shards $SAM3_SHARDS: a whole number ≥ 1" >&2; exit 2; }
mkdir -p "$(dirname "$SAM3_OUT")"
export SAM3_WEB="$repo" SAM3_PACK SAM3_IMAGES SAM3_PHRASES SAM3_OUT SAM3_SHARDS SAM3_LABEL_ARGS="$LABEL_ARGS"
array=$(sbatch --parsable --array=0-$((SAM3_SHARDS - 1)) --export=ALL "$@" "$here/label-array.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:"$array" --kill-on-invalid-dep=yes --export=ALL "$@" "$here/merge.sbatch")
merge=${merge%%;*}
echo "array $array ($SAM3_SHARDS tasks) → merge $merge → $SAM3_OUT"
