// SPDX-License-Identifier: MIT
// Streaming and tools through the Anthropic SDK's own helpers: messages.stream() read to the
// end gives the non-streamed text; mid-stream error events and cut connections raise.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { keys, urls, reset, addFault, expected, words } from '../emulator.mjs';

const client = (opts = {}) =>
  new Anthropic({ apiKey: keys.EMU_ANTHROPIC_VALID, baseURL: urls.anthropic, maxRetries: 0, ...opts });
const params = (prompt = 'stream this reply please') => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: prompt }],
});
const weather = {
  name: 'get_weather',
  description: 'Weather for a place',
  input_schema: { type: 'object', properties: { location: { type: 'string' } } },
};

beforeEach(reset);

test('anthropic stream: messages.stream() gives the same text and usage as the plain reply', async () => {
  const plain = await client().messages.create(params());
  const stream = client().messages.stream(params());
  let deltas = 0;
  stream.on('text', () => deltas++);
  const final = await stream.finalMessage();
  assert.equal(final.content[0].text, plain.content[0].text);
  assert.equal(final.content[0].text, expected('stream this reply please'));
  assert.equal(deltas, words(expected('stream this reply please')), 'one text_delta per word');
  assert.equal(final.stop_reason, 'end_turn');
  assert.equal(final.usage.output_tokens, plain.usage.output_tokens);
  assert.equal(final.usage.input_tokens, plain.usage.input_tokens);
});

test('anthropic stream: raw create({stream:true}) yields the documented event order', async () => {
  const types = [];
  for await (const ev of await client().messages.create({ ...params(), stream: true })) types.push(ev.type);
  assert.deepEqual(types.slice(0, 2), ['message_start', 'content_block_start']);
  assert.deepEqual(types.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
});

test('anthropic stream: x-emulator-stream-events makes a long stream the SDK reads whole', async () => {
  const final = await client()
    .messages.stream(params('a b'), { headers: { 'x-emulator-stream-events': '1000' } })
    .finalMessage();
  assert.equal(words(final.content[0].text), 1000);
  assert.equal(final.usage.output_tokens, 1000);
});

test('anthropic stream: a mid-stream overloaded_error event raises in the SDK', async () => {
  await addFault({ path: '/anthropic/v1/messages', stream_error_after: 4 });
  const err = await client().messages.stream(params()).finalMessage().catch((e) => e);
  assert.ok(err instanceof Anthropic.APIError, `got ${err}`);
  assert.equal(err.type, 'overloaded_error');
  assert.equal(err.error.error.message, 'Overloaded');
});

test('anthropic stream: a connection cut mid-event raises in the SDK', async () => {
  await addFault({ path: '/anthropic/v1/messages', stream_cut_after: 4 });
  const err = await client().messages.stream(params()).finalMessage().catch((e) => e);
  assert.ok(err instanceof Error, `got ${err}`);
});

test('anthropic tools: "weather" with tools offered → tool_use; a tool result is echoed', async () => {
  const ask = { ...params('what is the weather in Paris'), tools: [weather] };
  const first = await client().messages.create(ask);
  assert.equal(first.stop_reason, 'tool_use');
  const use = first.content[0];
  assert.equal(use.type, 'tool_use');
  assert.match(use.id, /^toolu_/);
  assert.equal(use.name, 'get_weather');
  assert.deepEqual(use.input, { location: 'Paris' });

  const streamed = await client().messages.stream(ask).finalMessage();
  assert.equal(streamed.stop_reason, 'tool_use');
  assert.deepEqual(streamed.content[0].input, { location: 'Paris' }, 'input_json_delta pieces join up');

  const second = await client().messages.create({
    ...ask,
    messages: [
      ...ask.messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'sunny, 21 C' }] },
    ],
  });
  assert.equal(second.content[0].text, 'Tool said: sunny, 21 C');
  assert.equal(second.stop_reason, 'end_turn');
});
