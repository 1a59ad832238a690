import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPORT_ANSWER_MAX_BYTES, readAnswers } from '../../../src/report/answers.js';
import { makeResult } from '../../support/results.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'answers-test-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** An agent folder whose result.md holds `text` (none when undefined). */
function agent(id: string, text?: string) {
  const outputDir = path.join(root, id);
  fs.mkdirSync(outputDir, { recursive: true });
  if (text !== undefined) fs.writeFileSync(path.join(outputDir, 'result.md'), text);
  return makeResult(id, { outputDir });
}

describe('readAnswers', () => {
  it('reads each whole answer with the secrets scrubbed, and leaves out agents without one', () => {
    const answers = readAnswers(
      [agent('one', 'the key is sk-secret-value, keep it'), agent('blank', '  \n'), agent('none')],
      ['sk-secret-value'],
    );
    expect([...answers]).toEqual([['one', 'the key is ***, keep it']]);
  });

  it('cuts an answer over 1 MiB, and says so', () => {
    const answers = readAnswers([agent('big', 'x'.repeat(REPORT_ANSWER_MAX_BYTES + 10))], []);
    expect(answers.get('big')).toBe(`${'x'.repeat(REPORT_ANSWER_MAX_BYTES)}\n\n… (cut at 1 MiB)`);
  });
});
