#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/run.sh — `make bench`: llmc against the official Node SDKs, a bare libcurl multi loop, curl
# and wrk, on the same requests to the same loopback servers in one run; writes bench/RESULTS.md
# and bench/*.png (bench/report.mjs). Servers: the emulator (tests/server, --threads 2) and, for
# the ceilings, nginx (one worker) serving responses pre-built from the emulator's own answers.
# Every load is bounded in count and in time, goes to 127.0.0.1 only, and every process started
# here is stopped by its pid on the way out.
#
# usage: bench/run.sh [BUILD_DIR]     (default: build; the library and emulator must be built)
# env:   BENCH_ROUNDS (5), BENCH_SECONDS (2, per throughput run), BENCH_QUICK=1 (a short smoke run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
OUT=$BUILD/bench
ROUNDS=${BENCH_ROUNDS:-5}
TPUT_ROUNDS=${BENCH_TPUT_ROUNDS:-3} # the long part: 3 rounds keep `make bench` under 15 minutes
SECS=${BENCH_SECONDS:-2}
SEQ_N=2000
STREAM_EVENTS=100000
OPEN_STREAMS=1000
OPEN_EVENTS=1000
LEVELS="1 16 64 256"
CLI_RUNS=60
NODE_CLI_RUNS=15
if [ "${BENCH_QUICK:-0}" = 1 ]; then
  ROUNDS=1 TPUT_ROUNDS=1 SECS=1 SEQ_N=300 OPEN_STREAMS=100 OPEN_EVENTS=200 LEVELS="1 64" CLI_RUNS=5 NODE_CLI_RUNS=3
fi
MODEL=claude-haiku-4-5 # not on the SDK's deprecation list (it would print a warning per call)
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---- tools: install what is missing from Debian; the SDKs from the conformance lock file ----
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v gnuplot >/dev/null || need+=(gnuplot-nox)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx-light)
[ -x /usr/bin/time ] || need+=(time)
command -v node >/dev/null || need+=(nodejs npm)
command -v cc >/dev/null || need+=(gcc)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -d "$ROOT/tests/conformance/node_modules/@anthropic-ai/sdk" ]; then
  log "installing the pinned SDKs (npm ci in tests/conformance)"
  (cd "$ROOT/tests/conformance" && npm ci --no-audit --no-fund --loglevel=error)
fi

