import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fenceRunner } from '../../../src/isolation/fence.js';

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
