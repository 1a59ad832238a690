import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  chooseAgentUser,
  DEFAULT_AGENT_USER,
  fenceRunner,
  isUserName,
  spawnAs,
  type AgentUser,
} from '../../../src/util/agent-user.js';

const host = { root: false, githubHosted: false, user: 'runner' };

describe('chooseAgentUser', () => {
  it('takes a separate user with auto where the machine is the job’s own: GitHub-hosted, or as root', () => {
    expect(chooseAgentUser('auto', { ...host, githubHosted: true })).toEqual({
      name: DEFAULT_AGENT_USER,
      explicit: false,
    });
    expect(chooseAgentUser('auto', { ...host, root: true })).toEqual({ name: DEFAULT_AGENT_USER, explicit: false });
  });

  it('changes nothing with auto on a self-hosted runner, and says so, naming the user and the way out', () => {
    const choice = chooseAgentUser('auto', host);
    expect(choice.name).toBeNull();
    expect(choice.note).toMatch(/self-hosted runner: agents run as runner, as the action does/);
    expect(choice.note).toMatch(/Set agent-user to the name of an unprivileged user/);
  });

  it('takes none and a name as given, wherever it runs', () => {
    expect(chooseAgentUser('none', { ...host, root: true })).toEqual({ name: null, explicit: true });
    expect(chooseAgentUser('ci-agents', host)).toEqual({ name: 'ci-agents', explicit: true });
  });

  it('knows a user name when it sees one', () => {
    for (const ok of ['claude-agent', '_a', 'a1_b-c', 'machine$']) expect(isUserName(ok), ok).toBe(true);
    for (const bad of ['', 'Root', '1abc', '-rf', 'a b', 'a;b', 'x'.repeat(33)])
      expect(isUserName(bad), bad).toBe(false);
  });
});

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

describe('fenceRunner', () => {
  const mode = (p: string) => fs.statSync(p).mode & 0o7777;

  function runner() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fence-'));
    const temp = path.join(root, 'work', '_temp');
    fs.mkdirSync(path.join(temp, '_runner_file_commands'), { recursive: true, mode: 0o755 });
    fs.writeFileSync(path.join(temp, '_runner_file_commands', 'set_output_1'), 'x', { mode: 0o644 });
    fs.writeFileSync(path.join(temp, 'step.sh'), 'echo secret', { mode: 0o644 });
    fs.symlinkSync('/etc/hostname', path.join(temp, 'a-link'));
    const checkout = path.join(root, 'work', 'repo', 'repo');
    fs.mkdirSync(checkout, { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(root, 'work'), 0o750);
    fs.chmodSync(temp, 0o755);
    const outputFile = path.join(root, 'github-output');
    fs.writeFileSync(outputFile, '', { mode: 0o644 });
    return { root, temp, checkout, outputFile };
  }

  it("closes $RUNNER_TEMP's entries and the command files to others, leaves $RUNNER_TEMP searchable", () => {
    const r = runner();
    const fence = fenceRunner(r.temp, [r.outputFile, path.join(r.root, 'missing')]);
    expect(mode(r.temp)).toBe(0o711);
    expect(mode(path.join(r.temp, '_runner_file_commands'))).toBe(0o700);
    expect(mode(path.join(r.temp, 'step.sh'))).toBe(0o600);
    expect(mode(r.outputFile)).toBe(0o600);
    expect(fs.readlinkSync(path.join(r.temp, 'a-link'))).toBe('/etc/hostname');
    expect(fence.notes.join('\n')).toContain(`$RUNNER_TEMP (${r.temp}) is search-only for other users`);
  });

  it('opens only search permission above what agents must reach, and takes it back at the end', () => {
    const r = runner();
    const fence = fenceRunner(r.temp, []);
    fence.openWayTo(r.checkout);
    expect(mode(path.join(r.root, 'work'))).toBe(0o751);
    expect(mode(path.join(r.root, 'work', 'repo'))).toBe(0o755);
    expect(mode(r.checkout)).toBe(0o755);
    expect(fence.notes.join('\n')).toContain(`${path.join(r.root, 'work')} is searchable (o+x)`);
    fence.finish();
    expect(mode(path.join(r.root, 'work'))).toBe(0o750);
    // Closed altogether at the end: nothing an agent left running finds later steps' files.
    expect(mode(r.temp)).toBe(0o700);
  });

  it('leaves a shared sticky folder such as /tmp, and a missing $RUNNER_TEMP, alone', () => {
    const before = mode(os.tmpdir());
    const shared = fenceRunner(os.tmpdir(), []);
    shared.finish();
    expect(mode(os.tmpdir())).toBe(before);
    expect(shared.notes).toEqual([]);
    const none = fenceRunner(undefined, []);
    none.finish();
    expect(none.notes).toEqual([]);
  });
});