EMULATOR=$BUILD/tests/server/llmc-emulator
LLMC_CLI=$BUILD/tools/llmc/llmc
[ -x "$EMULATOR" ] && [ -x "$LLMC_CLI" ] && [ -e "$BUILD/src/libllmc.so" ] ||
  { echo "bench: build first (make build): $BUILD has no emulator, CLI or libllmc" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/nginx/logs" "$OUT/work"
RESULTS=$OUT/results.jsonl
: >"$RESULTS"

log "building the bench programs"
CFLAGS="-O2 -g -std=c11 -Wall -Wextra"
cc $CFLAGS -I"$ROOT/include" "$ROOT/bench/llmc_bench.c" -o "$OUT/bin/llmc_bench" \
  -L"$BUILD/src" -lllmc -Wl,-rpath,"$BUILD/src" -lpthread
cc $CFLAGS "$ROOT/bench/curl_multi.c" -o "$OUT/bin/curl_multi" -lcurl
LB=$OUT/bin/llmc_bench
CM=$OUT/bin/curl_multi
SDK="node $ROOT/bench/node/sdk.mjs"
HAVE_BATCH=0
# (not grep -q after nm: nm would die of SIGPIPE, and pipefail would call that a failure)
if grep -q 'llmc_batch_run' "$ROOT/include/llmc/llmc.h" && nm -D "$BUILD/src/libllmc.so" | grep -E ' T llmc_batch_run(@|$)' >/dev/null; then
  cc $CFLAGS -DLLMC_BENCH_BATCH -I"$ROOT/include" "$ROOT/bench/llmc_bench.c" -o "$OUT/bin/llmc_bench" \
    -L"$BUILD/src" -lllmc -Wl,-rpath,"$BUILD/src" -lpthread
  HAVE_BATCH=1
fi
HAVE_MULTI=0 # the public multi API (llmc_multi_*)
if nm -D "$BUILD/src/libllmc.so" | grep -E ' T llmc_multi_perform(@|$)' >/dev/null; then HAVE_MULTI=1; fi
# one command's stdout into a pipe (read by cat): wall time, bytes and events per second as one JSON line
cat >"$OUT/bin/pipe_time" <<'EOF'
#!/usr/bin/env bash
# usage: pipe_time EVENTS COMMAND...
set -o pipefail
events=$1; shift
t0=$(date +%s%N)
bytes=$("$@" | cat | wc -c) || exit 1
t1=$(date +%s%N)
awk -v e="$events" -v b="$bytes" -v ns=$((t1 - t0)) \
  'BEGIN { printf "{\"events\":%d,\"bytes\":%d,\"wall_s\":%.6f,\"events_per_s\":%.1f}\n", e, b, ns / 1e9, e / (ns / 1e9) }'
EOF
chmod +x "$OUT/bin/pipe_time"

# ---- servers ----
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# shellcheck source=../tests/server/emulator-keys.env
source "$ROOT/tests/server/emulator-keys.env"
"$EMULATOR" --port 0 --port-file "$OUT/work/port" --threads 2 --max-recorded 16 >/dev/null 2>"$OUT/work/emulator.log" &
pids+=($!)
for _ in $(seq 100); do [ -s "$OUT/work/port" ] && break; sleep 0.05; done
EPORT=$(cat "$OUT/work/port")
EMU=http://127.0.0.1:$EPORT

export XDG_CONFIG_HOME=$OUT/work/xdg # never the user's configuration, key store or log
export XDG_DATA_HOME=$OUT/work/xdg-data XDG_STATE_HOME=$OUT/work/xdg-state
mkdir -p "$XDG_CONFIG_HOME"
unset ANTHROPIC_AUTH_TOKEN ANTHROPIC_CUSTOM_HEADERS CEREBRAS_CUSTOM_HEADERS OPENAI_ORG_ID OPENAI_PROJECT_ID LLMC_LOG || true
export ANTHROPIC_API_KEY=$EMU_ANTHROPIC_VALID OPENAI_API_KEY=$EMU_OPENAI_VALID CEREBRAS_API_KEY=$EMU_CEREBRAS_VALID
export OPENAI_BASE_URL=$EMU/openai/v1 CEREBRAS_BASE_URL=$EMU/cerebras
BODY="{\"model\":\"$MODEL\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}"
SBODY="{\"model\":\"$MODEL\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}"
HDRS=$OUT/work/headers # keys stay out of argv (and so out of hyperfine's export)
printf 'content-type: application/json\nanthropic-version: 2023-06-01\nx-api-key: %s\n' "$ANTHROPIC_API_KEY" >"$HDRS"

# pre-built responses for nginx: the emulator's own answers to the same requests
curl -sf -X POST "$EMU/anthropic/v1/messages" -H @"$HDRS" -d "$BODY" -o "$OUT/nginx/message.json"
curl -sf -X POST "$EMU/anthropic/v1/messages" -H @"$HDRS" -H "x-emulator-stream-events: $STREAM_EVENTS" \
  -d "$SBODY" -o "$OUT/nginx/stream.sse"
NPORT=
for p in $(seq 18080 18180); do
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { NPORT=$p; break; }
done
cat >"$OUT/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $OUT/nginx/body;
  keepalive_requests 10000000;
  server {
    listen 127.0.0.1:$NPORT;
    # a POST to a static file is a 405; answer it with the file instead
    location = /json/anthropic/v1/messages { default_type application/json; alias $OUT/nginx/message.json; error_page 405 =200 \$uri; }
    location = /sse/anthropic/v1/messages { default_type text/event-stream; alias $OUT/nginx/stream.sse; error_page 405 =200 \$uri; }
  }
}
EOF
"$NGINX" -c "$OUT/nginx/nginx.conf" -p "$OUT/nginx" 2>"$OUT/work/nginx.log" &
pids+=($!)
for _ in $(seq 100); do curl -sf -X POST "http://127.0.0.1:$NPORT/json/anthropic/v1/messages" -o /dev/null && break; sleep 0.05; done
NGX=http://127.0.0.1:$NPORT

