// SPDX-License-Identifier: MIT
// The llmc CLI against the same emulator and the same scenarios as the official SDKs, so the
// README's table can show llmc and the SDKs side by side: what each returns or how it fails.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, keys, reset, addFault, requestsTo, expected, words } from '../emulator.mjs';

const LLMC = process.env.LLMC_CLI;
const skip = !LLMC || !existsSync(LLMC) ? 'LLMC_CLI is not set to a built llmc binary' : false;

const providers = {
  anthropic: { model: 'anthropic/claude-sonnet-4-6', path: '/anthropic/v1/messages', key: keys.EMU_ANTHROPIC_VALID,
               revoked: keys.EMU_ANTHROPIC_REVOKED, env: 'ANTHROPIC', base: `${BASE}/anthropic` },
  cerebras: { model: 'cerebras/gpt-oss-120b', path: '/cerebras/v1/chat/completions', key: keys.EMU_CEREBRAS_VALID,
              revoked: keys.EMU_CEREBRAS_REVOKED, env: 'CEREBRAS', base: `${BASE}/cerebras` },
  fireworks: { model: 'fireworks/accounts/fireworks/models/gpt-oss-120b',
               path: '/fireworks/inference/v1/chat/completions', key: keys.EMU_FIREWORKS_VALID,
               revoked: keys.EMU_FIREWORKS_REVOKED, env: 'FIREWORKS', base: `${BASE}/fireworks/inference` },
  openai: { model: 'openai/gpt-5.4-mini', path: '/openai/v1/chat/completions', key: keys.EMU_OPENAI_VALID,
            revoked: keys.EMU_OPENAI_REVOKED, env: 'OPENAI', base: `${BASE}/openai/v1` },
};

// Run llmc with only this provider's variables (and a private, empty config home).
function llmc(name, args, { key, stdin } = {}) {
  const p = providers[name];
  const home = mkdtempSync(join(tmpdir(), 'llmc-conf-'));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, [`${p.env}_BASE_URL`]: p.base };
  if (key !== null) env[`${p.env}_API_KEY`] = key ?? p.key;
  const r = spawnSync(LLMC, ['-m', p.model, ...args], { env, input: stdin ?? '', encoding: 'utf8', timeout: 30000 });
  rmSync(home, { recursive: true, force: true });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

beforeEach(reset);

