// SPDX-License-Identifier: MIT
// Streaming and tools through the Cerebras SDK and the openai SDK (Fireworks, OpenAI-compatible):
// streams read to the end give the non-streamed text; an error chunk raises in the SDK.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Cerebras from '@cerebras/cerebras_cloud_sdk';
import OpenAI from 'openai';
import { keys, urls, reset, addFault, expected, words, answered } from '../emulator.mjs';

beforeEach(reset);

const prompt = 'stream this reply please';
const messages = [{ role: 'user', content: prompt }];
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];

test('cerebras stream: chunks join to the plain text; usage and time_info on the finish chunk', async () => {
  const c = new Cerebras({ apiKey: keys.EMU_CEREBRAS_VALID, baseURL: urls.cerebras, warmTCPConnection: false, maxRetries: 0 });
  const plain = await c.chat.completions.create({ model: 'gpt-oss-120b', messages });
  let text = '';
  let last;
  for await (const chunk of await c.chat.completions.create({ model: 'gpt-oss-120b', messages, stream: true })) {
    text += chunk.choices[0]?.delta?.content ?? '';
    last = chunk;
  }
  assert.equal(text, plain.choices[0].message.content);
  assert.equal(last.choices[0].finish_reason, 'stop');
  assert.equal(last.usage.completion_tokens, plain.usage.completion_tokens);
  assert.equal(typeof last.time_info.total_time, 'number');
});

test('cerebras stream: an error chunk raises in the SDK', async () => {
  const c = new Cerebras({ apiKey: keys.EMU_CEREBRAS_VALID, baseURL: urls.cerebras, warmTCPConnection: false, maxRetries: 0 });
  await addFault({ path: '/cerebras/v1/chat/completions', stream_error_after: 3 });
  const stream = await c.chat.completions.create({ model: 'gpt-oss-120b', messages, stream: true });
  const err = await (async () => {
    for await (const _ of stream);
  })().catch((e) => e);
  // The SDK builds the error with no response headers, and APIError.generate() turns that into
  // APIConnectionError('Connection error.'): the chunk's message is lost (an SDK quirk).
  assert.ok(err instanceof Cerebras.APIConnectionError, `got ${err}`);
});

for (const p of [
  { name: 'fireworks', key: 'FIREWORKS', path: '/fireworks/inference/v1', model: 'accounts/fireworks/models/gpt-oss-120b' },
  { name: 'openai', key: 'OPENAI', path: '/openai/v1', model: 'gpt-5.4-mini' },
]) {
  const client = () => new OpenAI({ apiKey: keys[`EMU_${p.key}_VALID`], baseURL: urls[p.name], maxRetries: 0 });

  test(`${p.name} stream: chat.completions.stream() gives the plain text; include_usage adds usage`, async () => {
    const plain = await client().chat.completions.create({ model: p.model, messages });
    const stream = client().chat.completions.stream({
      model: p.model,
      messages,
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0].message.content, plain.choices[0].message.content);
    assert.equal(final.choices[0].message.content, expected(prompt));
    assert.equal(final.choices[0].finish_reason, 'stop');
    assert.equal(answered(final.usage), words(expected(prompt)));
  });

  test(`${p.name} stream: an error chunk raises in the SDK`, async () => {
    await addFault({ path: `${p.path}/chat/completions`, stream_error_after: 3 });
    const err = await client()
      .chat.completions.stream({ model: p.model, messages })
      .finalChatCompletion()
      .catch((e) => e);
    assert.ok(err instanceof OpenAI.APIError, `got ${err}`);
    assert.match(err.message, /server had an error/);
  });

  test(`${p.name} tools: "weather" → tool_calls, streamed by index; a tool message is echoed`, async () => {
    const ask = { model: p.model, messages: [{ role: 'user', content: 'weather in Paris?' }], tools };
    const first = await client().chat.completions.create(ask);
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    const call = first.choices[0].message.tool_calls[0];
    assert.match(call.id, /^call_/);
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { location: 'Paris' });

    const streamed = await client().chat.completions.stream(ask).finalChatCompletion();
    const scall = streamed.choices[0].message.tool_calls[0];
    assert.equal(scall.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(scall.function.arguments), { location: 'Paris' });

    const second = await client().chat.completions.create({
      ...ask,
      messages: [...ask.messages, first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: 'sunny' }],
    });
    assert.equal(second.choices[0].message.content, 'Tool said: sunny');
  });
}
