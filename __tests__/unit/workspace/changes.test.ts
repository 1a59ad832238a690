import { describe, expect, it } from 'vitest';
import { differingPaths, keptPaths, parseNameStatus, sumNumstat } from '../../../src/workspace/changes.js';

describe('sumNumstat', () => {
  it('adds up the lines of every file, counting a binary file with no lines', () => {
    const out = '3\t1\tsrc/app.js\0' + '-\t-\timg/logo.png\0' + '0\t7\tsrc/old.js\0';
    expect(sumNumstat(out)).toEqual({ files: 3, insertions: 3, deletions: 8 });
  });

  it('reads names with tabs, newlines and spaces whole, and nothing as no change', () => {
    expect(sumNumstat('1\t0\ta\tb\nc d.txt\0')).toEqual({ files: 1, insertions: 1, deletions: 0 });
    expect(sumNumstat('')).toEqual({ files: 0, insertions: 0, deletions: 0 });
  });
});

describe('parseNameStatus', () => {
  it('pairs each status with its path', () => {
    const out = 'M\0src/app.js\0A\0src/new file.js\0D\0src/old.js\0T\0link\0';
    expect(parseNameStatus(out)).toEqual([
      { status: 'M', path: 'src/app.js' },
      { status: 'A', path: 'src/new file.js' },
      { status: 'D', path: 'src/old.js' },
      { status: 'T', path: 'link' },
    ]);
  });

  it('keeps only the files the agent left: added, changed or made another type', () => {
    const changed = parseNameStatus('M\0a\0D\0b\0A\0c\0T\0d\0');
    expect(keptPaths(changed)).toEqual(['a', 'c', 'd']);
  });
});

describe('differingPaths', () => {
  it('keeps what differs in the work tree or is untracked, not what is only staged', () => {
    // As against an unborn HEAD: every path of the index is staged ("A"), only the second column tells.
    const out = 'A  same.txt\0AM edited file.txt\0AD gone.txt\0?? new/one.txt\0AT link\0';
    expect(differingPaths(out)).toEqual(['edited file.txt', 'gone.txt', 'new/one.txt', 'link']);
    expect(differingPaths('')).toEqual([]);
  });
});
