// SPDX-License-Identifier: MIT
// The official Anthropic SDK against the emulator's /anthropic: what it returns on success and
// how it fails, as it would against api.anthropic.com.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { keys, urls, reset, addFault, requestsTo, expected, words } from '../emulator.mjs';

const client = (opts = {}) =>
  new Anthropic({ apiKey: keys.EMU_ANTHROPIC_VALID, baseURL: urls.anthropic, maxRetries: 2, ...opts });

const params = (prompt = 'hello from the sdk') => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: prompt }],
});

beforeEach(reset);

test('anthropic: a message succeeds with the expected text and usage', async () => {
  const msg = await client().messages.create(params('hello from the sdk'));
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');
  assert.match(msg.id, /^msg_/);
  assert.equal(msg.content[0].type, 'text');
  assert.equal(msg.content[0].text, expected('hello from the sdk'));
  assert.equal(msg.stop_reason, 'end_turn');
  assert.equal(msg.usage.input_tokens, 4);
  assert.equal(msg.usage.output_tokens, words(expected('hello from the sdk')));
  // SDK 1.x sends the API key as a bearer token and API version 2026-10-21 (not x-api-key,
  // not 2023-06-01 as shared/PROVIDERS.md records): the emulator must accept both forms.
  const [req] = await requestsTo('/anthropic/v1/messages');
  assert.equal(req.headers.authorization, `Bearer ${keys.EMU_ANTHROPIC_VALID}`);
  assert.equal(req.headers['x-api-key'], undefined);
  assert.equal(req.headers['anthropic-version'], '2026-10-21');
});

test('anthropic: the response carries a request id the SDK exposes', async () => {
  const { data, request_id } = await client().messages.create(params()).withResponse();
  assert.match(request_id, /^req_/);
  assert.equal(data.content[0].text, expected('hello from the sdk'));
});

test('anthropic: models list parses and pages', async () => {
  const page = await client().models.list({ limit: 3 });
  assert.equal(page.data.length, 3);
  assert.equal(page.data[0].type, 'model');
  assert.equal(page.has_more, true);
  const all = [];
  for await (const m of client().models.list({ limit: 3 })) all.push(m.id);
  const whole = await client().models.list({ limit: 1000 });
  assert.equal(whole.has_more, false);
  assert.ok(all.length > 3);
  assert.equal(all.length, whole.data.length, 'auto-pagination follows after_id to the end');
  assert.equal(new Set(all).size, all.length);
  assert.ok(all.includes('claude-sonnet-4-6'), 'a current model is listed');
  assert.ok(!all.includes('claude-sonnet-4-5'), 'a retired model is not');
  const one = await client().models.retrieve(all[2]);
  assert.equal(one.id, all[2]);
});

test('anthropic: wrong key → AuthenticationError 401 "Invalid bearer token" with a request id', async () => {
  // SDK 1.x sends the API key as a bearer token, and the service then says "Invalid bearer
  // token" (captures in tests/server/README.md); llmc's x-api-key gets "invalid x-api-key".
  const err = await client({ apiKey: keys.EMU_ANTHROPIC_REVOKED }).messages.create(params()).catch((e) => e);
  assert.ok(err instanceof Anthropic.AuthenticationError, `got ${err}`);
  assert.equal(err.status, 401);
  assert.equal(err.error.error.type, 'authentication_error');
  assert.equal(err.error.error.message, 'Invalid bearer token');
  assert.match(err.requestID, /^req_/);
  assert.equal(err.error.request_id, err.requestID);
});

test('anthropic: missing key header → 401 "x-api-key header is required"', async () => {
  // The SDK refuses to send a request without credentials unless Authorization is explicitly
  // nulled; with no key at all and the header nulled it sends neither x-api-key nor Authorization.
  const c = new Anthropic({ apiKey: null, authToken: null, baseURL: urls.anthropic, defaultHeaders: { Authorization: null } });
  const err = await c.messages.create(params()).catch((e) => e);
  assert.ok(err instanceof Anthropic.AuthenticationError, `got ${err}`);
  assert.equal(err.status, 401);
  assert.equal(err.error.error.message, 'x-api-key header is required');
  const [req] = await requestsTo('/anthropic/v1/messages');
  assert.equal(req.headers['x-api-key'], undefined);
  assert.equal(req.headers.authorization, undefined);
});

test('anthropic: forbidden key → PermissionDeniedError 403', async () => {
  const err = await client({ apiKey: keys.EMU_ANTHROPIC_FORBIDDEN }).messages.create(params()).catch((e) => e);
  assert.ok(err instanceof Anthropic.PermissionDeniedError, `got ${err}`);
  assert.equal(err.error.error.type, 'permission_error');
});

test('anthropic: missing model → NotFoundError 404', async () => {
  const err = await client().messages.create({ ...params(), model: 'missing-model' }).catch((e) => e);
  assert.ok(err instanceof Anthropic.NotFoundError, `got ${err}`);
  assert.equal(err.error.error.type, 'not_found_error');
});

test('anthropic: 429 with retry-after → the SDK waits, retries and succeeds', async () => {
  await addFault({ path: '/anthropic/v1/messages', status: 429, headers: { 'retry-after': '1' }, count: 1 });
  const started = Date.now();
  const msg = await client().messages.create(params());
  assert.equal(msg.content[0].text, expected('hello from the sdk'));
  assert.ok(Date.now() - started >= 900, 'retry-after: 1 was honoured');
  const reqs = await requestsTo('/anthropic/v1/messages');
  assert.equal(reqs.length, 2);
  assert.equal(reqs[1].headers['x-stainless-retry-count'], '1');
});

test('anthropic: 529 overloaded_error → the SDK retries, then succeeds', async () => {
  await addFault({ path: '/anthropic/v1/messages', status: 529, count: 2 });
  const msg = await client().messages.create(params());
  assert.equal(msg.content[0].text, expected('hello from the sdk'));
  assert.equal((await requestsTo('/anthropic/v1/messages')).length, 3);
});

test('anthropic: 529 beyond the retry budget → OverloadedError with its type', async () => {
  await addFault({ path: '/anthropic/v1/messages', status: 529, count: 3 });
  const err = await client({ maxRetries: 1 }).messages.create(params()).catch((e) => e);
  assert.ok(err instanceof Anthropic.OverloadedError, `got ${err}`);
  assert.equal(err.status, 529);
  assert.equal(err.error.error.type, 'overloaded_error');
  assert.equal(err.headers.get('x-should-retry'), 'true');
  assert.equal((await requestsTo('/anthropic/v1/messages')).length, 2);
});
