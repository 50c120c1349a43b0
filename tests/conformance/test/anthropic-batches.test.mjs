// SPDX-License-Identifier: MIT
// Anthropic Message Batches through client.messages.batches.*: create, poll until ended,
// results (JSONL) by custom_id, list, cancel, delete.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { keys, urls, reset, expected } from '../emulator.mjs';

const client = () => new Anthropic({ apiKey: keys.EMU_ANTHROPIC_VALID, baseURL: urls.anthropic, maxRetries: 0 });
const req = (custom_id, prompt, model = 'claude-sonnet-4-6') => ({
  custom_id,
  params: { model, max_tokens: 50, messages: [{ role: 'user', content: prompt }] },
});

beforeEach(reset);

test('anthropic batches: create, poll until ended, read results by custom_id', async () => {
  const c = client();
  const created = await c.messages.batches.create(
    { requests: [req('a', 'first prompt'), req('b', 'second prompt'), req('c', 'x', 'missing-model')] },
    { headers: { 'x-emulator-batch-delay-ms': '300' } },
  );
  assert.match(created.id, /^msgbatch_/);
  assert.equal(created.type, 'message_batch');
  assert.equal(created.processing_status, 'in_progress');
  assert.equal(created.request_counts.processing, 3);
  assert.equal(created.results_url, null);

  let batch = created;
  while (batch.processing_status !== 'ended') {
    await new Promise((r) => setTimeout(r, 100));
    batch = await c.messages.batches.retrieve(created.id);
  }
  assert.deepEqual(batch.request_counts, { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 });
  assert.ok(batch.ended_at);

  const byId = {};
  for await (const line of await c.messages.batches.results(created.id)) byId[line.custom_id] = line.result;
  assert.equal(byId.a.type, 'succeeded');
  assert.equal(byId.a.message.content[0].text, expected('first prompt'));
  assert.equal(byId.b.message.content[0].text, expected('second prompt'));
  assert.equal(byId.c.type, 'errored');
  assert.equal(byId.c.error.error.type, 'not_found_error');

  const listed = [];
  for await (const b of c.messages.batches.list({ limit: 1 })) listed.push(b.id);
  assert.ok(listed.includes(created.id));

  const deleted = await c.messages.batches.delete(created.id);
  assert.equal(deleted.type, 'message_batch_deleted');
  const gone = await c.messages.batches.retrieve(created.id).catch((e) => e);
  assert.ok(gone instanceof Anthropic.NotFoundError, `got ${gone}`);
});

test('anthropic batches: cancel → canceling, then ended with canceled results', async () => {
  const c = client();
  const created = await c.messages.batches.create(
    { requests: [req('only', 'never mind')] },
    { headers: { 'x-emulator-batch-delay-ms': '60000' } },
  );
  const canceling = await c.messages.batches.cancel(created.id);
  assert.equal(canceling.processing_status, 'canceling');
  assert.ok(canceling.cancel_initiated_at);
  const ended = await c.messages.batches.retrieve(created.id);
  assert.equal(ended.processing_status, 'ended');
  assert.equal(ended.request_counts.canceled, 1);
  const lines = [];
  for await (const line of await c.messages.batches.results(created.id)) lines.push(line);
  assert.deepEqual(lines, [{ custom_id: 'only', result: { type: 'canceled' } }]);
});
