// SPDX-License-Identifier: MIT
// The official openai and Cerebras SDKs exercising the newer features against the emulator:
// reasoning models' limit field and sampling, reasoning_effort levels, reasoning tokens;
// Cerebras reasoning_effort / reasoning_format and its checks; Fireworks reasoning_content;
// structured output (json_schema strict, json_object) and their 400s; parallel tool calls;
// custom tool calls; file parts; unknown arguments; the OpenAI Batch API (files + batches).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import Cerebras from '@cerebras/cerebras_cloud_sdk';
import { keys, urls, reset } from '../emulator.mjs';

const openai = (opts = {}) => new OpenAI({ apiKey: keys.EMU_OPENAI_VALID, baseURL: urls.openai, maxRetries: 0, ...opts });
const fireworks = () => new OpenAI({ apiKey: keys.EMU_FIREWORKS_VALID, baseURL: urls.fireworks, maxRetries: 0 });
const cerebras = () => new Cerebras({ apiKey: keys.EMU_CEREBRAS_VALID, baseURL: urls.cerebras, maxRetries: 0 });
const user = (content) => [{ role: 'user', content }];
const SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
  additionalProperties: false,
};

beforeEach(reset);

test('openai features: reasoning models take max_completion_tokens and only the default temperature', async () => {
  const res = await openai().chat.completions.create({
    model: 'gpt-5.4-mini',
    max_completion_tokens: 300,
    reasoning_effort: 'low',
    messages: user('sum it up'),
  });
  assert.equal(res.choices[0].message.content, 'You said: sum it up');
  assert.equal(res.usage.completion_tokens_details.reasoning_tokens, 6);
  const limit = await openai()
    .chat.completions.create({ model: 'gpt-5.4-mini', max_tokens: 300, messages: user('x') })
    .catch((e) => e);
  assert.ok(limit instanceof OpenAI.BadRequestError, `got ${limit}`);
  assert.equal(limit.code, 'unsupported_parameter');
  assert.equal(limit.param, 'max_tokens');
  const temp = await openai()
    .chat.completions.create({ model: 'gpt-5', temperature: 0.01, messages: user('x') })
    .catch((e) => e);
  assert.equal(temp.error.message, "Unsupported value: 'temperature' does not support 0.01 with this model. Only the default (1) value is supported.");
  const level = await openai()
    .chat.completions.create({ model: 'gpt-5.1', reasoning_effort: 'minimal', messages: user('x') })
    .catch((e) => e);
  assert.equal(level.code, 'unsupported_value');
  const notReasoning = await openai()
    .chat.completions.create({ model: 'gpt-4.1-mini', reasoning_effort: 'low', messages: user('x') })
    .catch((e) => e);
  assert.equal(notReasoning.error.message, 'Unrecognized request argument supplied: reasoning_effort');
});

test('openai features: Cerebras reasoning_effort and reasoning_format', async () => {
  const res = await cerebras().chat.completions.create({ model: 'gpt-oss-120b', reasoning_effort: 'high', messages: user('why') });
  assert.equal(res.choices[0].message.reasoning, 'Considering (effort high): why');
  assert.equal(res.choices[0].message.content, 'You said: why');
  const hidden = await cerebras().chat.completions.create({ model: 'gpt-oss-120b', reasoning_format: 'hidden', messages: user('why') });
  assert.equal(hidden.choices[0].message.reasoning, undefined);
  const none = await cerebras()
    .chat.completions.create({ model: 'gpt-oss-120b', reasoning_effort: 'none', messages: user('x') })
    .catch((e) => e);
  assert.ok(none instanceof Cerebras.BadRequestError, `got ${none}`);
  assert.equal(none.error.code, 'wrong_api_format');
  // reasoning sent back under the name Cerebras does not take
  const back = await cerebras()
    .chat.completions.create({
      model: 'gpt-oss-120b',
      messages: [...user('a'), { role: 'assistant', content: 'b', reasoning_content: 'thought' }, ...user('c')],
    })
    .catch((e) => e);
  assert.equal(back.error.message, "messages.1.assistant.reasoning_content: property 'messages.1.assistant.reasoning_content' is unsupported");
  const both = await cerebras()
    .chat.completions.create({
      model: 'gpt-oss-120b',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      response_format: { type: 'json_object' },
      messages: user('x'),
    })
    .catch((e) => e);
  assert.equal(both.error.message, '"tools" is incompatible with "response_format"');
  // streamed reasoning
  const chunks = [];
  for await (const c of await cerebras().chat.completions.create({ model: 'gpt-oss-120b', stream: true, messages: user('why') }))
    chunks.push(c.choices?.[0]?.delta?.reasoning ?? '');
  assert.equal(chunks.join(''), 'Considering: why');
});