# ---- recording: each run prints one JSON line; tag it and append it ----
# record SCENARIO CLIENT SERVER ROUND COMMAND... (each run is also bounded by `timeout`; every client
# also gives up on a request after 10 s, should a server stop answering a connection)
record() {
  local scenario=$1 client=$2 server=$3 round=$4 line
  shift 4
  local status=0
  line=$(timeout 120 "$@" 2>>"$OUT/work/stderr.log" | tail -n 1) || status=$?
  if [ $status != 0 ] || [ "${line:0:1}" != "{" ]; then
    log "FAILED (exit $status): $scenario $client $server round $round ($*)"
    tail -n 5 "$OUT/work/stderr.log" >&2
    return 0
  fi
  printf '{"scenario":"%s","client":"%s","server":"%s","round":%d,%s\n' "$scenario" "$client" "$server" "$round" \
    "${line:1}" >>"$RESULTS"
}
# wrk prints text: turn its summary into the same JSON line
WRK_LUA=$OUT/work/post.lua
cat >"$WRK_LUA" <<EOF
wrk.method = "POST"
wrk.body = '$BODY'
wrk.headers["content-type"] = "application/json"
wrk.headers["accept"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
wrk.headers["x-api-key"] = os.getenv("ANTHROPIC_API_KEY")
done = function(summary, latency, requests)
  io.write(string.format('{"inflight":%d,"requests":%d,"failed":%d,"wall_s":%.6f,"rps":%.1f}\n', tonumber(os.getenv("WRK_C")),
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.duration / 1e6, summary.requests / (summary.duration / 1e6)))
end
EOF

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)
log "emulator $EMU, nginx $NGX, rounds $ROUNDS, load $LOAD_BEFORE"

# ---- 1. sequential non-streamed requests ----
log "1. sequential: $SEQ_N requests per run"
for r in $(seq "$ROUNDS"); do
  record seq llmc anthropic "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" "$LB" seq "anthropic/$MODEL" "$SEQ_N"
  record seq sdk anthropic "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" $SDK seq anthropic "$SEQ_N"
  record seq llmc openai "$r" "$LB" seq openai/gpt-4.1-mini "$SEQ_N"
  record seq sdk openai "$r" $SDK seq openai "$SEQ_N"
  record seq llmc cerebras "$r" "$LB" seq cerebras/gpt-oss-120b "$SEQ_N"
  record seq sdk cerebras "$r" $SDK seq cerebras "$SEQ_N"
done

