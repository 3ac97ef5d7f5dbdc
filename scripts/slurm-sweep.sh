#!/usr/bin/env bash
# A sweep on a Slurm cluster: a job array of N shards (`sgd-landscape sweep --shard K/N`, one
# task each) and a merge job that runs when every shard has succeeded (afterok), writing the
# same SWEEP-RESULT.json as `sgd-landscape sweep` on one machine.
#
#   scripts/slurm-sweep.sh FILE SWEEP.json SWEEP-RESULT.json [--shards N] [--cpus C] [--wait]
#                          [--parts DIR] [--cli PATH] [-- SBATCH-OPTION...]
#
#   --shards N   array tasks (default 8; at most the grid's cell count is useful)
#   --cpus C     CPUs per task (sbatch --cpus-per-task; the task's worker threads; default 1)
#   --wait       return when the merge job ends, with its exit code (else print the job ids)
#   --parts DIR  where the parts and the logs go (default: SWEEP-RESULT.json's name + .parts/)
#   --cli PATH   the built CLI (default: dist/cli.js next to this script)
#   after --     passed to both sbatch calls (e.g. --partition=gpu --time=01:00:00 --account=x)
#
# What the nodes need: Node >= 20 on PATH (or SGD_NODE=/path/to/node), and FILE, SWEEP.json,
# the built CLI (`npm run build`: dist/) with its node_modules (esbuild bundles FILE on the node),
# and the parts folder on a file system every node sees (paths are made absolute here). Each
# task checks this first and says what is missing in its log (DIR/shard-K.log).
set -euo pipefail

die() {
  echo "slurm-sweep: $*" >&2
  exit 2
}
usage="usage: slurm-sweep.sh FILE SWEEP.json SWEEP-RESULT.json [--shards N] [--cpus C] [--wait] [--parts DIR] [--cli PATH] [-- SBATCH-OPTION...]"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
positional=()
shards=8
cpus=1
wait=0
parts=
cli="$here/../dist/cli.js"
sbatch_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --shards) shards=${2:-}; shift 2 ;;
    --cpus) cpus=${2:-}; shift 2 ;;
    --wait) wait=1; shift ;;
    --parts) parts=${2:-}; shift 2 ;;
    --cli) cli=${2:-}; shift 2 ;;
    --) shift; sbatch_extra=("$@"); break ;;
    -h | --help) echo "$usage"; exit 0 ;;
    -*) die "unknown option $1; $usage" ;;
    *) positional+=("$1"); shift ;;
  esac
done
[ ${#positional[@]} -eq 3 ] || die "$usage"
[[ "$shards" =~ ^[0-9]+$ ]] && [ "$shards" -ge 1 ] && [ "$shards" -le 10000 ] || die "--shards must be an integer in [1, 10000], got '$shards'"
[[ "$cpus" =~ ^[0-9]+$ ]] && [ "$cpus" -ge 1 ] && [ "$cpus" -le 64 ] || die "--cpus must be an integer in [1, 64], got '$cpus'"
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm login node"

abs() { (cd "$(dirname "$1")" && printf '%s/%s\n' "$(pwd)" "$(basename "$1")"); }
file=$(abs "${positional[0]}")
config=$(abs "${positional[1]}")
out=$(abs "${positional[2]}")
[ -f "$file" ] || die "${positional[0]}: no such file"
[ -f "$config" ] || die "${positional[1]}: no such file"
[ -f "$cli" ] || die "$cli not found: run npm run build first (or give --cli)"
cli=$(abs "$cli")
parts=${parts:-$out.parts}
mkdir -p "$parts"
parts=$(cd "$parts" && pwd)
rm -f "$parts"/part-*.json

# The checks every task runs first: Node >= 20 and the CLI, where the node sees them.
node_check='
node=${SGD_NODE:-node}
command -v "$node" >/dev/null || { echo "slurm-sweep: no node on PATH on $(hostname) (Node >= 20 needed; or set SGD_NODE)" >&2; exit 2; }
major=$("$node" -p "process.versions.node.split(\".\")[0]")
[ "$major" -ge 20 ] || { echo "slurm-sweep: Node $("$node" --version) on $(hostname); Node >= 20 needed" >&2; exit 2; }
[ -f '"'$cli'"' ] || { echo "slurm-sweep: '"$cli"' not visible on $(hostname) (a shared file system is needed)" >&2; exit 2; }'

array=$(
  sbatch --parsable --job-name=sgd-sweep --array="0-$((shards - 1))" --cpus-per-task="$cpus" \
    --output="$parts/shard-%a.log" "${sbatch_extra[@]}" <<EOF
#!/usr/bin/env bash
set -euo pipefail
$node_check
exec "\$node" '$cli' sweep '$file' --config '$config' --shard "\$SLURM_ARRAY_TASK_ID/$shards" \\
  --out "$parts/part-\$SLURM_ARRAY_TASK_ID.json" --workers '$cpus' --quiet
EOF
)
array=${array%%;*}

parts_list=$(for k in $(seq 0 $((shards - 1))); do printf "'%s' " "$parts/part-$k.json"; done)
merge_opts=(--parsable --job-name=sgd-sweep-merge --dependency="afterok:$array" --kill-on-invalid-dep=yes --output="$parts/merge.log")
[ "$wait" = 1 ] && merge_opts+=(--wait)
set +e
merge=$(
  sbatch "${merge_opts[@]}" "${sbatch_extra[@]}" <<EOF
#!/usr/bin/env bash
set -euo pipefail
$node_check
exec "\$node" '$cli' merge $parts_list --out '$out'
EOF
)
status=$?
set -e
merge=${merge%%;*}
echo "slurm-sweep: array job $array ($shards shards, logs $parts/shard-*.log), merge job $merge -> $out" >&2
if [ "$wait" = 1 ]; then
  if [ "$status" -ne 0 ]; then
    echo "slurm-sweep: the merge job did not succeed (exit $status); see $parts/merge.log and $parts/shard-*.log" >&2
    exit 1
  fi
  echo "slurm-sweep: wrote $out" >&2
fi
echo "$array $merge"
