import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentResult } from '../../src/types.js';
import { tempDir } from '../support/agents.js';
import { LOCAL_CLAUDE, startAction } from '../../stand-ins/run-action.js';
import { obeyedCommands, type RunnerCommand } from '../support/runner-commands.js';
import { useStandIns } from '../support/fixture.js';

// node dist/index.js as the runner runs it, with agents that print workflow commands: through the real CLI's
// Bash tool (the answer quotes what it printed), in a file name, and in the API's error message that becomes
// the agent's error. The runner's parser, emulated over the action's output, must obey none of them, and
// still every group, mask and annotation of the action's own.

const standIns = useStandIns({ model: true });

const API_KEY = 'sk-ant-log-commands-test-0123456789';
const FORGED = [
  '::warning::forged warning',
  '::add-mask::Done',
  '::set-output name=succeeded::999',
  '::error file=x::forged error',
  '  ::notice::forged notice',
  'in the middle ##[warning]forged in the older syntax',
];
const quoted = FORGED.map((l) => `'${l}'`).join(' ');

describe('agents that print workflow commands', () => {
  let run: Awaited<ReturnType<typeof startAction>['done']>;
  let results: AgentResult[];
  let obeyed: RunnerCommand[];

  beforeAll(async () => {
    run = await startAction({
      dir: tempDir('log-commands-'),
      inputs: {
        prompts: JSON.stringify([
          {
            id: 'talker',
            prompt: `Print commands\n@bash printf '%s\\n' ${quoted}; touch "$(printf 'x\\n::warning::forged file name')"`,
            'allowed-tools': 'Bash',
          },
          { id: 'failer', prompt: 'Fail\n@fail 400\n@fail-message forged ##[warning]reason ::error::in the reason' },
          { id: 'quiet', prompt: 'Say nothing odd\n@answer plain' },
        ]),
        'claude-path': LOCAL_CLAUDE,
        'anthropic-api-key': API_KEY,
        retries: '0',
        // Zips go to a folder under a file: every upload fails, and the action warns about each, itself.
        'artifacts-dir': 'github-output/zips',
      },
      env: { ...standIns.env(), ANTHROPIC_API_KEY: '' },
    }).done;
    results = JSON.parse(run.outputs.results ?? '[]');
    obeyed = obeyedCommands(run.stdout).filter((c) => !['stop-commands', 'resume-commands'].includes(c.command));
  });

  it('ran them: the forged lines are in the log, to be read', () => {
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['talker', 'success'],
      ['failer', 'failure'],
      ['quiet', 'success'],
    ]);
    for (const line of FORGED) expect(run.stdout).toContain(line);
    expect(run.stdout).toContain('::warning::forged file name (name not allowed in an artifact)');
    expect(results[1]?.error).toContain('forged ##[warning]reason ::error::in the reason');
  });

  it('obeys none of them', () => {
    expect(obeyed.filter((c) => /forged|999|Done/.test(c.data) && c.command !== 'error')).toEqual([]);
    expect(obeyed.map((c) => c.command)).not.toContain('set-output');
    expect(obeyed.map((c) => c.command)).not.toContain('notice');
    expect(obeyed.filter((c) => c.command === 'add-mask').map((c) => c.data)).toEqual([API_KEY]);
    for (const c of obeyed) expect(c.properties, c.line).toEqual({});
  });

  it("still obeys the action's own groups, mask and annotations", () => {
    const groups = obeyed.filter((c) => c.command === 'group').map((c) => c.data);
    expect(groups).toEqual(['Agents', 'Uploads', 'talker: success', 'failer: failure', 'quiet: success']);
    expect(obeyed.filter((c) => c.command === 'endgroup')).toHaveLength(groups.length);
    const warnings = obeyed.filter((c) => c.command === 'warning').map((c) => c.data);
    // One for each agent's artifact and one for the report's.
    expect(warnings).toHaveLength(4);
    for (const w of warnings) expect(w).toMatch(/^((talker|failer|quiet): )?Artifact agent-\w+ was not uploaded/);
    expect(warnings.filter((w) => w.startsWith('Artifact agent-report'))).toHaveLength(1);
    // The step fails with one error: its message quotes the agent's reason, and is no more than a message.
    const errors = obeyed.filter((c) => c.command === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.data).toMatch(
      /^1 of 3 agents did not succeed:\nfailer \(failure\): .*forged ##\[warning\]reason/,
    );
  });
});
