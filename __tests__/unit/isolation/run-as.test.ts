import { describe, expect, it } from 'vitest';
import { spawnAs, type AgentUser } from '../../../src/isolation/run-as.js';

describe('spawnAs', () => {
  const user: AgentUser = { name: 'claude-agent', uid: 990, gid: 991, via: 'root', owner: { uid: 0, gid: 0 } };
  const env = { PATH: '/opt/node/bin:/usr/bin', SHELL: '/bin/bash', ANTHROPIC_API_KEY: 'sk-secret-key' };

  it('as root, starts the command itself with the user’s ids', () => {
    expect(spawnAs(user, '/opt/claude', ['-p'], env)).toEqual({
      command: '/opt/claude',
      args: ['-p'],
      uid: 990,
      gid: 991,
    });
  });

  it('through sudo, keeps the environment with -E and puts back only PATH and SHELL: no secret on the command line', () => {
    const plan = spawnAs({ ...user, via: 'sudo' }, '/opt/claude', ['-p'], env);
    expect(plan).toEqual({
      command: 'sudo',
      args: ['-n', '-E', '-u', 'claude-agent', '--', 'env', `PATH=${env.PATH}`, 'SHELL=/bin/bash', '/opt/claude', '-p'],
    });
    expect(plan.args.join(' ')).not.toContain('sk-secret-key');
  });
});
