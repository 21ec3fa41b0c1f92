#!/usr/bin/env bash
# Throughput of a plain Netty hello server against the same server behind zt's ZeroTrustHandler (cached token),
# measured with wrk in one run: each server (NettyHelloServer) on its own single-thread event loop, by default in
# its own JVM (JVMS=1 puts both in one JVM, where they share JIT profiles), and wrk (one thread) hits them in
# alternating rounds so both see the same machine state.
#
#   zt-benchmarks/netty-wrk.sh                 # 2 warm-up rounds of 5 s, then 5 measured rounds of 10 s per server
#   ROUNDS=3 DURATION=5s CONNECTIONS=64 zt-benchmarks/netty-wrk.sh
#   JVMS=1 zt-benchmarks/netty-wrk.sh          # both servers in one JVM
#   SECOND=spin700 zt-benchmarks/netty-wrk.sh  # the control: plain against a server that burns 700 ns per request
#
# Installs wrk (Debian package) if it is missing. Prints a Markdown table of the rounds: requests/s as wrk saw them,
# and the server JVM's CPU time per request (user + system, from /proc), which stays meaningful when wrk and the
# server share too few cores for the server alone to be the bottleneck.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"
JVMS="${JVMS:-2}"
WARMUP="${WARMUP:-2}"
# passthrough: a do-nothing handler in zt's place (what one more handler costs); spin<n>: a handler that burns n ns
# of CPU per request (what a known amount of work costs under wrk); both JVMS=2 only
SECOND="${SECOND:-zt}"

if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk >/dev/null
fi

./mvnw -B -q -pl zt-benchmarks -am package -DskipTests

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# starts NettyHelloServer in mode $1 (both | plain | zt); it serves until its stdin (a FIFO we hold open) closes
start() {
  local mode="$1"
  mkfifo "$WORK/$mode.in"
  java -Xms512m -Xmx512m -cp zt-benchmarks/target/benchmarks.jar dev.zt.benchmarks.NettyHelloServer "$mode" \
    <"$WORK/$mode.in" >"$WORK/$mode.out" &
  PIDS+=("$!")
  exec {holder}<>"$WORK/$mode.in"
  for _ in $(seq 1 300); do
    if [ -s "$WORK/$mode.out" ]; then return; fi
    sleep 0.2
  done
  echo "NettyHelloServer $mode did not start" >&2
  exit 1
}

if [ "$JVMS" = 1 ]; then
  start both
  PLAIN_PID="${PIDS[0]}"
  ZT_PID="${PIDS[0]}"
  read -r PLAIN_PORT ZT_PORT TOKEN <"$WORK/both.out"
else
  start plain
  start "$SECOND"
  PLAIN_PID="${PIDS[0]}"
  ZT_PID="${PIDS[1]}"
  read -r PLAIN_PORT _ _ <"$WORK/plain.out"
  read -r _ ZT_PORT TOKEN <"$WORK/$SECOND.out"
fi

TICKS_PER_SECOND="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# one wrk run; prints "requests/s server-CPU-µs-per-request"; fails on any non-2xx answer or socket error
run() {
  local port="$1" secs="$2" pid="$3" out before after
  before="$(cpu_ticks "$pid")"
  out="$(wrk -t1 -c"$CONNECTIONS" -d"$secs" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/hello")"
  after="$(cpu_ticks "$pid")"
  if grep -qE 'Non-2xx|Socket errors' <<<"$out"; then
    echo "wrk saw errors on port $port:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk -v b="$before" -v a="$after" -v hz="$TICKS_PER_SECOND" '
    /^Requests\/sec:/ {rps = $2}
    / requests in / {n = $1}
    END {printf "%s %.2f\n", rps, (a - b) / hz * 1e6 / n}' <<<"$out"
}

for _ in $(seq 1 "$WARMUP"); do
  run "$PLAIN_PORT" 5s "$PLAIN_PID" >/dev/null
  run "$ZT_PORT" 5s "$ZT_PID" >/dev/null
done

echo "| round | plain req/s | zt req/s | zt / plain | plain CPU µs/req | zt CPU µs/req |"
echo "|---:|---:|---:|---:|---:|---:|"
results=""
for i in $(seq 1 "$ROUNDS"); do
  read -r p pc <<<"$(run "$PLAIN_PORT" "$DURATION" "$PLAIN_PID")"
  read -r z zc <<<"$(run "$ZT_PORT" "$DURATION" "$ZT_PID")"
  results+="$p $z $pc $zc"$'\n'
  awk -v i="$i" -v p="$p" -v z="$z" -v pc="$pc" -v zc="$zc" \
    'BEGIN {printf "| %d | %.0f | %.0f | %.3f | %.1f | %.1f |\n", i, p, z, z / p, pc, zc}'
done
awk 'NF == 4 {p += $1; z += $2; pc += $3; zc += $4; n++}
  END {printf "| mean | %.0f | %.0f | **%.3f** | %.1f | %.1f |\n", p / n, z / n, z / p, pc / n, zc / n}' <<<"$results"
