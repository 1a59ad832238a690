// npm run demo: the action's own bundled code, end to end on this machine, with three example agents.
// Offline against the stand-in model server, or against the real API when ANTHROPIC_API_KEY is set.
import fs from 'node:fs';
import path from 'node:path';
import { startModelServer } from '../__tests__/support/model-server.js';
import { LOCAL_CLAUDE, ROOT, startAction } from '../__tests__/support/run-action.js';

const realApi = Boolean(process.env.ANTHROPIC_API_KEY);
const dir = path.join(ROOT, '.demo');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

// With the stand-in, the @ lines script each agent's model: how long it thinks, which tool it calls.
const prompts = realApi
  ? [
      { id: 'haiku', prompt: 'Write a haiku about parallel builds. Answer with the haiku only.' },
      { id: 'facts', prompt: 'Name three facts about the number 42, one line each.' },
      {
        id: 'writer',
        prompt: 'Create a file notes.md with a two-line note about CI caching, then say "done".',
        'allowed-tools': 'Write',
      },
    ]
  : [
      { id: 'haiku', prompt: 'Write a haiku about parallel builds.\n@latency 3000\n@answer Many hands at once' },
      { id: 'facts', prompt: 'Name three facts about 42.\n@latency 3000\n@answer 42 is the answer' },
      {
        id: 'writer',
        prompt: 'Write notes.md about CI caching.\n@latency 1500\n@write notes.md Cache the npm folder.',
        'allowed-tools': 'Write',
      },
    ];

const server = realApi ? undefined : await startModelServer();
console.log(
  realApi
    ? 'Running 3 agents against the real Anthropic API (ANTHROPIC_API_KEY is set).'
    : `Running 3 agents against the stand-in model server at ${server.url} (set ANTHROPIC_API_KEY for the real API).`,
);

const { done } = startAction({
  dir,
  inputs: {
    prompts: JSON.stringify(prompts, null, 2),
    'claude-path': LOCAL_CLAUDE,
    'artifacts-dir': path.join(dir, 'artifacts'),
    'anthropic-api-key': process.env.ANTHROPIC_API_KEY ?? '',
  },
  env: realApi
    ? {}
    : {
        ANTHROPIC_BASE_URL: server.url,
        ANTHROPIC_API_KEY: 'sk-demo-offline',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
  onLine: (line) => {
    if (!line.startsWith('::')) console.log(`  ${line}`);
  },
});
const run = await done;
await server?.close();

console.log('\n--- the job summary ---\n');
console.log(run.summary);
console.log('--- where things are ---');
console.log(`summary:    ${run.summaryFile}`);
console.log(`results:    ${run.outputs['results-file']}`);
console.log(`artifacts:  ${path.join(dir, 'artifacts')}`);
console.log(`speedup:    ${run.outputs.speedup}x over one after another (wall ${run.outputs['wall-time-ms']} ms)`);
process.exitCode = run.code ?? 1;
