// SPDX-License-Identifier: MIT
// sdk.mjs — the official Node SDKs' side of the benchmarks (bench/run.sh drives it), sending the
// same requests as bench/llmc_bench.c to the same server. The SDKs are the ones the conformance
// suite pins (tests/conformance/node_modules); base URLs and keys come from the environment, as
// the SDKs read them. Prints one JSON line of figures. Every loop is bounded in count and time.
//
//   node sdk.mjs seq     SDK COUNT                      SDK: anthropic | openai | cerebras
//   node sdk.mjs tput    SDK INFLIGHT COUNT SECONDS
//   node sdk.mjs stream  EVENTS                         Anthropic SDK, messages.stream() helper
//   node sdk.mjs streams OPEN EVENTS_EACH               Anthropic SDK, OPEN raw streams read round-robin
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const conformance = process.env.LLMC_BENCH_SDKS || path.join(here, '..', '..', 'tests', 'conformance');
const require = createRequire(path.join(conformance, 'package.json'));

const PROMPT = 'Hello there';
const MESSAGES = [{ role: 'user', content: PROMPT }];
// a request the server never answers fails after 10 s instead of holding the run; no retries
const OPTS = { timeout: 10000, maxRetries: 0 };

function makeClient(sdk) {
  if (sdk === 'anthropic') {
    const Anthropic = require('@anthropic-ai/sdk').default;
    const client = new Anthropic(OPTS);
    return () => client.messages.create({ model: 'claude-haiku-4-5', max_tokens: 64, messages: MESSAGES })
      .then((m) => m.content[0].text);
  }
  if (sdk === 'openai') {
    const OpenAI = require('openai').default;
    const client = new OpenAI(OPTS);
    return () => client.chat.completions.create({ model: 'gpt-4.1-mini', messages: MESSAGES, max_tokens: 64 })
      .then((c) => c.choices[0].message.content);
  }
  if (sdk === 'cerebras') {
    const Cerebras = require('@cerebras/cerebras_cloud_sdk').default;
    const client = new Cerebras({ ...OPTS, warmTCPConnection: false });
    return () => client.chat.completions.create({ model: 'gpt-oss-120b', messages: MESSAGES, max_tokens: 64 })
      .then((c) => c.choices[0].message.content);
  }
  throw new Error(`unknown SDK ${sdk}`);
}

function check(text) {
  if (!text || !text.startsWith('You said')) throw new Error(`unexpected reply: ${text}`);
}

const cpuS = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const nowS = () => Number(process.hrtime.bigint()) / 1e9;

function statusKiB(field) {
  const m = readFileSync('/proc/self/status', 'utf8').match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'));
  return m ? Number(m[1]) : -1;
}

async function seq(sdk, count) {
  const call = makeClient(sdk);
  for (let i = 0; i < Math.floor(count / 10) + 1; i++) check(await call());
  const t0 = nowS(), c0 = cpuS();
  for (let i = 0; i < count; i++) check(await call());
  const wall = nowS() - t0, cpu = cpuS() - c0;
  return { sdk, requests: count, wall_s: wall, cpu_s: cpu, wall_us_per_req: wall / count * 1e6, cpu_us_per_req: cpu / count * 1e6 };
}

async function tput(sdk, inflight, count, seconds) {
  const call = makeClient(sdk);
  // warm up: every connection and the JIT, before the clock starts
  for (let r = 0; r < 3; r++) (await Promise.all(Array.from({ length: inflight }, call))).forEach(check);
  let started = 0, done = 0;
  const t0 = nowS(), c0 = cpuS(), deadline = t0 + seconds;
  async function worker() {
    while (started < count && nowS() < deadline) {
      started++;
      check(await call());
      done++;
    }
  }
  await Promise.all(Array.from({ length: inflight }, worker));
  const wall = nowS() - t0, cpu = cpuS() - c0;
  return { sdk, inflight, requests: done, wall_s: wall, rps: done / wall, cpu_us_per_req: cpu / done * 1e6 };
}

function anthropic() {
  const Anthropic = require('@anthropic-ai/sdk').default;
  return new Anthropic(OPTS);
}

async function stream(events) {
  const client = anthropic();
  async function one(n, strict) {
    const s = client.messages.stream({ model: 'claude-haiku-4-5', max_tokens: 64, messages: MESSAGES },
      { headers: { 'x-emulator-stream-events': String(n) } });
    let text = 0, bytes = 0;
    for await (const ev of s) {
      if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') { text++; bytes += ev.delta.text.length; }
    }
    const final = await s.finalMessage();
    if ((strict && text !== n) || final.content[0].text.length !== bytes) throw new Error(`${text} text events, expected ${n}`);
    return text;
  }
  await one(1000, false); // warm up (a static server sends its one stream whatever is asked)
  const t0 = nowS(), c0 = cpuS();
  const text = await one(events, true);
  const wall = nowS() - t0, cpu = cpuS() - c0;
  return { sdk: 'anthropic', events: text, wall_s: wall, cpu_s: cpu, events_per_s: text / wall, cpu_ns_per_event: cpu / text * 1e9 };
}

async function streams(open, eachEvents) {
  const client = anthropic();
  const params = { model: 'claude-haiku-4-5', max_tokens: 64, messages: MESSAGES, stream: true };
  const opts = { headers: { 'x-emulator-stream-events': String(eachEvents) } };
  for await (const ev of await client.messages.create(params, opts)) void ev; // warm up
  global.gc?.();
  const base = statusKiB('VmRSS');
  const t0 = nowS(), c0 = cpuS();
  const all = await Promise.all(Array.from({ length: open }, () => client.messages.create(params, opts)));
  const iters = all.map((s) => s[Symbol.asyncIterator]());
  const allOpen = statusKiB('VmRSS');
  let peak = allOpen, text = 0, left = open;
  const live = iters.slice();
  for (let pass = 0; left > 0 && pass < eachEvents * 4 + 100; pass++) {
    for (let i = 0; i < live.length; i++) {
      if (!live[i]) continue;
      const { value, done } = await live[i].next();
      if (done) { live[i] = null; left--; continue; }
      if (value.type === 'content_block_delta') text++;
    }
    if (pass % 64 === 0) peak = Math.max(peak, statusKiB('VmRSS'));
  }
  const wall = nowS() - t0, cpu = cpuS() - c0;
  if (left || text !== open * eachEvents) throw new Error(`${left} streams unfinished, ${text} text events`);
  peak = Math.max(peak, statusKiB('VmHWM'));
  return { sdk: 'anthropic', streams: open, events_each: eachEvents, rss_base_kib: base, rss_all_open_kib: allOpen,
    rss_peak_kib: peak, kib_per_stream: (peak - base) / open, wall_s: wall, cpu_s: cpu };
}

const [mode, ...args] = process.argv.slice(2);
const n = (i) => Number(args[i]);
let result;
if (mode === 'seq') result = await seq(args[0], n(1));
else if (mode === 'tput') result = await tput(args[0], n(1), n(2), n(3));
else if (mode === 'stream') result = await stream(n(0));
else if (mode === 'streams') result = await streams(n(0), n(1));
else { console.error('usage: node sdk.mjs seq SDK COUNT | tput SDK INFLIGHT COUNT SECONDS | stream EVENTS | streams OPEN EACH'); process.exit(2); }
console.log(JSON.stringify(result));
