import { describe, expect, it } from 'vitest';
import { leftoverMounts, mountSource } from '../../../src/workspace/overlay-mounts.js';

// Which mounts a new run takes down: read from a mount table as /proc/self/mounts writes it.
describe('leftoverMounts', () => {
  const line = (source: string, target: string, type = 'overlay') =>
    `${source} ${target} ${type} rw,relatime,lowerdir=/l,upperdir=/u,workdir=/w 0 0`;
  const alive = (pid: number, startTicks: number) => pid === 100 && startTicks === 5;

  it("finds only this action's overlays whose maker is gone, the latest mounted first", () => {
    const table = [
      line('/dev/vda', '/', 'ext4'),
      line('overlay', '/var/lib/docker/overlay2/x/merged'),
      line(mountSource(100, 5), '/tmp/run/.workspaces/live'),
      line(mountSource(100, 9), '/tmp/run/.workspaces/reused-pid'),
      line(mountSource(200, 5), '/tmp/run/.workspaces/a'),
      line(mountSource(200, 5), '/tmp/run/.workspaces/a/nested'),
      line(mountSource(300, 1), '/tmp/other', 'tmpfs'),
      '',
    ].join('\n');
    expect(leftoverMounts(table, alive)).toEqual([
      '/tmp/run/.workspaces/a/nested',
      '/tmp/run/.workspaces/a',
      '/tmp/run/.workspaces/reused-pid',
    ]);
  });

  it('reads the escapes of a mount point with spaces, and ignores a source that only looks like ours', () => {
    const table = [
      line(mountSource(7, 1), '/tmp/runner\\040temp/x'),
      line('claude-agent-matrix-overlay-not-a-pid', '/tmp/y'),
    ].join('\n');
    expect(leftoverMounts(table, () => false)).toEqual(['/tmp/runner temp/x']);
  });
});