for (const name of Object.keys(providers)) {
  const p = providers[name];

  test(`llmc ${name}: success with the expected text and usage`, { skip }, () => {
    const r = llmc(name, ['--json', 'hello from llmc']);
    assert.equal(r.status, 0, r.err);
    const res = JSON.parse(r.out);
    assert.equal(res.text, expected('hello from llmc'));
    assert.equal(res.usage.input_tokens, 3);
    // reasoning models count their reasoning in the output too
    assert.equal(res.usage.output_tokens - res.usage.reasoning_tokens, words(expected('hello from llmc')));
    assert.equal(res.stop_reason, 'end_turn');
  });

  test(`llmc ${name}: wrong key → exit 3, the provider's 401 message, auth.rejected`, { skip }, () => {
    const r = llmc(name, ['hi'], { key: p.revoked });
    assert.equal(r.status, 3);
    assert.match(r.err, /HTTP 401/);
    assert.match(r.err, /auth\.rejected/);
    assert.match(r.err, new RegExp(`env ${p.env}_API_KEY`));
    assert.ok(!r.err.includes(p.revoked), 'the key must not be printed');
  });

  test(`llmc ${name}: no key → exit 3 key.missing, and nothing is sent`, { skip }, async () => {
    const r = llmc(name, ['hi'], { key: null });
    assert.equal(r.status, 3);
    assert.match(r.err, /key\.missing/);
    assert.equal((await requestsTo(p.path)).length, 0);
  });

  test(`llmc ${name}: model missing-model → exit 4 with the provider's 404`, { skip }, () => {
    const pp = { ...p };
    // a private HOME: llmc logs every exchange under it
    const home = mkdtempSync(join(tmpdir(), 'llmc-home-'));
    const r = spawnSync(LLMC, ['-m', `${name}/missing-model`, 'hi'], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: '/nonexistent',
             [`${pp.env}_BASE_URL`]: pp.base, [`${pp.env}_API_KEY`]: pp.key },
      encoding: 'utf8', timeout: 30000 });
    rmSync(home, { recursive: true, force: true });
    assert.equal(r.status, 4, r.stderr);
    assert.match(r.stderr, /HTTP 404/);
  });

  test(`llmc ${name}: 429 + retry-after → retried, then succeeds`, { skip }, async () => {
    await addFault({ path: p.path, status: 429, headers: { 'retry-after': '1' }, count: 1 });
    const started = Date.now();
    const r = llmc(name, ['retry me']);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, `${expected('retry me')}\n`);
    assert.ok(Date.now() - started >= 1000, 'retry-after was honoured');
    assert.equal((await requestsTo(p.path)).length, 2);
  });

  test(`llmc ${name}: stream read to the end = the non-streamed text`, { skip }, () => {
    const streamed = llmc(name, ['--stream', 'stream me please']);
    const whole = llmc(name, ['--no-stream', 'stream me please']);
    assert.equal(streamed.status, 0, streamed.err);
    assert.equal(streamed.out, whole.out);
    const json = JSON.parse(llmc(name, ['--stream', '--json', 'stream me please']).out);
    assert.equal(json.usage.output_tokens - json.usage.reasoning_tokens, words(expected('stream me please')));
  });

  test(`llmc ${name}: a mid-stream error event → a failure, not a short reply`, { skip }, async () => {
    await addFault({ path: p.path, stream_error_after: 3, count: 1 });
    const r = llmc(name, ['--stream', '--retries', '0', 'one two three four five six']);
    assert.notEqual(r.status, 0);
    assert.match(r.err, /error/);
  });

  test(`llmc ${name}: a connection cut mid-event → a failure`, { skip }, async () => {
    await addFault({ path: p.path, stream_cut_after: 2, count: 1 });
    const r = llmc(name, ['--stream', '--retries', '0', 'one two three four five six']);
    assert.notEqual(r.status, 0);
  });

  test(`llmc ${name}: models list parses`, { skip }, () => {
    const home = mkdtempSync(join(tmpdir(), 'llmc-conf-'));
    const r = spawnSync(LLMC, ['models', name], {
      env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: home, [`${p.env}_BASE_URL`]: p.base,
             [`${p.env}_API_KEY`]: p.key }, encoding: 'utf8', timeout: 30000 });
    rmSync(home, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.split('\n').filter((l) => l.startsWith(`${name}/`)).length >= 1);
  });
}

test('llmc anthropic: 529 overloaded_error → retried, then succeeds', { skip }, async () => {
  await addFault({ path: '/anthropic/v1/messages', status: 529, count: 1 });
  const r = llmc('anthropic', ['overloaded once']);
  assert.equal(r.status, 0, r.err);
  assert.equal((await requestsTo('/anthropic/v1/messages')).length, 2);
});

test('llmc anthropic: 529 past the retry budget → exit 5, overloaded_error, 3 attempts', { skip }, async () => {
  await addFault({ path: '/anthropic/v1/messages', status: 529, count: 5 });
  const r = llmc('anthropic', ['overloaded always']);
  assert.equal(r.status, 5);
  assert.match(r.err, /overloaded_error/);
  assert.match(r.err, /tried: +3 times/);
});

test('llmc anthropic: forbidden key → exit 3, permission_error, auth.forbidden', { skip }, () => {
  const r = llmc('anthropic', ['hi'], { key: keys.EMU_ANTHROPIC_FORBIDDEN });
  assert.equal(r.status, 3);
  assert.match(r.err, /permission_error/);
  assert.match(r.err, /auth\.forbidden/);
});
