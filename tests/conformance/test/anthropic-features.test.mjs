// SPDX-License-Identifier: MIT
// The official Anthropic SDK exercising the providers' newer features against the emulator:
// adaptive thinking with effort, the budget form and its refusal on newer models, API version
// 2026-10-21 without sampling, structured output, strict tools, prompt caching (automatic and
// breakpoints, the 400s for too many and out of order), documents with citations (plain and
// streamed), count_tokens, parallel tool calls, redacted thinking and pause_turn sent back, a
// changed block refused, and unknown fields.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { keys, urls, reset, requestsTo } from '../emulator.mjs';

const client = (opts = {}) =>
  new Anthropic({ apiKey: keys.EMU_ANTHROPIC_VALID, baseURL: urls.anthropic, maxRetries: 0, ...opts });
// The SDK sends API version 2026-10-21; the older one keeps the sampling parameters.
const v2023 = () => client({ defaultHeaders: { 'anthropic-version': '2023-06-01' } });
const user = (content) => [{ role: 'user', content }];
const SCHEMA = {
  type: 'object',
  properties: { answer: { type: 'string' } },
  required: ['answer'],
  additionalProperties: false,
};

beforeEach(reset);

test('anthropic features: adaptive thinking with an effort level', async () => {
  const msg = await client().messages.create({
    model: 'claude-opus-5',
    max_tokens: 200,
    thinking: { type: 'adaptive' },
    output_config: { effort: 'high' },
    messages: user('plan the trip'),
  });
  assert.equal(msg.content[0].type, 'thinking');
  assert.equal(msg.content[0].thinking, 'Considering (effort high): plan the trip');
  assert.match(msg.content[0].signature, /^EmuSig/);
  assert.equal(msg.content[1].text, 'You said: plan the trip');
  assert.equal(msg.usage.output_tokens_details.thinking_tokens, 6);
  // streamed: thinking, then the signature just before the block stops
  const events = [];
  const stream = client().messages.stream({
    model: 'claude-opus-5',
    max_tokens: 200,
    thinking: { type: 'adaptive' },
    output_config: { effort: 'high' },
    messages: user('plan the trip'),
  });
  stream.on('streamEvent', (e) => events.push(e.type === 'content_block_delta' ? e.delta.type : e.type));
  const final = await stream.finalMessage();
  assert.ok(events.includes('thinking_delta') && events.includes('signature_delta'));
  assert.equal(final.content[0].signature, msg.content[0].signature);
});

test('anthropic features: a budget where it is the only form, refused where it is not', async () => {
  const msg = await client().messages.create({
    model: 'claude-haiku-4-5',
    max_tokens: 5000,
    thinking: { type: 'enabled', budget_tokens: 2048 },
    messages: user('think'),
  });
  assert.equal(msg.content[0].type, 'thinking');
  const err = await client()
    .messages.create({
      model: 'claude-opus-5',
      max_tokens: 5000,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: user('think'),
    })
    .catch((e) => e);
  assert.ok(err instanceof Anthropic.BadRequestError, `got ${err}`);
  assert.equal(
    err.error.error.message,
    '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
  );
  const off = await client()
    .messages.create({ model: 'claude-opus-5-5', max_tokens: 100, thinking: { type: 'disabled' }, messages: user('x') })
    .catch((e) => e);
  assert.ok(off instanceof Anthropic.BadRequestError);
  const effort = await client()
    .messages.create({ model: 'claude-opus-4-6', max_tokens: 100, output_config: { effort: 'xhigh' }, messages: user('x') })
    .catch((e) => e);
  assert.equal(effort.error.error.message, "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.");
});

