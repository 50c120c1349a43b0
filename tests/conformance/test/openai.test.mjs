// SPDX-License-Identifier: MIT
// The official openai SDK against the emulator as Fireworks (/fireworks/inference/v1) and as a
// generic OpenAI-compatible server (/openai/v1): same client, each provider's own error bodies.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { keys, urls, reset, addFault, requestsTo, expected, words, answered } from '../emulator.mjs';

const providers = [
  { name: 'fireworks', key: 'FIREWORKS', path: '/fireworks/inference/v1', model: 'accounts/fireworks/models/gpt-oss-120b' },
  { name: 'openai', key: 'OPENAI', path: '/openai/v1', model: 'gpt-5.4-mini' },
];

beforeEach(reset);

for (const p of providers) {
  const client = (opts = {}) =>
    new OpenAI({ apiKey: keys[`EMU_${p.key}_VALID`], baseURL: urls[p.name], maxRetries: 2, ...opts });
  const params = (prompt = `hello from ${p.name}`) => ({
    model: p.model,
    messages: [{ role: 'user', content: prompt }],
  });
  const chatPath = `${p.path}/chat/completions`;

  test(`${p.name}: a chat completion succeeds with the expected text and usage`, async () => {
    const res = await client().chat.completions.create(params());
    assert.equal(res.object, 'chat.completion');
    assert.equal(res.choices[0].message.content, expected(`hello from ${p.name}`));
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.equal(res.usage.prompt_tokens, 3);
    assert.equal(answered(res.usage), words(expected(`hello from ${p.name}`)));
  });

  test(`${p.name}: models list parses`, async () => {
    const ids = [];
    for await (const m of client().models.list()) ids.push(m.id);
    assert.ok(ids.length >= 2);
    assert.ok(ids.includes(p.model), 'the model these tests use is served');
  });

  test(`${p.name}: wrong key → AuthenticationError 401 with the provider's message`, async () => {
    const err = await client({ apiKey: keys[`EMU_${p.key}_REVOKED`] }).chat.completions.create(params()).catch((e) => e);
    assert.ok(err instanceof OpenAI.AuthenticationError, `got ${err}`);
    assert.equal(err.status, 401);
    if (p.name === 'fireworks') {
      assert.equal(err.message, '401 The API key you provided is invalid.');
      assert.equal(err.code, 'UNAUTHORIZED');
      // Fireworks puts its request id in the body, beside "error", where the SDK does not look.
      const [req] = await requestsTo(chatPath);
      assert.ok(req, 'the request reached the emulator');
    } else {
      // OpenAI echoes the first 8 characters, a '*' for each hidden one, and the last 4
      const key = keys[`EMU_${p.key}_REVOKED`];
      const masked = key.slice(0, 8) + '*'.repeat(key.length - 12) + key.slice(-4);
      assert.equal(err.message, `401 Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`);
      assert.equal(err.code, 'invalid_api_key');
      assert.match(err.requestID, /^req_/);
    }
  });

  test(`${p.name}: missing model → NotFoundError 404`, async () => {
    const err = await client().chat.completions.create({ ...params(), model: 'missing-model' }).catch((e) => e);
    assert.ok(err instanceof OpenAI.NotFoundError, `got ${err}`);
    assert.equal(err.status, 404);
  });

  test(`${p.name}: 429 with retry-after → the SDK retries and succeeds`, async () => {
    await addFault({ path: chatPath, status: 429, headers: { 'retry-after': '1' }, count: 1 });
    const res = await client().chat.completions.create(params());
    assert.equal(res.choices[0].message.content, expected(`hello from ${p.name}`));
    const reqs = await requestsTo(chatPath);
    assert.equal(reqs.length, 2);
    assert.equal(reqs[1].headers['x-stainless-retry-count'], '1');
  });

  test(`${p.name}: 503 → the SDK retries and succeeds`, async () => {
    await addFault({ path: chatPath, status: 503, count: 2 });
    const res = await client().chat.completions.create(params());
    assert.equal(res.choices[0].message.content, expected(`hello from ${p.name}`));
    assert.equal((await requestsTo(chatPath)).length, 3);
  });
}
