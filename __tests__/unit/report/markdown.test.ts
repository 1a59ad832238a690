import { describe, expect, it } from 'vitest';
import { agentBlock, cutText, fenceFor, link, neutralise, quoteBlock } from '../../../src/report/markdown.js';

const ZWJ = '\u200d';

describe('neutralise', () => {
  it('keeps mentions of users and teams from notifying, and leaves e-mail addresses alone', () => {
    expect(neutralise('Thanks @octocat, @octo-org/core and (@bot)')).toBe(
      `Thanks @${ZWJ}octocat, @${ZWJ}octo-org/core and (@${ZWJ}bot)`,
    );
    expect(neutralise('@start of text')).toBe(`@${ZWJ}start of text`);
    expect(neutralise('mail me at dev@example.com')).toBe('mail me at dev@example.com');
    expect(neutralise('a lone @ sign')).toBe('a lone @ sign');
  });

  it('lets no HTML through: no tag, no closing tag, no comment, no forged marker', () => {
    const out = neutralise('</details><details open><!-- claude-agent-matrix:comment:agent --><?php ?><!DOCTYPE>');
    expect(out).not.toMatch(/<[A-Za-z/!?]/);
    expect(out).toBe(
      `<${ZWJ}/details><${ZWJ}details open><${ZWJ}!-- claude-agent-matrix:comment:agent --><${ZWJ}?php ?><${ZWJ}!DOCTYPE>`,
    );
  });

  it('leaves comparisons, arrows and entities as they are', () => {
    expect(neutralise('a < b, c <= d, x -> y, &lt;b&gt;, Vec<String>')).toBe(
      `a < b, c <= d, x -> y, &lt;b&gt;, Vec<${ZWJ}String>`,
    );
  });

  it('drops control characters but keeps tabs and lines, with CRLF made LF', () => {
    expect(neutralise('a\u0000b\u001b[31mc\td\r\ne\rf')).toBe('ab[31mc\td\ne\nf');
  });
});

describe('quoteBlock and agentBlock', () => {
  it('quotes every line, blank ones too', () => {
    expect(quoteBlock('one\n\ntwo')).toBe('> one\n>\n> two');
  });

  it('contains a code fence the answer leaves open: every line stays inside the quote', () => {
    const block = agentBlock('Look:\n```js\nconst a = 1;\n\n</details>\n');
    expect(block.split('\n').every((l) => l.startsWith('>'))).toBe(true);
    expect(block).toBe(`> Look:\n> \`\`\`js\n> const a = 1;\n>\n> <${ZWJ}/details>`);
  });
});

describe('cutText', () => {
  it('cuts to the length, never in the middle of a surrogate pair', () => {
    expect(cutText('abcdef', 3)).toBe('abc');
    expect(cutText('abc', 10)).toBe('abc');
    expect(cutText('a😀b', 2)).toBe('a');
    expect(cutText('a😀b', 3)).toBe('a😀');
  });
});

describe('fenceFor', () => {
  it('is longer than any run of backticks in the text', () => {
    expect(fenceFor('plain')).toBe('```');
    expect(fenceFor('a ```` b')).toBe('`````');
  });
});

describe('link', () => {
  it('links web addresses only, with brackets and spaces escaped', () => {
    expect(link('x', 'https://h/a b(c)')).toBe('[x](https://h/a%20b%28c%29)');
    expect(link('x', '/tmp/agent-a.zip')).toBe('x');
    expect(link('x', undefined)).toBe('x');
  });
});
