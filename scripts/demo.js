// npm run demo: the action's own bundled code, end to end on this machine, with three example agents.
// Offline against the stand-in model server, or against the real API when ANTHROPIC_API_KEY is set.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startModelServer } from '../stand-ins/model-server.js';
import { LOCAL_CLAUDE, ROOT, startAction } from '../stand-ins/run-action.js';

const realApi = Boolean(process.env.ANTHROPIC_API_KEY);
const dir = path.join(ROOT, '.demo');
fs.rmSync(dir, { recursive: true, force: true });
fs.mkdirSync(dir, { recursive: true });

// A small repository for the agents to work on, as actions/checkout would leave one: each agent gets its own
// worktree of it, and what it changes comes back as a patch.
const repo = path.join(dir, 'repo');
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: repo });
fs.mkdirSync(path.join(repo, 'src'), { recursive: true });
fs.writeFileSync(
  path.join(repo, 'src', 'db.js'),
  'export const findUser = (db, name) => db.query("SELECT * FROM users WHERE name = \'" + name + "\'");\n',
);
fs.writeFileSync(
  path.join(repo, 'src', 'util.js'),
  '/** Adds two numbers. */\nexport const add = (a, b) => a + b;\nexport const sub = (a, b) => a - b;\n',
);
fs.writeFileSync(path.join(repo, 'CLAUDE.md'), '# Demo project\nKeep answers short.\n');
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'Add the database helper');
git('commit', '-q', '--allow-empty', '-m', 'Document add()');

// The README's pull-request example. With the stand-in, the @ lines script each agent's model: how long it
// thinks, which tools it calls.
const prompts = [
  {
    id: 'security',
    prompt: 'Review src/ for injection bugs and write findings to findings.md',
    script: '@latency 2000\n@bash grep -rn "SELECT" src\n@write findings.md src/db.js builds SQL from its input',
    'allowed-tools': 'Read Grep Bash Write',
  },
  {
    id: 'docs',
    prompt: 'List every public function without a doc comment',
    script: '@latency 2000\n@read src/util.js\n@answer sub() in src/util.js has no doc comment',
    'allowed-tools': 'Read Grep',
  },
  {
    id: 'commits',
    prompt: 'Summarize the last 20 commits in three bullet points',
    script: '@latency 3000\n@bash git log --oneline -20',
    'allowed-tools': 'Bash(git log:*)',
  },
].map(({ script, ...item }) => (realApi ? item : { ...item, prompt: `${item.prompt}\n${script}` }));

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
    'working-directory': repo,
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
for (const r of JSON.parse(run.outputs.results ?? '[]')) {
  if (r.changes?.files) console.log(`${`${r.id}:`.padEnd(11)} ${r.changes.patch} (git apply it in ${repo})`);
}
console.log(`speedup:    ${run.outputs.speedup}x over one after another (wall ${run.outputs['wall-time-ms']} ms)`);
process.exitCode = run.code ?? 1;
