#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for trying scripts/slurm-sweep.sh and for its test
# (test/slurm/). Debian/Ubuntu, root, no systemd or cgroups needed; packages `slurm-wlm` and
# `munge` (apt-get install -y slurm-wlm munge). Everything Slurm writes lives in DIR; nothing in
# /etc/slurm is touched (the daemons and the commands read $SLURM_CONF).
#
#   scripts/slurm-local.sh start DIR   # munged (unless one runs), slurmctld, slurmd; waits for the
#                                      # node to be idle; prints: export SLURM_CONF=DIR/slurm.conf
#   scripts/slurm-local.sh stop DIR    # stops what `start DIR` started, by pid
#
# The configuration is the one of docs that worked here: proctrack/linuxproc, task/none,
# cons_tres by core, accounting off; free ports are picked for slurmctld and slurmd.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
die() {
  echo "slurm-local: $*" >&2
  exit 1
}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: slurm-local.sh start|stop DIR"

stop() {
  if [ -f "$dir/slurm.conf" ] && command -v scontrol >/dev/null; then
    SLURM_CONF="$dir/slurm.conf" timeout 10 scontrol shutdown >/dev/null 2>&1 || true
  fi
  for f in slurmd.pid slurmctld.pid; do
    if [ -f "$dir/$f" ]; then
      pid=$(cat "$dir/$f")
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill "$pid" 2>/dev/null || true
    fi
  done
  if [ -f "$dir/munged.started" ]; then
    kill "$(cat "$dir/munged.started")" 2>/dev/null || true
    rm -f "$dir/munged.started"
  fi
}

case "$cmd" in
  stop)
    stop
    exit 0
    ;;
  start) ;;
  *) die "unknown command $cmd (start or stop)" ;;
esac

[ "$(id -u)" = 0 ] || die "needs root (slurmd runs jobs as their user)"
for b in munged slurmctld slurmd sinfo scontrol; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b not found: apt-get install -y slurm-wlm munge"
done
export PATH="$PATH:/usr/sbin"
command -v node >/dev/null || die "node not found (used to pick free ports)"

mkdir -p "$dir"/{state,spool,log}
dir=$(cd "$dir" && pwd)
trap 'stop' ERR

# munge: the key the package made (or a new one), the daemon unless one already answers.
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  if [ ! -s /etc/munge/munge.key ]; then
    mkdir -p /etc/munge
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
  chmod 400 /etc/munge/munge.key
  su -s /bin/sh munge -c /usr/sbin/munged
  for _ in $(seq 1 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  cat /run/munge/munged.pid >"$dir/munged.started"
  munge -n | unmunge >/dev/null || die "munged started but munge -n | unmunge fails"
fi

host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
read -r ctld_port slurmd_port < <(node -e '
const net = require("net");
const one = () => new Promise((r) => { const s = net.createServer().listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => r(p)); }); });
(async () => { const a = await one(); let b = await one(); while (b === a) b = await one(); console.log(a, b); })();')

cat >"$dir/slurm.conf" <<EOF
ClusterName=local
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
SchedulerParameters=sched_interval=2
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF

export SLURM_CONF="$dir/slurm.conf"
slurmctld -c
slurmd
for _ in $(seq 1 150); do
  state=$(sinfo -h -o %T 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || die "the node is not idle after 30 s (state: ${state:-none}); logs in $dir/log"
echo "export SLURM_CONF=$dir/slurm.conf"
