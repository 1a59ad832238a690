import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mountOverlay, unmount } from '../../src/workspace/overlay-mounts.js';
import type { AgentChanges } from '../../src/types.js';
import { touchedPaths } from '../../src/workspace/overlay-upper.js';
import { collectChanges, type PatchSource } from '../../src/workspace/patch.js';
import { tempDir } from '../support/agents.js';
import { git, makeRepo, writeFiles } from '../support/repos.js';

// What an agent's upper layer says it touched, on a real overlay (the tests run as root), and the patch made from
// those paths alone against the one made by looking at every file.

const mounted: string[] = [];
afterEach(async () => {
  for (const merged of mounted.splice(0)) await unmount('root', merged);
});

async function overlayOf(lower: string) {
  const scratch = tempDir('overlay-upper-');
  const dirs = {
    lower,
    upper: path.join(scratch, 'upper'),
    work: path.join(scratch, 'work'),
    merged: path.join(scratch, 'merged'),
  };
  for (const dir of [dirs.upper, dirs.work, dirs.merged]) fs.mkdirSync(dir);
  await mountOverlay('root', dirs, true);
  mounted.push(dirs.merged);
  return dirs;
}

const sh = (cwd: string, script: string) => execFileSync('sh', ['-c', script], { cwd });

describe('the paths an agent touched', () => {
  it('are its files and deletions, a folder made again or new as a whole, a nested repository as its folder', async () => {
    const repo = makeRepo({
      '.gitignore': 'build/\nvendor/\n',
      'a.txt': 'a\n',
      'dir/one.txt': 'one\n',
      'dir/two.txt': 'two\n',
      'deep/er/f.txt': 'f\n',
      'untouched/u.txt': 'u\n',
    });
    writeFiles(repo, { 'build/cache.txt': 'ignored\n', 'vendor/lib/file.txt': 'v1\n' });
    git(path.join(repo, 'vendor', 'lib'), 'init', '-q');
    const dirs = await overlayOf(repo);
    sh(
      dirs.merged,
      [
        'echo more >> a.txt',
        'rm -rf dir && mkdir dir && echo three > dir/three.txt',
        'mkdir -p new/sub && echo n > new/sub/n.txt',
        'echo g > deep/er/g.txt',
        'rm build/cache.txt && echo out > build/out.txt',
        'echo v2 > vendor/lib/file.txt',
        'echo agent > .git/description',
      ].join(' && '),
    );
    const touched = touchedPaths(dirs);
    expect(touched?.sort()).toEqual([
      'a.txt',
      'build/cache.txt',
      'build/out.txt',
      'deep/er/g.txt',
      'dir',
      'new',
      'vendor/lib',
    ]);
  });

  it('are none before the agent writes, and undefined when the upper layer cannot be read', async () => {
    const repo = makeRepo({ 'a.txt': 'a\n' });
    const dirs = await overlayOf(repo);
    expect(touchedPaths(dirs)).toEqual([]);
    expect(touchedPaths({ ...dirs, upper: path.join(dirs.upper, 'missing') })).toBeUndefined();
  });

  it('give the patch that looking at every file gives, and none when nothing differs', async () => {
    const repo = makeRepo({
      '.gitignore': 'build/\n',
      'a.txt': 'a\n',
      'same.txt': 'same\n',
      'dir/one.txt': 'one\n',
      'run.sh': 'echo run\n',
      'data.bin': Buffer.from([0, 1, 2, 3]),
    });
    writeFiles(repo, { 'build/cache.txt': 'ignored\n' });
    const commit = git(repo, 'rev-parse', 'HEAD').trim();
    const dirs = await overlayOf(repo);
    const source = (touched?: PatchSource['touched']): PatchSource => ({
      tree: dirs.merged,
      scratch: tempDir('overlay-upper-scratch-'),
      base: commit,
      commit,
      startIndex: path.join(repo, '.git', 'index'),
      objects: [path.join(repo, '.git', 'objects')],
      excludes: path.join(repo, '.git', 'info', 'exclude'),
      ...(touched && { touched }),
    });
    const both = async () => {
      const [viaUpper, whole] = [tempDir('overlay-upper-out-'), tempDir('overlay-upper-out-')];
      // Each patch is written in its own folder; what they hold is compared below.
      const withoutPatch = (c: AgentChanges) => ({ ...c, patch: undefined });
      const changes = withoutPatch(
        await collectChanges(
          source(() => touchedPaths(dirs)),
          viaUpper,
        ),
      );
      expect(changes).toEqual(withoutPatch(await collectChanges(source(), whole)));
      const read = (dir: string) => fs.readFileSync(path.join(dir, 'changes.patch'), 'utf8');
      return changes.files ? { changes, patch: read(viaUpper), wholePatch: read(whole) } : { changes };
    };

    // Rewritten with the same content, and an ignored file written: touched, but no change.
    sh(dirs.merged, 'cp same.txt same.tmp && mv same.tmp same.txt && echo out > build/out.txt');
    expect(touchedPaths(dirs)?.length).toBeGreaterThan(0);
    expect(await both()).toEqual({ changes: { files: 0, insertions: 0, deletions: 0 } });

    sh(
      dirs.merged,
      [
        'echo more >> a.txt',
        'rm -rf dir && mkdir dir && echo three > dir/three.txt',
        'chmod +x run.sh',
        "printf '\\000\\001changed' > data.bin",
        'mkdir -p .agent-inputs/writer && echo input > .agent-inputs/writer/answer.md',
        'mv same.txt renamed.txt',
      ].join(' && '),
    );
    const { changes, patch, wholePatch } = await both();
    expect(changes).toMatchObject({ files: 7, base: commit });
    expect(patch).toBe(wholePatch);
    expect(patch).toContain('deleted file mode 100644');
    expect(patch).toContain('old mode 100644\nnew mode 100755');
    expect(patch).toContain('GIT binary patch');
    expect(patch).not.toContain('.agent-inputs');
    // Only the touched paths are looked at: the other changes are not found when they are not named.
    expect(
      await collectChanges(
        source(() => ['a.txt']),
        tempDir('overlay-upper-out-'),
      ),
    ).toMatchObject({ files: 1 });
  });
});
