#!/usr/bin/env bash
# Side-by-side runs of echo servers, alternating round by round: requests (or datagrams) per
# second, the server's CPU time per request, and how often the server's main thread gave up its CPU
# (voluntary context switches per request, over the server's whole life: a server waiting in
# epoll for work makes one each time; lock waits count too); datagram loss in udp mode. The load
# generator is this checkout's echo-bench (built); each run is 5 s after 1 s of warm-up.
#
#   bash scripts/ab-echo.sh tcp SIZE ROUNDS NAME=CHECKOUT...   # apps/echo-server of built checkouts
#   bash scripts/ab-echo.sh tls SIZE ROUNDS NAME=CHECKOUT...   # the bench's TLS echo of each checkout
#   bash scripts/ab-echo.sh udp SIZE ROUNDS 'NAME=SCRIPT [ARG...]'...   # datagram echo servers
#
# A server prints "port N" on standard error, as echo-server does. PIN=1 runs the server on CPU 1
# and the generator on CPU 0 (taskset). The environment passes through to the servers (for example
# WIREKIT_TCP_WRITES=stream).
set -euo pipefail
mode=${1:?usage: bash scripts/ab-echo.sh tcp|tls|udp SIZE ROUNDS NAME=CHECKOUT|SCRIPT...}
size=${2:?size}
rounds=${3:?rounds}
shift 3
root=$(cd "$(dirname "$0")/.." && pwd)
server_cpu=()
generator_cpu=()
if [ "${PIN:-0}" = 1 ]; then
  server_cpu=(taskset -c 1)
  generator_cpu=(taskset -c 0)
fi
load_flags=()
[ "$mode" = udp ] && load_flags=(--udp)
[ "$mode" = tls ] && load_flags=(--tls)
certificates=$root/packages/test-certificates/certs

server_pid=
# A run that fails (the generator exits non-zero under set -e) must not leave its server running.
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null' EXIT

run() {
  local name=${1%%=*} target=${1#*=} log pid port out switches
  log=$(mktemp)
  if [ "$mode" = tcp ]; then
    "${server_cpu[@]}" node "$target/apps/echo-server/dist/main.js" --host 127.0.0.1 --port 0 \
      --log-level warn 2> "$log" &
  elif [ "$mode" = tls ]; then
    "${server_cpu[@]}" node "$target/apps/echo-bench/dist/wirekit-tls-echo-server.js" \
      --tls-cert "$certificates/server-cert.pem" --tls-key "$certificates/server-key.pem" 2> "$log" &
  else
    # shellcheck disable=SC2086 # a script and its arguments
    "${server_cpu[@]}" node $target 2> "$log" &
  fi
  pid=$!
  server_pid=$pid
  for _ in $(seq 200); do grep -q 'port [0-9]' "$log" && break; sleep 0.05; done
  port=$(grep -o 'port [0-9]*' "$log" | head -1 | cut -d' ' -f2)
  out=$("${generator_cpu[@]}" node "$root/apps/echo-bench/dist/main.js" "${load_flags[@]}" \
    --port "$port" --size "$size" --duration 5 --warmup 1 --server-pid "$pid" --json)
  switches=$(awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$pid/status")
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  server_pid=
  rm -f "$log"
  SWITCHES=$switches NAME=$name node -e '
    let text = ""
    process.stdin.on("data", (d) => (text += d)).on("end", () => {
      const run = JSON.parse(text)
      const rate = run.requestsPerSecond
      const cpu = run.serverCpu ?? {}
      const micros = (cpu.userMicrosPerRequest ?? 0) + (cpu.systemMicrosPerRequest ?? 0)
      // The switches span the warm-up and the measured window: about 6 s at the measured rate.
      const perRequest = Number(process.env.SWITCHES) / (6 * rate)
      const datagrams = run.datagrams
      const loss = datagrams === undefined ? "" : ` lost ${datagrams.lost} of ${datagrams.sent}`
      console.log(`${process.env.NAME} ${Math.round(rate)}/s cpu ${micros.toFixed(2)} µs` +
        ` sleeps/request ${perRequest.toFixed(3)}${loss}`)
    })' <<< "$out"
}

for _ in $(seq "$rounds"); do
  for server in "$@"; do
    run "$server"
  done
done
