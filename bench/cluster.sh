#!/usr/bin/env bash
# bench/cluster.sh DATA_DIR [ROUNDS] [ember bench tpch flags...]
#
# TPC-H on a cluster against local mode, on the same cores, side by side:
# it builds ember, starts a master and two workers of one core each on this
# machine (random ports, temporary work dirs), and runs `ember bench tpch`
# ROUNDS times (default 3) on the cluster and in local mode with 2 cores,
# alternately, so that both see the same machine, after one untimed pass of
# each. Each round prints both totals (the sum of the per-query medians)
# and their ratio.
#
#   bench/cluster.sh ../shared/tpch/sf0.1 3 --warmup 2 --runs 5
set -euo pipefail
cd "$(dirname "$0")/.."
data=$(cd "$1" && pwd)
rounds=${2:-3}
shift $(( $# >= 2 ? 2 : 1 ))
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/ember" ./cmd/ember
ember="$work/ember"

"$ember" master --port 0 --gossip-port 0 --ui-port -1 --work-dir "$work/master" 2> "$work/master.log" &
for _ in $(seq 100); do grep -q 'ember master: rpc' "$work/master.log" && break; sleep 0.1; done
rpc=$(sed -n 's/.*ember master: rpc \([^,]*\),.*/\1/p' "$work/master.log")
gossip=$(sed -n 's/.*, gossip \([^,]*\),.*/\1/p' "$work/master.log")
for w in 1 2; do
  "$ember" worker --join "$gossip" --cores 1 --work-dir "$work/worker$w" 2> "$work/worker$w.log" &
done
for _ in $(seq 100); do
  [ "$(grep -c 'worker joined' "$work/master.log")" -ge 2 ] && break; sleep 0.1
done

total() { sed -n 's/^total *//p'; }
cluster() { "$ember" bench tpch --data "$data" --master "$rpc" --conf ember.sql.shuffle.partitions=2 "$@" | total; }
local_() { "$ember" bench tpch --data "$data" --conf ember.cores=2 "$@" | total; }
# One untimed pass of each first: the files enter the page cache and the
# workers' heaps grow to their working size, so that neither side pays for
# what the other warmed. The rounds then alternate which side goes first.
cluster --warmup 0 --runs 1 > /dev/null
local_ --warmup 0 --runs 1 > /dev/null
for r in $(seq "$rounds"); do
  if (( r % 2 )); then c=$(cluster "$@"); l=$(local_ "$@"); else l=$(local_ "$@"); c=$(cluster "$@"); fi
  echo "round $r: cluster $c ms, local $l ms, ratio $(awk -v c="$c" -v l="$l" 'BEGIN { printf "%.2f", c / l }')"
done