test('openai features: Fireworks reasoning_content', async () => {
  const res = await fireworks().chat.completions.create({
    model: 'accounts/fireworks/models/gpt-oss-120b',
    messages: user('why'),
  });
  assert.equal(res.choices[0].message.reasoning_content, 'Considering: why');
  const err = await fireworks()
    .chat.completions.create({ model: 'accounts/fireworks/models/gpt-oss-120b', reasoning_effort: 'none', messages: user('x') })
    .catch((e) => e);
  assert.ok(err instanceof OpenAI.BadRequestError);
  assert.equal(err.error.message, 'Invalid reasoning effort: none');
});

test('openai features: structured output, strict and json_object, with their 400s', async () => {
  const res = await openai().chat.completions.create({
    model: 'gpt-4.1-mini',
    response_format: { type: 'json_schema', json_schema: { name: 'reply', schema: SCHEMA, strict: true } },
    messages: user('what'),
  });
  assert.deepEqual(JSON.parse(res.choices[0].message.content), { answer: 'You said: what' });
  const open = await openai()
    .chat.completions.create({
      model: 'gpt-4.1-mini',
      response_format: { type: 'json_schema', json_schema: { name: 'item', schema: { type: 'object', properties: {} }, strict: true } },
      messages: user('what'),
    })
    .catch((e) => e);
  assert.equal(open.error.message, "Invalid schema for response_format 'item': In context=(), 'additionalProperties' is required to be supplied and to be false.");
  const word = await openai()
    .chat.completions.create({ model: 'gpt-4.1-mini', response_format: { type: 'json_object' }, messages: user('an object') })
    .catch((e) => e);
  assert.equal(word.error.message, "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.");
  const ok = await openai().chat.completions.create({
    model: 'gpt-4.1-mini',
    response_format: { type: 'json_object' },
    messages: user('an object in JSON'),
  });
  assert.deepEqual(JSON.parse(ok.choices[0].message.content), { reply: 'You said: an object in JSON' });
});

test('openai features: parallel tool calls, custom tools, file parts', async () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
  const both = await openai().chat.completions.create({ model: 'gpt-4.1-mini', tools, messages: user('weather in Paris and Rome') });
  assert.deepEqual(both.choices[0].message.tool_calls.map((c) => JSON.parse(c.function.arguments).location), ['Paris', 'Rome']);
  const one = await openai().chat.completions.create({ model: 'gpt-4.1-mini', tools, parallel_tool_calls: false, messages: user('weather in Paris and Rome') });
  assert.equal(one.choices[0].message.tool_calls.length, 1);
  const custom = await openai().chat.completions.create({
    model: 'gpt-5.4',
    tools: [{ type: 'custom', custom: { name: 'code_exec' } }],
    messages: user('weather'),
  });
  assert.deepEqual(custom.choices[0].message.tool_calls[0].custom, { name: 'code_exec', input: 'Paris' });
  const pdf = `data:application/pdf;base64,${Buffer.from('%PDF-1.4\n').toString('base64')}`;
  const file = await openai().chat.completions.create({
    model: 'gpt-4.1-mini',
    messages: user([{ type: 'file', file: { filename: 'a.pdf', file_data: pdf } }, { type: 'text', text: 'read it' }]),
  });
  assert.equal(file.choices[0].message.content, 'You said: read it');
  const refused = await cerebras()
    .chat.completions.create({ model: 'gpt-oss-120b', messages: user([{ type: 'file', file: { file_data: pdf } }, { type: 'text', text: 'x' }]) })
    .catch((e) => e);
  assert.ok(refused instanceof Cerebras.BadRequestError);
});

