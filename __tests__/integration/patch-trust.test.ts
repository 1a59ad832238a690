import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentUser } from '../../src/isolation/run-as.js';
import { DEFAULT_AGENT_USER, setUpAgentUser } from '../../src/isolation/user.js';
import { runAgents } from '../../src/schedule/run-agents.js';
import type { WorkspaceMode } from '../../src/types.js';
import { planWorkspaces } from '../../src/workspace/checkout.js';
import { openWorkspaces, type EnginePreference } from '../../src/workspace/workspaces.js';
import { context, spec, tempDir } from '../support/agents.js';
import { useStandIns } from '../support/fixture.js';
import { makeRepo } from '../support/repos.js';

// What an agent writes into its tree's git settings stays its own: the action makes the patch with settings of
// its own, so that a filter the agent names is never run by the action (here as root, the agent as its own user).
const standIns = useStandIns({ model: { latencyMs: 100 } });

let user: AgentUser;
beforeAll(async () => {
  user = await setUpAgentUser(DEFAULT_AGENT_USER);
});

const ways: [WorkspaceMode, EnginePreference][] = [
  ['worktree', 'git'],
  ['copy', 'git'],
  ['worktree', 'auto'],
  ['copy', 'auto'],
];

describe.each(ways)(
  'an agent in a %s (workspace-engine: %s) that names a filter in its git settings',
  (mode, engine) => {
    it('does not get it run by the action, and its edit is in the patch', async () => {
      const repo = makeRepo({ 'a.txt': 'a\n' });
      fs.chmodSync(repo, 0o755);
      const marker = path.join(fs.realpathSync(tempDir('filter-ran-')), 'by');
      fs.chmodSync(path.dirname(marker), 0o777);
      const filter = `sh -c 'id -u >> ${marker}; cat'`;
      const edits = [
        // A git worktree's settings are the checkout's: the agent makes its `.git` a repository of its own first.
        ...(mode === 'worktree' && engine === 'git' ? ['rm .git', 'git init -q'] : []),
        `git config filter.x.clean "${filter}"`,
        `git config filter.x.process "${filter}"`,
        'echo "* filter=x" > .gitattributes',
        'echo more >> a.txt',
        'git add a.txt',
        'echo agent-ran-its-own',
      ].join(' && ');
      const specs = [
        spec('p', `Edit\n@bash ${edits}`, {
          allowedTools: ['Bash'],
          workspace: mode,
          permissionMode: 'bypassPermissions',
        }),
      ];
      const ctx = context(standIns.model.url, { retries: 0, agentUser: user });
      fs.chmodSync(ctx.runDir, 0o711);
      const plan = await planWorkspaces({ workingDirectory: repo, ref: '', specs });
      const { runDir, signal } = ctx;
      const workspaces = openWorkspaces(plan, { runDir, signal, specs, engine, agentUser: user });
      let results;
      try {
        results = await runAgents(specs, { maxParallel: 1, ctx, workspaces, onEvent: () => undefined });
      } finally {
        await workspaces.close();
      }
      const result = results[0]!;
      expect(result.status, result.error ?? '').toBe('success');
      expect(result.answer).toContain('agent-ran-its-own');
      // The agent's own `git add` ran the filter as the agent; the action never did.
      expect(fs.readFileSync(marker, 'utf8').trim().split('\n')).toEqual([String(user.uid)]);
      expect(result.changes).toMatchObject({ files: 2, insertions: 2 });
    });
  },
);
