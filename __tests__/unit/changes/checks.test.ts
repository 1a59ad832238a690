import { describe, expect, it } from 'vitest';
import { conflictedPaths, DEFAULT_MAX_CHANGED_FILES, refusal } from '../../../src/changes/checks.js';

const rules = { allowWorkflowChanges: false, maxChangedFiles: DEFAULT_MAX_CHANGED_FILES };
const files = (...paths: string[]) => paths.map((path) => ({ status: 'M', path }));

describe('refusal', () => {
  it('lets an ordinary patch through', () => {
    expect(refusal('a', files('src/x.ts', 'README.md'), rules)).toBeUndefined();
  });

  it('refuses workflow files unless allowed, naming them, the key and the workflows permission', () => {
    const why = refusal('ci', files('.github/workflows/ci.yml', 'src/x.ts'), rules);
    expect(why).toContain('".github/workflows/ci.yml"');
    expect(why).toContain('allow-workflow-changes: true');
    expect(why).toContain('`workflows` permission');
    expect(refusal('ci', files('.github/workflows/ci.yml'), { ...rules, allowWorkflowChanges: true })).toBeUndefined();
    // Only the workflows folder: other files under .github/ are ordinary.
    expect(refusal('ci', files('.github/CODEOWNERS'), rules)).toBeUndefined();
  });

  it('refuses more files than max-changed-files, and not as many', () => {
    expect(refusal('m', files('a', 'b', 'c'), { ...rules, maxChangedFiles: 3 })).toBeUndefined();
    expect(refusal('m', files('a', 'b', 'c', 'd'), { ...rules, maxChangedFiles: 3 })).toBe(
      "agent m's patch changes 4 files, more than 'max-changed-files' (3): raise `max-changed-files` on the item if that many is meant",
    );
  });
});

describe('conflictedPaths', () => {
  it('reads every file git apply names, once, whatever the complaint', () => {
    const stderr = [
      'Checking patch a.txt...',
      'error: patch failed: a.txt:2',
      'error: a.txt: patch does not apply',
      'error: new.bin: already exists in index',
      'error: gone.txt: does not exist in index',
      'error: dir with space/f.md: patch does not apply',
    ].join('\n');
    expect(conflictedPaths(stderr)).toEqual(['a.txt', 'new.bin', 'gone.txt', 'dir with space/f.md']);
    expect(conflictedPaths('Applied patch a.txt cleanly.')).toEqual([]);
  });
});