# ---- 2. throughput at N in flight ----
log "2. throughput: ${SECS}s per run at $LEVELS in flight, $TPUT_ROUNDS rounds"
BATCH_N=$((SECS * 40000)) # input lines; the run stops after $SECS s (llmc_batch_stop)
for r in $(seq "$TPUT_ROUNDS"); do
  for n in $LEVELS; do
    record tput wrk emulator "$r" env WRK_C="$n" wrk -t1 -c"$n" -d"${SECS}s" -s "$WRK_LUA" "$EMU/anthropic/v1/messages"
    record tput curl_multi emulator "$r" "$CM" tput "$EMU/anthropic/v1/messages" "$n" 10000000 "$SECS"
    record tput llmc_threads emulator "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" "$LB" tput "anthropic/$MODEL" "$n" 10000000 "$SECS"
    if [ "$HAVE_BATCH" = 1 ]; then record tput llmc_batch emulator "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" "$LB" batch "$MODEL" "$n" "$BATCH_N" "$SECS" "$OUT/work"; fi
    if [ "$HAVE_MULTI" = 1 ]; then record tput llmc_multi emulator "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" "$LB" multi "anthropic/$MODEL" "$n" 10000000 "$SECS"; fi
    record tput sdk_anthropic emulator "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" $SDK tput anthropic "$n" 1000000 "$SECS"
    record tput sdk_openai emulator "$r" $SDK tput openai "$n" 1000000 "$SECS"
    record tput sdk_cerebras emulator "$r" $SDK tput cerebras "$n" 1000000 "$SECS"
  done
  # the ceilings once more against nginx (static answer, one worker)
  for n in 64; do
    record tput wrk nginx "$r" env WRK_C="$n" wrk -t1 -c"$n" -d"${SECS}s" -s "$WRK_LUA" "$NGX/json/anthropic/v1/messages"
    record tput curl_multi nginx "$r" "$CM" tput "$NGX/json/anthropic/v1/messages" "$n" 10000000 "$SECS"
    record tput llmc_threads nginx "$r" env ANTHROPIC_BASE_URL="$NGX/json/anthropic" "$LB" tput "anthropic/$MODEL" "$n" 10000000 "$SECS"
    if [ "$HAVE_BATCH" = 1 ]; then record tput llmc_batch nginx "$r" env ANTHROPIC_BASE_URL="$NGX/json/anthropic" "$LB" batch "$MODEL" "$n" "$BATCH_N" "$SECS" "$OUT/work"; fi
    if [ "$HAVE_MULTI" = 1 ]; then record tput llmc_multi nginx "$r" env ANTHROPIC_BASE_URL="$NGX/json/anthropic" "$LB" multi "anthropic/$MODEL" "$n" 10000000 "$SECS"; fi
    record tput sdk_anthropic nginx "$r" env ANTHROPIC_BASE_URL="$NGX/json/anthropic" $SDK tput anthropic "$n" 1000000 "$SECS"
  done
done

# ---- 3. one 100,000-event stream ----
log "3. streaming: $STREAM_EVENTS events"
for r in $(seq $((ROUNDS + 2))); do
  for srv in emulator nginx; do
    if [ $srv = emulator ]; then base=$EMU/anthropic; else base=$NGX/sse/anthropic; fi
    record stream curl "$srv" "$r" "$CM" stream "$base/v1/messages" "$STREAM_EVENTS"
    record stream llmc "$srv" "$r" env ANTHROPIC_BASE_URL="$base" "$LB" stream "anthropic/$MODEL" "$STREAM_EVENTS"
    record stream llmc_pull "$srv" "$r" env ANTHROPIC_BASE_URL="$base" "$LB" pull "anthropic/$MODEL" "$STREAM_EVENTS"
    record stream sdk_anthropic "$srv" "$r" env ANTHROPIC_BASE_URL="$base" $SDK stream "$STREAM_EVENTS"
  done
done

# ---- 3b. the CLI streaming one 100,000-event reply into a pipe (curl -N: the same bytes, undecoded) ----
log "3b. CLI stream into a pipe: $STREAM_EVENTS events"
for r in $(seq "$ROUNDS"); do
  for srv in emulator nginx; do
    if [ $srv = emulator ]; then base=$EMU/anthropic; extra="x-emulator-stream-events: $STREAM_EVENTS"; else base=$NGX/sse/anthropic; extra="x-bench: 1"; fi
    record cli_stream llmc "$srv" "$r" env ANTHROPIC_BASE_URL="$base" ANTHROPIC_CUSTOM_HEADERS="$extra" \
      "$OUT/bin/pipe_time" "$STREAM_EVENTS" "$LLMC_CLI" -m "anthropic/$MODEL" --max-tokens 64 --stream "Hello there"
    record cli_stream llmc_nolog "$srv" "$r" env ANTHROPIC_BASE_URL="$base" ANTHROPIC_CUSTOM_HEADERS="$extra" \
      "$OUT/bin/pipe_time" "$STREAM_EVENTS" "$LLMC_CLI" -m "anthropic/$MODEL" --max-tokens 64 --stream --no-log "Hello there"
    record cli_stream curl "$srv" "$r" "$OUT/bin/pipe_time" "$STREAM_EVENTS" \
      curl -sfN -X POST "$base/v1/messages" -H @"$HDRS" -H "$extra" -d "$SBODY"
  done
