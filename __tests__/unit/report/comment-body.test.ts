import { describe, expect, it } from 'vitest';
import { BODY_MAX, marker, renderComment, type CommentInput } from '../../../src/report/comment-body.js';
import type { AgentResult } from '../../../src/types.js';
import { makeResult } from '../../support/results.js';

const ZWJ = '\u200d';
const RUN = 'https://github.com/o/r/actions/runs/1';
const MARK = marker('comment', 'agent');

function view(agents: CommentInput['agents'], answers: Record<string, string> = {}): CommentInput {
  return { marker: MARK, agents, answers: new Map(Object.entries(answers)), links: { run: RUN } };
}

describe('marker', () => {
  it('is an HTML comment per kind and artifact-prefix, whatever the prefix holds', () => {
    expect(marker('comment', 'agent')).toBe('<!-- claude-agent-matrix:comment:agent -->');
    expect(marker('issue', 'agent')).toBe('<!-- claude-agent-matrix:issue:agent -->');
    expect(marker('comment', 'a --> b')).toBe('<!-- claude-agent-matrix:comment:a%20--%3E%20b -->');
  });
});

describe('renderComment', () => {
  it('while agents run: the marker first, how far the run is, and a row for each agent', () => {
    const body = renderComment(
      view([makeResult('security'), { id: 'tests', state: 'running' }, { id: 'docs', state: 'waiting' }]),
    );
    const lines = body.split('\n');
    expect(lines[0]).toBe(MARK);
    expect(lines[1]).toBe('### Claude Agent Matrix: ⏳ 1 of 3 agents finished');
    expect(body).toContain('| `security` | ✅ success | 5.0 s | 2 | $0.0100 |');
    expect(body).toContain('| `tests` | ⏳ running | | | |');
    expect(body).toContain('| `docs` | 🕓 waiting | | | |');
    // Only finished agents have an answer to show.
    expect(body.match(/<details>/g)).toHaveLength(1);
    expect(body).toContain(
      '<details><summary><code>security</code>: ✅ success</summary>\n\n> Answer of security\n\n</details>',
    );
  });

  it('has a Changes column only when an agent changed a file, and says nothing for one that changed none', () => {
    const changes = (files: number) => ({ files, insertions: files, deletions: 0, patch: '/tmp/changes.patch' });
    const readOnly = renderComment(view([makeResult('reader', { changes: changes(0) })]));
    expect(readOnly).not.toContain('Changes');
    expect(readOnly).not.toContain('in 0 files');
    const mixed = renderComment(
      view([makeResult('reader', { changes: changes(0) }), makeResult('fixer', { changes: changes(2) })]),
    );
    expect(mixed).toContain('| `reader` | ✅ success | 5.0 s | 2 | $0.0100 | – |');
    expect(mixed).toContain('| `fixer` | ✅ success | 5.0 s | 2 | $0.0100 | +2 −0 in 2 files |');
  });

  it('at the end: the outcome, why agents failed, whole answers, and links to the run and every artifact', () => {
    const results: AgentResult[] = [
      makeResult('security', { artifactName: 'agent-security', artifactUrl: `${RUN}/artifacts/1` }),
      makeResult('tests', { status: 'failure', error: 'exited 1 without a result', answer: '' }),
    ];
    const body = renderComment({
      ...view(results, { security: 'The whole answer' }),
      links: { run: RUN, report: { name: 'agent-report', url: `${RUN}/artifacts/3` } },
    });
    expect(body).toContain('### Claude Agent Matrix: ❌ 1 of 2 agents succeeded (1 failure)');
    expect(body).toContain(`| [\`security\`](${RUN}/artifacts/1) | ✅ success |`);
    expect(body).toContain('> The whole answer');
    expect(body).toContain(
      '<summary><code>tests</code>: ❌ failure</summary>\n\n**Why:** exited 1 without a result\n\n_No answer._',
    );
    expect(
      body.endsWith(
        `[Run summary](${RUN}) · Artifacts: [\`agent-security\`](${RUN}/artifacts/1), [\`agent-report\`](${RUN}/artifacts/3)`,
      ),
    ).toBe(true);
  });

  it('neutralises answers: no mention, and no tag that could close the details or hide the rest', () => {
    const body = renderComment(
      view([makeResult('a')], { a: `@octocat </details><!-- ${MARK}\n\`\`\`\nunclosed fence` }),
    );
    expect(body).not.toMatch(/@octocat/);
    expect(body).toContain(`@${ZWJ}octocat`);
    expect(body.match(/<!--/g)).toHaveLength(1);
    expect(body.indexOf(MARK)).toBe(0);
    expect(body.match(/<\/details>/g)).toHaveLength(1);
    // The open fence stays inside the quote; the blank line after it ends the quote before </details>.
    expect(body).toContain('> ```\n> unclosed fence\n\n</details>');
  });

  it('fits GitHub’s limit, cutting the longest answers first, each with a link to its whole text', () => {
    const results = [
      makeResult('small'),
      makeResult('big', { artifactUrl: `${RUN}/artifacts/7` }),
      makeResult('bigger'),
    ];
    const body = renderComment(view(results, { small: 'tiny', big: 'b'.repeat(50_000), bigger: 'B'.repeat(90_000) }));
    expect(body.length).toBeLessThanOrEqual(BODY_MAX);
    expect(body).toContain('> tiny\n');
    expect(body).toContain(`_… cut to fit: [the whole answer](${RUN}/artifacts/7)._`);
    expect(body).toContain(`_… cut to fit: [the whole answer](${RUN})._`);
    expect(body.match(/<\/details>/g)).toHaveLength(3);
  });

  it('fits with a table of thousands of agents, saying how many rows were left out', () => {
    const agents = Array.from({ length: 3000 }, (_, i) => makeResult(`agent-${i}`, { answer: 'x'.repeat(500) }));
    const body = renderComment(view(agents));
    expect(body.length).toBeLessThanOrEqual(BODY_MAX);
    expect(body).toMatch(/\| … \| \d+ more agents: see the run \|/);
  });
});
