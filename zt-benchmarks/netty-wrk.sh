#!/usr/bin/env bash
# Throughput of a plain Netty hello server against the same server behind zt's ZeroTrustHandler (cached token),
# measured with wrk in one run: the two servers live in one JVM (NettyHelloServer), each on its own single-thread
# event loop, and wrk (one thread) hits them in alternating rounds so both see the same machine state.
#
#   zt-benchmarks/netty-wrk.sh                 # 2 warm-up rounds of 5 s, then 5 measured rounds of 10 s per server
#   ROUNDS=3 DURATION=5s CONNECTIONS=64 zt-benchmarks/netty-wrk.sh
#
# Installs wrk (Debian package) if it is missing. Prints a Markdown table of the rounds: requests/s as wrk saw them,
# and the server JVM's CPU time per request (user + system, from /proc), which stays meaningful when wrk and the
# server share too few cores for the server alone to be the bottleneck.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${ROUNDS:-5}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-32}"

if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq wrk >/dev/null
fi

./mvnw -B -q -pl zt-benchmarks -am package -DskipTests

coproc SERVER { exec java -Xms512m -Xmx512m -cp zt-benchmarks/target/benchmarks.jar dev.zt.benchmarks.NettyHelloServer; }
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
read -r PLAIN_PORT ZT_PORT TOKEN <&"${SERVER[0]}"

TICKS_PER_SECOND="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }

# one wrk run; prints "requests/s server-CPU-µs-per-request"; fails on any non-2xx answer or socket error
run() {
  local port="$1" secs="$2" out before after
  before="$(cpu_ticks)"
  out="$(wrk -t1 -c"$CONNECTIONS" -d"$secs" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/hello")"
  after="$(cpu_ticks)"
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

for _ in 1 2; do
  run "$PLAIN_PORT" 5s >/dev/null
  run "$ZT_PORT" 5s >/dev/null
done

echo "| round | plain req/s | zt req/s | zt / plain | plain CPU µs/req | zt CPU µs/req |"
echo "|---:|---:|---:|---:|---:|---:|"
results=""
for i in $(seq 1 "$ROUNDS"); do
  read -r p pc <<<"$(run "$PLAIN_PORT" "$DURATION")"
  read -r z zc <<<"$(run "$ZT_PORT" "$DURATION")"
  results+="$p $z $pc $zc"$'\n'
  awk -v i="$i" -v p="$p" -v z="$z" -v pc="$pc" -v zc="$zc" \
    'BEGIN {printf "| %d | %.0f | %.0f | %.3f | %.1f | %.1f |\n", i, p, z, z / p, pc, zc}'
done
awk 'NF == 4 {p += $1; z += $2; pc += $3; zc += $4; n++}
  END {printf "| mean | %.0f | %.0f | **%.3f** | %.1f | %.1f |\n", p / n, z / n, z / p, pc / n, zc / n}' <<<"$results"

exec {SERVER[1]}>&-
wait "$SERVER_PID" 2>/dev/null || true
trap - EXIT
