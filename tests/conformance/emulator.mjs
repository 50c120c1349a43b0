// SPDX-License-Identifier: MIT
// Helpers shared by the conformance tests: where the emulator is, its test keys, and its
// control plane (faults, the request log). run.sh starts the emulator and sets EMU_BASE.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

export const BASE = process.env.EMU_BASE;
if (!BASE) throw new Error('EMU_BASE is not set: run the suite through tests/conformance/run.sh');

// The same key list the emulator compiles in, so the two cannot drift apart.
export const keys = Object.fromEntries(
  readFileSync(join(here, '..', 'server', 'emulator-keys.env'), 'utf8')
    .split('\n')
    .filter((line) => /^EMU_[A-Z]+_[A-Z]+=/.test(line))
    .map((line) => line.split('=', 2)),
);

export const urls = {
  anthropic: process.env.ANTHROPIC_BASE_URL ?? `${BASE}/anthropic`,
  cerebras: process.env.CEREBRAS_BASE_URL ?? `${BASE}/cerebras`,
  fireworks: process.env.FIREWORKS_OPENAI_BASE_URL ?? `${BASE}/fireworks/inference/v1`,
  openai: process.env.OPENAI_BASE_URL ?? `${BASE}/openai/v1`,
};

async function control(method, what, body) {
  const res = await fetch(`${BASE}/_emulator/${what}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`control plane ${method} ${what}: ${res.status} ${await res.text()}`);
  return res.json();
}

export const addFault = (spec) => control('POST', 'faults', spec);
export const clearFaults = () => control('DELETE', 'faults');
export const clearRequests = () => control('DELETE', 'requests');
/** Requests received whose path (query stripped) equals `path`. */
export async function requestsTo(path) {
  const all = await control('GET', 'requests');
  return all.filter((r) => r.path.split('?')[0] === path);
}

/** Reset between tests: no queued fault and an empty log. */
export async function reset() {
  await clearFaults();
  await clearRequests();
}

/** The reply the emulator gives for a prompt, and its word-count usage. */
export const expected = (prompt) => `You said: ${prompt}`;
export const words = (s) => s.split(/\s+/).filter(Boolean).length;
/** The completion tokens of the answer itself: a reasoning model (gpt-oss, gpt-5.x) counts its
 * reasoning in completion_tokens too, and says how much in completion_tokens_details. */
export const answered = (usage) => usage.completion_tokens - (usage.completion_tokens_details?.reasoning_tokens ?? 0);
