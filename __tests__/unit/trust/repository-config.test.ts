import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../../src/publish/event.js';
import {
  effectiveConfigMode,
  readRepositoryConfig,
  unprotectedSharedAgents,
} from '../../../src/trust/repository-config.js';
import type { AgentSpec, WorkspaceMode } from '../../../src/types.js';
import { InputError } from '../../../src/util/errors.js';
import { spec } from '../../support/agents.js';

// Whose agent configuration the agents get, decided from the input and the event.

const event = (name: string, payload: object = {}) => describeEvent(name, payload, 'o/r', 'someone');
const checkout = { top: '/nowhere', prefix: '', gitDir: '/nowhere/.git', commonDir: '/nowhere/.git', commit: '' };
const onPullRequest = { pull_request: { number: 3, base: { sha: 'a'.repeat(40) } } };

describe('effectiveConfigMode', () => {
  it.each([
    ['pull_request', onPullRequest],
    ['pull_request_target', onPullRequest],
    ['pull_request_review', onPullRequest],
    ['pull_request_review_comment', onPullRequest],
    ['issue_comment', { issue: { number: 3, pull_request: {} } }],
  ])('auto is base on %s', (name, payload) => {
    expect(effectiveConfigMode('auto', event(name, payload))).toBe('base');
  });

  it.each([
    ['push', {}],
    ['schedule', {}],
    ['workflow_dispatch', {}],
    ['issue_comment', { issue: { number: 3 } }],
    ['issues', { issue: { number: 3 } }],
  ])('auto is head on %s', (name, payload) => {
    expect(effectiveConfigMode('auto', event(name, payload))).toBe('head');
  });

  it.each(['base', 'head', 'none'] as const)('%s is itself on any event', (setting) => {
    expect(effectiveConfigMode(setting, event('pull_request', onPullRequest))).toBe(setting);
    expect(effectiveConfigMode(setting, event('push'))).toBe(setting);
  });
});

describe('agents in the checkout itself', () => {
  const modeOf = (s: AgentSpec): WorkspaceMode => s.workspace ?? 'worktree';
  const shared = (id: string, claudeArgs: string[] = []) => spec(id, 'x', { workspace: 'shared', claudeArgs });

  it('are unprotected unless their own arguments keep the project configuration out', () => {
    const specs = [
      shared('plain'),
      shared('sources-only', ['--setting-sources', 'user']),
      shared('with-project', ['--setting-sources', 'user,project', '--strict-mcp-config']),
      shared('kept-out', ['--setting-sources', 'user', '--strict-mcp-config']),
      shared('kept-out-eq', ['--setting-sources=user', '--strict-mcp-config']),
      spec('worktree', 'x'),
    ];
    expect(unprotectedSharedAgents(specs, modeOf)).toEqual(['plain', 'sources-only', 'with-project']);
  });

  it('make base and none refuse to start, naming the agents and every fix; head lets them', async () => {
    const specs = [shared('reader'), spec('editor', 'x')];
    for (const setting of ['base', 'none', 'auto'] as const) {
      const error = await readRepositoryConfig({ setting, event: event('pull_request', onPullRequest), specs, modeOf })
        .then(() => undefined)
        .catch((err: unknown) => err);
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(
        /Input 'repository-config' is (base|none).*reader works in the checkout itself.*workspace: worktree or copy.*--setting-sources user --strict-mcp-config.*repository-config: head/,
      );
    }
    await expect(
      readRepositoryConfig({ setting: 'head', event: event('pull_request', onPullRequest), specs, modeOf }),
    ).resolves.toBeUndefined();
  });

  it('with none, the agents get an empty configuration, read from nowhere', async () => {
    const config = await readRepositoryConfig({
      setting: 'none',
      event: event('push'),
      checkout,
      specs: [spec('a', 'x')],
      modeOf,
    });
    expect(config).toEqual({ mode: 'none', files: [] });
  });

  it('reads nothing where no agent has a tree of its own: no checkout, or only empty agents', async () => {
    // A pull request whose base no one could read (no base in the payload, no token): never asked for.
    const pr = event('pull_request', { pull_request: { number: 3 } });
    const empty = [spec('a', 'x', { workspace: 'empty' })];
    await expect(readRepositoryConfig({ setting: 'base', event: pr, specs: empty, modeOf })).resolves.toBeUndefined();
    await expect(
      readRepositoryConfig({ setting: 'base', event: pr, checkout, specs: empty, modeOf }),
    ).resolves.toBeUndefined();
    // A planner may add agents in worktrees: their base is needed.
    const planner = [spec('p', 'x', { workspace: 'empty', spawn: true })];
    await expect(
      readRepositoryConfig({ setting: 'base', event: pr, checkout, specs: planner, modeOf }),
    ).rejects.toThrow(InputError);
  });
});