test('openai features: unknown arguments, each service its own way', async () => {
  const err = await openai().chat.completions.create({ model: 'gpt-4.1-mini', messages: user('x'), frobnicate: 1 }).catch((e) => e);
  assert.equal(err.error.message, 'Unrecognized request argument supplied: frobnicate');
  const cb = await cerebras().chat.completions.create({ model: 'gpt-oss-120b', messages: user('x'), frobnicate: 1 }).catch((e) => e);
  assert.equal(cb.error.message, "frobnicate: property 'frobnicate' is unsupported");
  const fw = await fireworks().chat.completions.create({ model: 'accounts/fireworks/models/llama-v3p1-8b-instruct', messages: user('x'), frobnicate: 1 });
  assert.equal(fw.choices[0].message.content, 'You said: x');
  const tier = await openai().chat.completions.create({ model: 'gpt-4.1-mini', messages: user('x'), service_tier: 'fast', seed: 7 });
  assert.equal(tier.service_tier, 'priority');
});

test('openai features: the Batch API — upload, create, poll, results by custom_id', async () => {
  const lines = [
    { custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4.1-mini', messages: user('batch hello') } },
    { custom_id: 'b', method: 'POST', url: '/v1/chat/completions', body: { model: 'missing-model', messages: user('x') } },
  ];
  const jsonl = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const file = await openai().files.create({ file: await toFile(Buffer.from(jsonl), 'in.jsonl'), purpose: 'batch' });
  assert.match(file.id, /^file-/);
  assert.equal(file.purpose, 'batch');
  const created = await openai().batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  assert.equal(created.status, 'validating');
  const done = await openai().batches.retrieve(created.id);
  assert.equal(done.status, 'completed');
  assert.deepEqual(done.request_counts, { total: 2, completed: 1, failed: 1 });
  const out = await (await openai().files.content(done.output_file_id)).text();
  const ok = JSON.parse(out.trim());
  assert.equal(ok.custom_id, 'a');
  assert.equal(ok.response.status_code, 200);
  assert.equal(ok.response.body.choices[0].message.content, 'You said: batch hello');
  const errs = JSON.parse((await (await openai().files.content(done.error_file_id)).text()).trim());
  assert.equal(errs.custom_id, 'b');
  assert.equal(errs.response.status_code, 404);
  // a window the API does not have, and an unknown file
  const window = await openai()
    .batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '48h' })
    .catch((e) => e);
  assert.ok(window instanceof OpenAI.BadRequestError);
  const missing = await openai()
    .batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' })
    .catch((e) => e);
  assert.ok(missing instanceof OpenAI.NotFoundError);
  // input that does not validate fails the whole batch
  const dup = jsonl.split('\n')[0] + '\n' + jsonl.split('\n')[0] + '\n';
  const dupFile = await openai().files.create({ file: await toFile(Buffer.from(dup), 'dup.jsonl'), purpose: 'batch' });
  const failed = await openai().batches.create({ input_file_id: dupFile.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.errors.data[0].line, 2);
  // cancel
  const slow = await openai().batches.create(
    { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
    { headers: { 'x-emulator-batch-delay-ms': '60000' } },
  );
  const cancelling = await openai().batches.cancel(slow.id);
  assert.equal(cancelling.status, 'cancelling');
});
