import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { ROOT } from '../../stand-ins/run-action.js';

// The workflow YAML the project shows people is what they copy. Every block must parse, and no `run:` script
// may have an expression that holds what someone else wrote pasted into it: the runner substitutes
// `${{ steps.agents.outputs.results }}` into the script's text before the shell reads it, so an agent's answer
// (or a pull request's title, for `github.event`) with a quote in it runs as commands. Such values go to the
// script through `env:`.

/** Expressions whose values come from agents' outputs, other jobs, or the event (titles, bodies, branch names). */
const PASTED = /\$\{\{\s*(steps|needs|github\.event)\s*\./;

interface Block {
  where: string;
  text: string;
}

/** The ```yaml / ```yml blocks of a Markdown file, each with the line it starts on. */
function markdownBlocks(file: string): Block[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*ya?ml\b/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trim().startsWith(fence!); j++) body.push(lines[j]!.slice(indent!.length));
    blocks.push({ where: `${path.relative(ROOT, file)}:${i + 1}`, text: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** Every YAML block the project shows: README.md, docs/*.md, and examples/ (when there is one). */
function allBlocks(): Block[] {
  const docs = path.join(ROOT, 'docs');
  const examples = path.join(ROOT, 'examples');
  const inExamples = fs.existsSync(examples)
    ? fs.readdirSync(examples, { recursive: true, encoding: 'utf8' }).map((f) => path.join(examples, f))
    : [];
  const markdown = [
    path.join(ROOT, 'README.md'),
    ...fs
      .readdirSync(docs)
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join(docs, f)),
    ...inExamples.filter((f) => f.endsWith('.md')),
  ];
  return [
    ...markdown.flatMap(markdownBlocks),
    ...inExamples
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => ({ where: path.relative(ROOT, f), text: fs.readFileSync(f, 'utf8') })),
  ];
}

/** The `run:` scripts anywhere in a parsed YAML value. */
function runScripts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(runScripts);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === 'run' && typeof v === 'string' ? [v, ...runScripts(v)] : runScripts(v),
  );
}

/** What is wrong with one block: it does not parse, or a `run:` pastes an expression in. */
function problemsOf(block: Block): string[] {
  const doc = parseDocument(block.text);
  if (doc.errors.length) return [`${block.where}: does not parse: ${doc.errors[0]!.message.split('\n')[0]}`];
  return runScripts(doc.toJS())
    .filter((script) => PASTED.test(script))
    .map((script) => `${block.where}: run: pastes ${PASTED.exec(script)![0]}…}} into the script; pass it through env:`);
}

describe('the workflow examples in README.md, docs/ and examples/', () => {
  const blocks = allBlocks();

  it('are found (the checks below would pass on nothing otherwise)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(blocks.some((b) => b.where.startsWith('README.md:'))).toBe(true);
    expect(blocks.some((b) => runScripts(parseDocument(b.text).toJS()).length > 0)).toBe(true);
  });

  it('all parse, and no run: script pastes ${{ steps.* }}, ${{ needs.* }} or ${{ github.event.* }} into itself', () => {
    expect(blocks.flatMap(problemsOf)).toEqual([]);
  });

  it('would catch a block that does not parse, and each kind of pasted expression', () => {
    const bad = [
      'steps:\n  - run: echo a: b: c',
      "steps:\n  - run: echo '${{ steps.agents.outputs.results }}' | jq .",
      'jobs:\n  x:\n    steps:\n      - run: |\n          echo "${{needs.build.outputs.name}}"',
      'steps:\n  - run: echo "${{ github.event.pull_request.title }}"',
    ];
    for (const text of bad) expect(problemsOf({ where: 'test', text }), text).toHaveLength(1);
    const good = 'steps:\n  - env:\n      RESULTS: ${{ steps.agents.outputs.results }}\n    run: echo "$RESULTS"';
    expect(problemsOf({ where: 'test', text: good })).toEqual([]);
  });
});