test('anthropic features: version 2026-10-21 has no temperature; 2023-06-01 keeps it', async () => {
  const err = await client()
    .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, temperature: 0.5, messages: user('x') })
    .catch((e) => e);
  assert.ok(err instanceof Anthropic.BadRequestError, `got ${err}`);
  assert.equal(err.error.error.message, 'temperature: Extra inputs are not permitted');
  const ok = await v2023().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, temperature: 0.5, messages: user('x') });
  assert.equal(ok.content[0].text, 'You said: x');
  const [, sent] = await requestsTo('/anthropic/v1/messages');
  assert.equal(sent.headers['anthropic-version'], '2023-06-01');
  // models that refuse sampling whatever the version
  const deprecated = await v2023()
    .messages.create({ model: 'claude-opus-4-8', max_tokens: 50, temperature: 0.5, messages: user('x') })
    .catch((e) => e);
  assert.equal(deprecated.error.error.message, '`temperature` is deprecated for this model.');
  const bad = await client({ defaultHeaders: { 'anthropic-version': '2024-10-22' } })
    .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: user('x') })
    .catch((e) => e);
  assert.equal(bad.error.error.message, 'anthropic-version: "2024-10-22" is not a valid version');
});

test('anthropic features: structured output and strict tools', async () => {
  const msg = await client().messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    output_config: { format: { type: 'json_schema', schema: SCHEMA } },
    messages: user('what'),
  });
  assert.deepEqual(JSON.parse(msg.content[0].text), { answer: 'You said: what' });
  const open = await client()
    .messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: {} } } },
      messages: user('what'),
    })
    .catch((e) => e);
  assert.equal(
    open.error.error.message,
    "output_config.format.schema: For 'object' type, 'additionalProperties' must be explicitly set to false",
  );
  const tool = await client()
    .messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 100,
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} }, strict: true }],
      messages: user('weather'),
    })
    .catch((e) => e);
  assert.equal(tool.error.error.message, "tools.0.custom: For 'object' type, 'additionalProperties' must be explicitly set to false");
});

test('anthropic features: prompt caching writes, then reads', async () => {
  const long = Array(1500).fill('cacheable').join(' ');
  const params = {
    model: 'claude-sonnet-4-6',
    max_tokens: 50,
    cache_control: { type: 'ephemeral' },
    messages: user(long),
  };
  const first = await client().messages.create(params);
  assert.equal(first.usage.cache_creation_input_tokens, 1500);
  assert.equal(first.usage.cache_creation.ephemeral_5m_input_tokens, 1500);
  const second = await client().messages.create(params);
  assert.equal(second.usage.cache_read_input_tokens, 1500);
  assert.equal(second.usage.cache_creation_input_tokens, 0);
  // the service's limits
  const five = Array.from({ length: 5 }, (_, i) => ({ type: 'text', text: `part ${i}`, cache_control: { type: 'ephemeral' } }));
  const many = await client().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: user(five) }).catch((e) => e);
  assert.equal(many.error.error.message, 'A maximum of 4 blocks with cache_control may be provided. Found 5.');
  const order = await client()
    .messages.create({
      model: 'claude-sonnet-4-6',
      max_tokens: 50,
      system: [
        { type: 'text', text: 'a', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'b', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ],
      messages: user('x'),
    })
    .catch((e) => e);
  assert.match(order.error.error.message, /^system\.1\.cache_control\.ttl: a ttl='1h' cache_control block must not come after a ttl='5m'/);
});

test('anthropic features: documents with citations, plain and streamed', async () => {
  const params = {
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    messages: user([
      {
        type: 'document',
        source: { type: 'text', media_type: 'text/plain', data: 'The grass is green. The sky is blue.' },
        title: 'Notes',
        citations: { enabled: true },
      },
      { type: 'text', text: 'what colour is the grass' },
    ]),
  };
  const msg = await client().messages.create(params);
  const cited = msg.content.find((b) => b.citations?.length);
  assert.deepEqual(cited.citations[0], {
    type: 'char_location',
    cited_text: 'The grass is green.',
    document_index: 0,
    document_title: 'Notes',
    start_char_index: 0,
    end_char_index: 19,
  });
  const final = await client().messages.stream(params).finalMessage();
  assert.deepEqual(final.content.find((b) => b.citations?.length).citations, cited.citations);
  const badPdf = await client()
    .messages.create({
      ...params,
      messages: user([{ type: 'document', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }, { type: 'text', text: 'x' }]),
    })
    .catch((e) => e);
  assert.ok(badPdf instanceof Anthropic.BadRequestError);
});

