import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ACTION_NAME,
  ACTION_SLUG,
  FAIL_ON_VALUES,
  INPUT_DEFAULTS,
  OUTPUT_NAMES,
  PERMISSION_MODES,
  UPLOAD_MODES,
} from '../../src/config/action-interface.js';
import {
  AGGREGATE_ACTION_NAME,
  AGGREGATE_INPUT_DEFAULTS,
  AGGREGATE_SLUG,
} from '../../src/config/aggregate-interface.js';
import {
  APPLY_ACTION_NAME,
  APPLY_INPUT_DEFAULTS,
  APPLY_OUTPUT_NAMES,
  APPLY_SLUG,
} from '../../src/config/apply-interface.js';
import { ROOT } from '../../stand-ins/run-action.js';

// action.yml, the code and the docs say the same things: the same inputs with the same defaults, the same
// outputs, the same fields of `results`, the same enumerated values, and one name.

interface ActionYml {
  name: string;
  inputs: Record<string, { description: string; default?: unknown }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const action = parse(read('action.yml')) as ActionYml;
const REFERENCE = 'docs/inputs-outputs.md';

/** The rows of the first Markdown table after `heading` in `text`, as arrays of trimmed cells. */
function tableAfter(text: string, heading: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start === -1) throw new Error(`no heading ${JSON.stringify(heading)}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (!line.startsWith('|')) {
      if (rows.length) break;
      continue;
    }
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2); // the header and the --- line
}

/** The names in backticks in a piece of text, in order. */
const ticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

/** The fields of an interface in src/types.ts, read with the TypeScript compiler. */
function interfaceFields(name: string): string[] {
  const file = path.join(ROOT, 'src', 'types.ts');
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const node = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!node) throw new Error(`no interface ${name} in src/types.ts`);
  return node.members.map((m) => (m.name as ts.Identifier).text);
}

describe('action.yml and the code', () => {
  it('declare the same inputs, with the same defaults', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.keys(INPUT_DEFAULTS).sort());
    for (const [name, spec] of Object.entries(action.inputs)) {
      expect(String(spec.default ?? ''), `default of ${name}`).toBe(
        INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS],
      );
    }
  });

  it('read every declared input, and read inputs only through readInput', () => {
    // readInput takes only names of INPUT_DEFAULTS (the type checker holds it to them); each is read by name.
    // The changes stage's inputs are read beside the others (config/changes-inputs.ts), through the same inputOr.
    const inputs = read('src/config/inputs.ts') + read('src/config/changes-inputs.ts');
    const unread = Object.keys(action.inputs).filter((name) => !inputs.includes(`('${name}'`));
    expect(unread).toEqual([]);
    expect(inputs.match(/core\.getInput\(/g)).toHaveLength(1);
  });

  it('declare the same outputs', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  });

  it('list the same fields of results as AgentResult', () => {
    const fields = interfaceFields('AgentResult');
    const described = /\(([^)]*)\)/.exec(action.outputs.results!.description)?.[1] ?? '';
    expect(
      described
        .split(',')
        .map((f) => f.trim())
        .sort(),
    ).toEqual([...fields].sort());
  });

  it('enumerate the same values for permission-mode, fail-on and upload', () => {
    const values = (name: string) => [...new Set(ticked(action.inputs[name]!.description))];
    expect(values('permission-mode').sort()).toEqual([...PERMISSION_MODES].sort());
    expect(values('fail-on').sort()).toEqual([...FAIL_ON_VALUES].sort());
    expect(values('upload').sort()).toEqual([...UPLOAD_MODES].sort());
  });
});

describe(`the reference (${REFERENCE}) and the code`, () => {
  const text = read(REFERENCE);
  const inputRows = tableAfter(text, '## Inputs');
  const outputRows = tableAfter(text, '## Outputs');

  it('lists every input once, in a row of its own, with action.yml’s default', () => {
    const names = inputRows.map((r) => ticked(r[0] ?? '')[0]);
    expect([...names].sort()).toEqual(Object.keys(action.inputs).sort());
    for (const row of inputRows) {
      const name = ticked(row[0]!)[0]!;
      const shown = ticked(row[1] ?? '')[0];
      // A default in backticks is a literal one; words ("CLI default", "all that fit") describe an empty one.
      const actual = String(action.inputs[name]!.default ?? '');
      if (shown !== undefined) expect(shown, `default of ${name}`).toBe(actual);
      else expect(actual, `default of ${name} (the docs show none in backticks)`).toBe('');
    }
  });

  it('lists every output', () => {
    const names = outputRows.flatMap((r) => ticked(r[0] ?? ''));
    expect(names.sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('lists the same fields of results as AgentResult', () => {
    const row = outputRows.find((r) => ticked(r[0] ?? '')[0] === 'results')!;
    const fields = ticked(row[1]!).filter(
      (f) => /^[a-z][A-Za-z]*$/.test(f) && !['success', 'failure', 'timeout', 'cancelled', 'skipped'].includes(f),
    );
    expect([...new Set(fields)].sort()).toEqual(interfaceFields('AgentResult').sort());
  });

  it('enumerates the same permission modes', () => {
    const row = inputRows.find((r) => ticked(r[0] ?? '')[0] === 'permission-mode')!;
    expect(ticked(row[2]!).sort()).toEqual([...PERMISSION_MODES].sort());
  });
});

describe('one name everywhere', () => {
  it('is the same in package.json, action.yml, the README and the run folder', () => {
    const pkg = JSON.parse(read('package.json')) as { name: string };
    expect(pkg.name).toBe(ACTION_SLUG);
    expect(action.name).toBe(ACTION_NAME);
    expect(read('README.md').split('\n')[0]).toBe(`# ${ACTION_NAME}`);
    expect(read('src/main.ts')).toContain('`${ACTION_SLUG}-`');
  });
});

