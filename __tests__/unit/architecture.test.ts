import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../stand-ins/run-action.js';

// The pipeline's layering, held by a test: each folder of src/ may import only the folders listed for it.
// `.` is src/ itself (actions.ts, main.ts, types.ts); main.ts and actions.ts sit on top of everything.
const ALLOWED: Record<string, readonly string[]> = {
  types: [],
  util: ['types'],
  config: ['types', 'util'],
  // Agents as a user of their own, and the fence around the runner's files: what agents and workspaces ask for.
  isolation: ['types', 'util'],
  agent: ['types', 'util', 'isolation'],
  workspace: ['types', 'util', 'isolation'],
  artifacts: ['types', 'util'],
  schedule: ['types', 'util', 'agent', 'workspace'],
  report: ['types', 'util', 'config'],
  publish: ['types', 'util', 'config', 'report'],
  // Shards: the shard artifact's format, merge (built on the report's numbers), upload and fetch. The deal of
  // agents to shards is config's: it decides which agents a step runs.
  shard: ['types', 'util', 'config', 'report', 'artifacts'],
  // The one ending of both entries: outputs, summary, report, the hand-on (a shard's artifact, or the report's
  // artifact, the comment and the issue) and the step's fate.
  finish: ['types', 'util', 'config', 'artifacts', 'report', 'publish', 'shard', 'changes'],
  // Agents' patches made into commits, pushes and pull requests (with git of workspace/ and the API of publish/),
  // by the ending of either entry.
  changes: ['types', 'util', 'report', 'publish', 'workspace'],
  // The aggregate action's run (aggregate/main.ts): on top like main.ts, beside it. It
  // starts at the ending, from the shards' artifacts, so it runs no agents.
  aggregate: ['types', 'util', 'config', 'shard', 'publish', 'finish', 'artifacts'],
  // Re-runs: what earlier attempts of the run left (each agent's artifact), read back so that agents that
  // succeeded then are not run again.
  rerun: ['types', 'util', 'artifacts'],
  // The apply action's run (apply/main.ts): on top like the other two. It starts at the ending,
  // from the agents' artifacts, in a later job that holds the write token.
  apply: ['types', 'util', 'config', 'shard', 'finish', 'artifacts', 'changes', 'report'],
  // What the checkout would hand agents besides its files, kept from them before they start: the pull request's
  // agent configuration (the base's read from git or the API) and the job's git token.
  trust: ['types', 'util', 'config', 'publish', 'workspace'],
};

const SRC = path.join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The project files a file imports, as paths relative to src/ (`agent/run.ts`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'/gm)) {
    const target = path.resolve(path.dirname(file), m[1]!.replace(/\.js$/, '.ts'));
    found.push(path.relative(SRC, target));
  }
  return found;
}

/** A file's layer: its folder under src/, or `types` for types.ts, or `.` for main.ts and actions.ts. */
function layer(rel: string): string {
  if (rel === 'types.ts') return 'types';
  return rel.includes(path.sep) ? rel.split(path.sep)[0]! : '.';
}

const graph = new Map(sourceFiles(SRC).map((f) => [path.relative(SRC, f), importsOf(f)]));

describe('the layout of src/', () => {
  it('has a folder for every stage, and nothing but actions.ts, main.ts and types.ts at the top', () => {
    const top = fs.readdirSync(SRC).sort();
    expect(top.filter((n) => n.endsWith('.ts'))).toEqual(['actions.ts', 'main.ts', 'types.ts']);
    for (const dir of top.filter((n) => !n.endsWith('.ts'))) expect(Object.keys(ALLOWED)).toContain(dir);
  });

  it('finds the imports it checks (the check would pass on nothing otherwise)', () => {
    expect(graph.get('main.ts')).toContain('config/inputs.ts');
    expect(graph.get('agent/run.ts')).toContain('agent/attempt.ts');
  });

  it('has no import that runs backwards, from a lower stage to a higher one', () => {
    const wrong: string[] = [];
    for (const [file, imports] of graph) {
      const from = layer(file);
      if (from === '.') continue;
      for (const target of imports) {
        const to = layer(target);
        if (to !== from && !ALLOWED[from]?.includes(to)) wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("bundles the three actions' runs from actions.ts, which does nothing else", () => {
    const code = fs
      .readFileSync(path.join(SRC, 'actions.ts'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('//'));
    expect(code).toEqual([
      "export { run as main } from './main.js';",
      "export { run as aggregate } from './aggregate/main.js';",
      "export { run as apply } from './apply/main.js';",
    ]);
  });

  it.each(['aggregate', 'apply'])('imports the %s action only from actions.ts', (e) => {
    const importers = [...graph].filter(
      ([file, imports]) => !file.startsWith(`${e}${path.sep}`) && imports.some((t) => t.startsWith(`${e}${path.sep}`)),
    );
    expect(importers.map(([file]) => file)).toEqual(['actions.ts']);
  });

  it('ends both entries through the one ending, and fails a step in one place only', () => {
    for (const entry of ['main.ts', path.join('aggregate', 'main.ts'), path.join('apply', 'main.ts')]) {
      expect(graph.get(entry), entry).toEqual(expect.arrayContaining(['finish/finish.ts', 'finish/fail-step.ts']));
    }
    const failing = sourceFiles(SRC)
      .filter((f) => /^(?!\s*(?:\/\/|\*)).*\bsetFailed\(/m.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    expect(failing).toEqual([path.join('finish', 'fail-step.ts')]);
  });

  it("gives no two files one name, but the three actions' main.ts", () => {
    const byName = new Map<string, string[]>();
    for (const file of graph.keys())
      byName.set(path.basename(file), [...(byName.get(path.basename(file)) ?? []), file]);
    const twice = [...byName].filter(([name, files]) => files.length > 1 && name !== 'main.ts');
    expect(twice).toEqual([]);
  });
});
