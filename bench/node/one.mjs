// SPDX-License-Identifier: MIT
// one.mjs — one request end to end with the official Anthropic SDK, as a user's script would
// send it: the CLI scenario's Node peer (process start to exit). Prints the reply's text.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const conformance = process.env.LLMC_BENCH_SDKS || path.join(here, '..', '..', 'tests', 'conformance');
const Anthropic = createRequire(path.join(conformance, 'package.json'))('@anthropic-ai/sdk').default;

const client = new Anthropic();
const message = await client.messages.create({
  model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hello there' }],
});
console.log(message.content[0].text);