test('anthropic features: count_tokens', async () => {
  const count = await client().messages.countTokens({
    model: 'claude-sonnet-4-6',
    system: 'Be brief.',
    messages: user('count these words'),
  });
  assert.equal(count.input_tokens, 5);
  const err = await client().messages.countTokens({ model: 'missing-model', messages: user('x') }).catch((e) => e);
  assert.ok(err instanceof Anthropic.NotFoundError);
  assert.equal(err.error.error.message, 'model: missing-model');
  const extra = await client()
    .messages.countTokens({ model: 'claude-sonnet-4-6', max_tokens: 5, messages: user('x') })
    .catch((e) => e);
  assert.equal(extra.error.error.message, 'max_tokens: Extra inputs are not permitted');
});

test('anthropic features: parallel tool calls, and turned off', async () => {
  const params = {
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }],
    messages: user('weather in Paris and Rome'),
  };
  const both = await client().messages.create(params);
  assert.deepEqual(both.content.map((b) => b.input.location), ['Paris', 'Rome']);
  const one = await client().messages.create({ ...params, tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
  assert.equal(one.content.length, 1);
});

test('anthropic features: redacted thinking and a paused web search go back unchanged; a changed one is refused', async () => {
  const trigger = 'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB';
  const base = { model: 'claude-sonnet-4-6', max_tokens: 3000, thinking: { type: 'enabled', budget_tokens: 1024 } };
  const first = await client().messages.create({ ...base, messages: user(trigger) });
  assert.equal(first.content[0].type, 'redacted_thinking');
  const history = [...user(trigger), { role: 'assistant', content: first.content }, ...user('and then')];
  const next = await client().messages.create({ ...base, messages: history });
  assert.equal(next.content.at(-1).type, 'text');
  const changed = structuredClone(history);
  changed[1].content[0].data = 'tampered';
  const refused = await client().messages.create({ ...base, messages: changed }).catch((e) => e);
  assert.match(refused.error.error.message, /`thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified/);

  // a web search that pauses, continued by sending the turn back
  const tools = [{ type: 'web_search_20250305', name: 'web_search' }];
  const paused = await client().messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, tools, messages: user('search and pause') });
  assert.equal(paused.stop_reason, 'pause_turn');
  assert.deepEqual(paused.content.map((b) => b.type), ['server_tool_use', 'web_search_tool_result']);
  const cont = await client().messages.create({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    tools,
    messages: [...user('search and pause'), { role: 'assistant', content: paused.content }],
  });
  assert.equal(cont.stop_reason, 'end_turn');
  assert.equal(cont.content.at(-1).citations[0].type, 'web_search_result_location');
  const forged = structuredClone(paused.content);
  forged[1].content[0].encrypted_content = 'forged';
  const bad = await client()
    .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 100, tools, messages: [...user('search and pause'), { role: 'assistant', content: forged }] })
    .catch((e) => e);
  assert.ok(bad instanceof Anthropic.BadRequestError);
  // a thinking block whose signature no longer matches
  const thought = await client().messages.create({ ...base, messages: user('think') });
  const edited = structuredClone(thought.content);
  edited[0].thinking += ' (edited)';
  const sig = await client()
    .messages.create({ ...base, messages: [...user('think'), { role: 'assistant', content: edited }, ...user('more')] })
    .catch((e) => e);
  assert.equal(sig.error.error.message, 'messages.1.content.0: Invalid `signature` in `thinking` block');
});

test('anthropic features: a field the API does not know', async () => {
  const err = await client()
    .messages.create({ model: 'claude-sonnet-4-6', max_tokens: 10, messages: user('x'), frobnicate: 1 })
    .catch((e) => e);
  assert.ok(err instanceof Anthropic.BadRequestError);
  assert.equal(err.error.error.message, 'frobnicate: Extra inputs are not permitted');
});