// The aggregate action (aggregate/action.yml) is held to the same discipline: its own inputs, the main action's
// outputs, and its own reference tables in docs/sharding.md.
describe('aggregate/action.yml, the code and docs/sharding.md', () => {
  const aggregate = parse(read('aggregate/action.yml')) as ActionYml;
  const SHARDING = 'docs/sharding.md';
  const text = read(SHARDING);
  const resultsFields = (description: string) =>
    (/\(([^)]*)\)/.exec(description)?.[1] ?? '')
      .split(',')
      .map((f) => f.trim())
      .sort();

  it('declare the same inputs, with the same defaults', () => {
    expect(Object.keys(aggregate.inputs).sort()).toEqual(Object.keys(AGGREGATE_INPUT_DEFAULTS).sort());
    for (const [name, spec] of Object.entries(aggregate.inputs)) {
      expect(String(spec.default ?? ''), `default of ${name}`).toBe(
        AGGREGATE_INPUT_DEFAULTS[name as keyof typeof AGGREGATE_INPUT_DEFAULTS],
      );
    }
  });

  it('read every declared input, only through readAggregateInput', () => {
    const inputs = read('src/config/aggregate-inputs.ts');
    const unread = Object.keys(aggregate.inputs).filter((name) => !inputs.includes(`('${name}'`));
    expect(unread).toEqual([]);
    expect(inputs).not.toMatch(/core\.getInput\(/);
  });

  it('declare the main action’s outputs, with the same fields of results', () => {
    expect(Object.keys(aggregate.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
    expect(resultsFields(aggregate.outputs.results!.description)).toEqual(interfaceFields('AgentResult').sort());
  });

  it('enumerate the same fail-on values', () => {
    expect([...new Set(ticked(aggregate.inputs['fail-on']!.description))].sort()).toEqual([...FAIL_ON_VALUES].sort());
  });

  it('run the aggregate entry that npm run bundle builds, on the main action’s runtime', () => {
    expect(aggregate.runs).toEqual({ using: action.runs.using, main: '../dist/aggregate/index.js' });
    expect(read('dist/aggregate/index.js')).toContain(
      "import { aggregate } from '../core/index.js';\n\nvoid aggregate();",
    );
    expect(action.runs.main).toBe('dist/index.js');
    expect(read('dist/index.js')).toContain("import { main } from './core/index.js';\n\nvoid main();");
  });

  it('have one name, and the run folder is named after it', () => {
    expect(aggregate.name).toBe(AGGREGATE_ACTION_NAME);
    expect(AGGREGATE_SLUG).toBe(`${ACTION_SLUG}-aggregate`);
    expect(read('src/aggregate/main.ts')).toContain('`${AGGREGATE_SLUG}-`');
  });

  it(`are listed in ${SHARDING}: every input with its default, every output`, () => {
    const inputRows = tableAfter(text, '## Aggregate inputs');
    const names = inputRows.map((r) => ticked(r[0] ?? '')[0]);
    expect([...names].sort()).toEqual(Object.keys(aggregate.inputs).sort());
    for (const row of inputRows) {
      const name = ticked(row[0]!)[0]!;
      const shown = ticked(row[1] ?? '')[0];
      const actual = String(aggregate.inputs[name]!.default ?? '');
      if (shown !== undefined) expect(shown, `default of ${name}`).toBe(actual);
      else expect(actual, `default of ${name} (the docs show none in backticks)`).toBe('');
    }
    const outputs = tableAfter(text, '## Aggregate outputs').flatMap((r) => ticked(r[0] ?? ''));
    expect(outputs.sort()).toEqual(Object.keys(aggregate.outputs).sort());
  });
});

// The apply action (apply/action.yml): its inputs and outputs, the code, docs/changes.md and the bundle agree.
describe('apply/action.yml, the code and docs/changes.md', () => {
  const apply = parse(read('apply/action.yml')) as ActionYml;
  const text = read('docs/changes.md');

  it('declare the same inputs with the same defaults, each read by the code', () => {
    expect(Object.keys(apply.inputs).sort()).toEqual(Object.keys(APPLY_INPUT_DEFAULTS).sort());
    for (const [name, spec] of Object.entries(apply.inputs)) {
      expect(String(spec.default ?? ''), `default of ${name}`).toBe(
        APPLY_INPUT_DEFAULTS[name as keyof typeof APPLY_INPUT_DEFAULTS],
      );
    }
    const inputs = read('src/config/apply-inputs.ts');
    expect(Object.keys(apply.inputs).filter((name) => !inputs.includes(`('${name}'`))).toEqual([]);
  });

  it('declare outputs the main action also has', () => {
    expect(Object.keys(apply.outputs).sort()).toEqual([...APPLY_OUTPUT_NAMES].sort());
    for (const name of APPLY_OUTPUT_NAMES) expect(Object.keys(action.outputs)).toContain(name);
  });

  it('run the apply entry that npm run bundle builds, under one name', () => {
    expect(apply.runs).toEqual({ using: action.runs.using, main: '../dist/apply/index.js' });
    expect(read('dist/apply/index.js')).toContain("import { apply } from '../core/index.js';\n\nvoid apply();");
    expect(apply.name).toBe(APPLY_ACTION_NAME);
    expect(APPLY_SLUG).toBe(`${ACTION_SLUG}-apply`);
    expect(read('src/apply/main.ts')).toContain('`${APPLY_SLUG}-`');
  });

  it('are listed in docs/changes.md: every input with its default', () => {
    const rows = tableAfter(text, '## Apply inputs');
    expect(rows.map((r) => ticked(r[0] ?? '')[0]).sort()).toEqual(Object.keys(apply.inputs).sort());
    for (const row of rows) {
      const name = ticked(row[0]!)[0]!;
      const shown = ticked(row[1] ?? '')[0];
      const actual = String(apply.inputs[name]!.default ?? '');
      if (shown !== undefined) expect(shown, `default of ${name}`).toBe(actual);
      else expect(actual, `default of ${name} (the docs show none in backticks)`).toBe('');
    }
  });
});

describe('the measured figures the docs quote', () => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

  it('are the benchmark’s, with no placeholder left where a result belongs', () => {
    // bench/capacity-results.md's table row: | N | 429s adaptive | 429s fixed | fewer | wall adaptive | wall fixed | …
    const row = /^\| \d+ \| (\d+) \| (\d+) \| (\d+)% \| ([\d.]+) s \| ([\d.]+) s \|/m.exec(
      read('bench/capacity-results.md'),
    );
    expect(row).not.toBeNull();
    const [, adaptive, fixed, fewer, wallAdaptive, wallFixed] = row!;
    for (const doc of ['docs/rate-limits-and-budgets.md', 'docs/benchmark.md']) {
      const text = read(doc).replace(/\s+/g, ' ');
      for (const figure of [adaptive, fixed, `${fewer}%`, `${wallAdaptive} s`, `${wallFixed} s`]) {
        expect(text, `${doc} quotes ${figure}`).toContain(figure);
      }
    }
    expect(read('README.md')).toContain(`${fewer}% fewer 429s`);
    for (const doc of ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)]) {
      expect(read(doc), doc).not.toMatch(/results go here/i);
    }
  });
});
