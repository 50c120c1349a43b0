// SPDX-License-Identifier: MIT
// The official Cerebras SDK against the emulator's /cerebras: flat error bodies, 403 for a
// missing header, and the tcp_warming call its constructor makes.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Cerebras from '@cerebras/cerebras_cloud_sdk';
import { keys, urls, reset, addFault, requestsTo, expected, words, answered } from '../emulator.mjs';

const client = (opts = {}) =>
  new Cerebras({ apiKey: keys.EMU_CEREBRAS_VALID, baseURL: urls.cerebras, maxRetries: 2, ...opts });

const params = (prompt = 'hello from cerebras') => ({
  model: 'gpt-oss-120b',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: prompt },
  ],
});

beforeEach(reset);

test('cerebras: the constructor warms the connection with GET /v1/tcp_warming', async () => {
  client();
  for (let i = 0; i < 50 && (await requestsTo('/cerebras/v1/tcp_warming')).length === 0; i++)
    await new Promise((r) => setTimeout(r, 20));
  const [req] = await requestsTo('/cerebras/v1/tcp_warming');
  assert.equal(req.method, 'GET');
  assert.equal(req.headers.authorization, `Bearer ${keys.EMU_CEREBRAS_VALID}`);
});

test('cerebras: a chat completion succeeds with the expected text, usage and time_info', async () => {
  const res = await client({ warmTCPConnection: false }).chat.completions.create(params());
  assert.equal(res.object, 'chat.completion');
  assert.match(res.id, /^chatcmpl-/);
  assert.equal(res.choices[0].message.role, 'assistant');
  assert.equal(res.choices[0].message.content, expected('hello from cerebras'));
  assert.equal(res.choices[0].finish_reason, 'stop');
  assert.equal(res.usage.prompt_tokens, 5);
  assert.equal(answered(res.usage), words(expected('hello from cerebras')));
  assert.equal(res.usage.total_tokens, res.usage.prompt_tokens + res.usage.completion_tokens);
  assert.equal(typeof res.time_info.total_time, 'number');
  assert.equal(typeof res.system_fingerprint, 'string');
});

test('cerebras: models list parses', async () => {
  const page = await client({ warmTCPConnection: false }).models.list();
  const ids = page.data.map((m) => m.id);
  assert.ok(ids.includes('gpt-oss-120b'));
  assert.equal(page.data[0].object, 'model');
});

test('cerebras: wrong key → AuthenticationError 401 "Wrong API Key" (flat body)', async () => {
  const err = await client({ apiKey: keys.EMU_CEREBRAS_REVOKED, warmTCPConnection: false })
    .chat.completions.create(params())
    .catch((e) => e);
  assert.ok(err instanceof Cerebras.AuthenticationError, `got ${err}`);
  assert.equal(err.status, 401);
  assert.equal(err.message, '401 Wrong API Key');
  assert.equal(err.error.code, 'wrong_api_key');
  assert.equal(err.error.type, 'invalid_request_error');
});

test('cerebras: missing Authorization → PermissionDeniedError 403 "Not authenticated"', async () => {
  // The SDK insists on an apiKey; a null default header removes Authorization from the request.
  const c = client({ apiKey: 'unused', warmTCPConnection: false, defaultHeaders: { Authorization: null } });
  const err = await c.chat.completions.create(params()).catch((e) => e);
  assert.ok(err instanceof Cerebras.PermissionDeniedError, `got ${err}`);
  assert.equal(err.status, 403);
  assert.deepEqual(err.error, { detail: 'Not authenticated' });
  const [req] = await requestsTo('/cerebras/v1/chat/completions');
  assert.equal(req.headers.authorization, undefined);
});

test('cerebras: missing model → NotFoundError 404 model_not_found', async () => {
  const err = await client({ warmTCPConnection: false })
    .chat.completions.create({ ...params(), model: 'missing-model' })
    .catch((e) => e);
  assert.ok(err instanceof Cerebras.NotFoundError, `got ${err}`);
  assert.equal(err.error.code, 'model_not_found');
});

test('cerebras: 429 with retry-after → the SDK retries and succeeds', async () => {
  await addFault({ path: '/cerebras/v1/chat/completions', status: 429, headers: { 'retry-after': '1' }, count: 1 });
  const res = await client({ warmTCPConnection: false }).chat.completions.create(params());
  assert.equal(res.choices[0].message.content, expected('hello from cerebras'));
  const reqs = await requestsTo('/cerebras/v1/chat/completions');
  assert.equal(reqs.length, 2);
  assert.equal(reqs[1].headers['x-stainless-retry-count'], '1');
});

test('cerebras: 429 past the retry budget → RateLimitError with the queue_exceeded body', async () => {
  await addFault({ path: '/cerebras/v1/chat/completions', status: 429, headers: { 'retry-after-ms': '10' }, count: 5 });
  const err = await client({ warmTCPConnection: false, maxRetries: 1 })
    .chat.completions.create(params())
    .catch((e) => e);
  assert.ok(err instanceof Cerebras.RateLimitError, `got ${err}`);
  assert.equal(err.error.code, 'queue_exceeded');
});