done

# ---- 4. peak RSS with many streams open ----
log "4. $OPEN_STREAMS open streams of $OPEN_EVENTS events"
for r in $(seq "$ROUNDS"); do
  record streams llmc emulator "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" "$LB" streams "anthropic/$MODEL" "$OPEN_STREAMS" "$OPEN_EVENTS"
  record streams sdk_anthropic emulator "$r" env ANTHROPIC_BASE_URL="$EMU/anthropic" $SDK streams "$OPEN_STREAMS" "$OPEN_EVENTS"
done

# ---- 5. the CLI: one request, process start to exit ----
log "5. CLI: hyperfine"
export ANTHROPIC_BASE_URL=$EMU/anthropic
printf '%s' "$BODY" >"$OUT/work/body.json"
LLMC_CMD="$LLMC_CLI -m anthropic/$MODEL --max-tokens 64 --no-stream Hello\\ there" # hyperfine -N splits words
CURL_CMD="curl -sf -X POST $EMU/anthropic/v1/messages -H @$HDRS -d @$OUT/work/body.json"
NODE_CMD="node $ROOT/bench/node/one.mjs"
for tool in llmc curl node; do
  case $tool in
    llmc) cmd=("$LLMC_CLI" -m "anthropic/$MODEL" --max-tokens 64 --no-stream "Hello there") ;;
    curl) cmd=(curl -sf -X POST "$EMU/anthropic/v1/messages" -H @"$HDRS" -d @"$OUT/work/body.json") ;;
    node) cmd=(node "$ROOT/bench/node/one.mjs") ;;
  esac
  # each must really get the reply, or its timing means nothing
  "${cmd[@]}" 2>&1 | grep -q 'You said: Hello there' || { echo "bench: $tool did not get the reply" >&2; exit 1; }
  rss=$(/usr/bin/time -f '%M' "${cmd[@]}" 2>&1 >/dev/null | tail -n 1)
  printf '{"scenario":"cli_rss","client":"%s","server":"emulator","round":1,"max_rss_kib":%s}\n' "$tool" "$rss" >>"$RESULTS"
done
hyperfine -N --style none --warmup 3 --runs "$CLI_RUNS" --export-json "$OUT/work/cli.json" \
  -n llmc "$LLMC_CMD" -n curl "$CURL_CMD" >/dev/null
hyperfine -N --style none --warmup 2 --runs "$NODE_CLI_RUNS" --export-json "$OUT/work/cli-node.json" \
  -n node "$NODE_CMD" >/dev/null

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
cat >"$OUT/meta.json" <<EOF
{"date":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","seconds":$(($(date +%s) - START)),"rounds":$ROUNDS,"tput_rounds":$TPUT_ROUNDS,"run_seconds":$SECS,
 "seq_n":$SEQ_N,"stream_events":$STREAM_EVENTS,"open_streams":$OPEN_STREAMS,"open_events":$OPEN_EVENTS,
 "load_before":"$LOAD_BEFORE","load_after":"$LOAD_AFTER","cpus":$(nproc),"cpu":"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')",
 "kernel":"$(uname -r)","curl":"$(curl --version | head -n1 | cut -d' ' -f2)","node":"$(node --version)",
 "nginx":"$("$NGINX" -v 2>&1 | sed 's/.*\///')","wrk":"$(wrk -v 2>&1 | head -n1 | cut -d' ' -f2)",
 "have_batch":$HAVE_BATCH,"have_multi":$HAVE_MULTI,"quick":${BENCH_QUICK:-0},"commit":"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"}
EOF
log "report"
node "$ROOT/bench/report.mjs" "$OUT" "$ROOT/bench"
log "done in $(($(date +%s) - START)) s: bench/RESULTS.md"
