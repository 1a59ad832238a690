import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectChanges } from '../../../src/workspace/patch.js';
import {
  configEntries,
  isAgentConfig,
  rebaseOnConfig,
  replaceConfig,
  type ConfigFile,
  type RepositoryConfig,
} from '../../../src/workspace/repo-config.js';
import { tempDir } from '../../support/agents.js';
import { commitAll, git, makeRepo, writeFiles } from '../../support/repos.js';

// Putting the base's agent configuration in place of a pull request's, in real folders and a real repository.

const file = (p: string, content: string): ConfigFile => ({ path: p, kind: 'file', content: Buffer.from(content) });
const base = (...files: ConfigFile[]): RepositoryConfig => ({ mode: 'base', files });
const read = (dir: string, p: string) => fs.readFileSync(path.join(dir, p), 'utf8');
const exists = (dir: string, p: string) => fs.lstatSync(path.join(dir, p), { throwIfNoEntry: false }) !== undefined;

describe('isAgentConfig', () => {
  it.each([
    'CLAUDE.md',
    'CLAUDE.local.md',
    '.mcp.json',
    '.claude',
    '.claude/settings.json',
    '.claude/skills/review/SKILL.md',
    'packages/web/CLAUDE.md',
    'packages/web/.claude/commands/x.md',
  ])('counts %j', (p) => expect(isAgentConfig(p)).toBe(true));

  it.each(['README.md', 'docs/claude.md', 'CLAUDE.md.bak', 'src/.claudeignore', 'mcp.json', 'a/.claude.json'])(
    'leaves %j alone',
    (p) => expect(isAgentConfig(p)).toBe(false),
  );
});

describe('replaceConfig', () => {
  const pullRequest = {
    'CLAUDE.md': 'Answer PULLREQUEST.\n',
    'CLAUDE.local.md': 'local\n',
    '.mcp.json': '{"mcpServers":{}}',
    '.claude/settings.json': '{"hooks":{}}',
    '.claude/agents/evil.md': 'evil\n',
    'packages/web/CLAUDE.md': 'nested\n',
    'src/app.js': 'code\n',
    '.git/CLAUDE.md': 'not the tree\n',
  };

  it("puts the base's files in place of the tree's, keeping what is already the base's, and says what changed", () => {
    const tree = tempDir('repo-config-');
    writeFiles(tree, pullRequest);
    const { replaced, skipped } = replaceConfig(
      tree,
      base(file('CLAUDE.local.md', 'local\n'), file('.claude/settings.json', '{}'), file('docs/CLAUDE.md', 'docs\n')),
    );
    expect(replaced).toEqual([
      '.claude/agents/evil.md',
      '.claude/settings.json',
      '.mcp.json',
      'CLAUDE.md',
      'docs/CLAUDE.md',
      'packages/web/CLAUDE.md',
    ]);
    expect(skipped).toEqual([]);
    expect(configEntries(tree)).toEqual(['.claude/settings.json', 'CLAUDE.local.md', 'docs/CLAUDE.md']);
    expect(read(tree, '.claude/settings.json')).toBe('{}');
    expect(read(tree, 'docs/CLAUDE.md')).toBe('docs\n');
    // The emptied folder goes as git would have it; the rest of the tree, and the git folder, stay.
    expect(exists(tree, '.claude/agents')).toBe(false);
    expect(read(tree, 'src/app.js')).toBe('code\n');
    expect(read(tree, '.git/CLAUDE.md')).toBe('not the tree\n');
  });

  it('with none, removes every configuration file and nothing else', () => {
    const tree = tempDir('repo-config-');
    writeFiles(tree, pullRequest);
    const { replaced } = replaceConfig(tree, { mode: 'none', files: [] });
    expect(replaced).toHaveLength(6);
    expect(configEntries(tree)).toEqual([]);
    expect(exists(tree, '.claude')).toBe(false);
    expect(read(tree, 'src/app.js')).toBe('code\n');
  });

  it('changes nothing in a tree that holds the base configuration already', () => {
    const tree = tempDir('repo-config-');
    writeFiles(tree, { 'CLAUDE.md': 'same\n', 'src/a.js': 'a\n' });
    expect(replaceConfig(tree, base(file('CLAUDE.md', 'same\n'))).replaced).toEqual([]);
  });

  it('removes a .claude that is a link without following it, and writes nothing through a linked folder', () => {
    const tree = tempDir('repo-config-');
    const outside = tempDir('repo-config-outside-');
    writeFiles(outside, { 'settings.json': 'outside\n' });
    fs.symlinkSync(outside, path.join(tree, '.claude'));
    fs.symlinkSync(outside, path.join(tree, 'docs'));
    const { replaced, skipped } = replaceConfig(tree, base(file('docs/CLAUDE.md', 'docs\n')));
    expect(replaced).toEqual(['.claude']);
    expect(skipped).toEqual(['docs/CLAUDE.md']);
    expect(fs.readdirSync(outside)).toEqual(['settings.json']);
    expect(read(outside, 'settings.json')).toBe('outside\n');
  });

  it('writes executable files and links as the base has them', () => {
    const tree = tempDir('repo-config-');
    replaceConfig(
      tree,
      base(
        { path: '.claude/hooks/check.sh', kind: 'exec', content: Buffer.from('#!/bin/sh\n') },
        { path: 'CLAUDE.md', kind: 'link', content: Buffer.from('docs/AGENTS.md') },
      ),
    );
    expect(fs.statSync(path.join(tree, '.claude/hooks/check.sh')).mode & 0o111).not.toBe(0);
    expect(fs.readlinkSync(path.join(tree, 'CLAUDE.md'))).toBe('docs/AGENTS.md');
  });
});

describe('rebaseOnConfig', () => {
  it("keeps the replaced files out of the agent's patch, and the agent's own edits in it", async () => {
    const tree = makeRepo({
      'CLAUDE.md': 'Answer PULLREQUEST.\n',
      '.claude/settings.json': '{"hooks":{}}',
      '.gitignore': 'CLAUDE.local.md\n',
      'src/app.js': 'one\n',
    });
    const commit = git(tree, 'rev-parse', 'HEAD').trim();
    const source = {
      tree,
      scratch: path.join(tempDir('repo-config-scratch-'), 'scratch'),
      base: commit,
      startIndex: path.join(tree, '.git', 'index'),
      objects: [path.join(tree, '.git', 'objects')],
    };
    // The base's CLAUDE.local.md is committed there, though this tree ignores the name.
    const { replaced } = replaceConfig(tree, base(file('CLAUDE.md', 'Be brief.\n'), file('CLAUDE.local.md', 'x\n')));
    await rebaseOnConfig(source, replaced);
    expect(source.base).not.toBe(commit);
    writeFiles(tree, { 'src/app.js': 'one\ntwo\n', 'CLAUDE.md': 'Be brief.\nAnd kind.\n' });
    const out = tempDir('repo-config-out-');
    const changes = await collectChanges(source, out);
    const patch = fs.readFileSync(path.join(out, 'changes.patch'), 'utf8');
    expect(patch).toContain('+two');
    expect(patch).toContain('+And kind.');
    expect(patch).not.toContain('PULLREQUEST');
    expect(patch).not.toContain('settings.json');
    expect(patch).not.toContain('CLAUDE.local.md');
    expect(changes).toMatchObject({ files: 2, insertions: 2, deletions: 0 });
    // Nothing of this was written into the repository's own index or objects.
    expect(git(tree, 'status', '--porcelain')).toContain(' D .claude/settings.json');
    expect(commitAll(tree, 'still works')).toMatch(/^[0-9a-f]{40}$/);
  });
});
