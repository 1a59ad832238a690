// Run by scripts/act-e2e.sh after a workflow: checks that act's artifact store (its --artifact-server-path)
// holds every artifact the workflow should have uploaded (each agent's, each shard's and the report's), each a
// zip with what it should hold.
//   node __tests__/act/check-store.js STORE PREFIX [--shards N] ID...
import fs from 'node:fs';
import path from 'node:path';
import { readZip } from '../../stand-ins/artifact-service.js';

const [store, prefix, ...rest] = process.argv.slice(2);
const shardsAt = rest.indexOf('--shards');
const shards = shardsAt === -1 ? 0 : Number(rest[shardsAt + 1]);
const ids = shardsAt === -1 ? rest : rest.filter((_, i) => i !== shardsAt && i !== shardsAt + 1);

// act keeps each artifact as <store>/<run id>/<name>/<name>.zip.
const runs = fs.readdirSync(store);
const problems = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) problems.push(what);
};
check(runs.length === 1, `the store holds one workflow run (${runs.join(', ')})`);
const run = path.join(store, runs[0] ?? '');

function files(name) {
  const zip = path.join(run, name, `${name}.zip`);
  if (!fs.existsSync(zip)) return undefined;
  return [...readZip(fs.readFileSync(zip)).keys()];
}

for (const id of ids) {
  const held = files(`${prefix}-${id}`);
  check(
    held !== undefined && ['result.md', 'events.jsonl', 'stderr.log'].every((f) => held.includes(f)),
    `${prefix}-${id} holds result.md, events.jsonl, stderr.log (${held?.join(', ') ?? 'not in the store'})`,
  );
}
for (let i = 1; i <= shards; i++) {
  const name = `${prefix}-shard-${i}-of-${shards}`;
  const held = files(name);
  check(
    held !== undefined && ['results.json', 'shard.json', 'summary.md'].every((f) => held.includes(f)),
    `${name} holds results.json, shard.json, summary.md (${held?.join(', ') ?? 'not in the store'})`,
  );
}
// The run's report.md, uploaded by the step (or, split over shards, by the aggregate step).
const report = files(`${prefix}-report`);
check(
  report?.includes('report.md') === true,
  `${prefix}-report holds report.md (${report?.join(', ') ?? 'not in the store'})`,
);
const expected = ids.length + shards + 1;
const found = fs.readdirSync(run).length;
check(found === expected, `the store holds ${expected} artifacts, no more (${found})`);
if (problems.length) process.exit(1);
