import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOST_GROUPS, hostList } from '../../../src/config/host-list.js';
import { parseMatrix } from '../../../src/config/matrix.js';
import { InputError } from '../../../src/util/errors.js';
import { ROOT } from '../../../stand-ins/run-action.js';

describe('hostList', () => {
  it('reads a string split on spaces, commas and new lines, lower-cased, a trailing dot dropped', () => {
    expect(hostList('API.github.com, *.example.com\n10.0.0.5  example.org.', 'x')).toEqual([
      'api.github.com',
      '*.example.com',
      '10.0.0.5',
      'example.org',
    ]);
  });

  it('reads a YAML list and expands groups to exactly what HOST_GROUPS holds, without repeats', () => {
    expect(hostList(['github', 'github.com', 'pkgs.example.org'], 'x')).toEqual([
      ...HOST_GROUPS.github!,
      'pkgs.example.org',
    ]);
  });

  it('is the empty list, the model API only, for none alone', () => {
    expect(hostList('none', 'x')).toEqual([]);
    expect(hostList(['None'], 'x')).toEqual([]);
    expect(() => hostList('none github', 'x')).toThrow(
      'x: "none" (which means the model API only, so goes alone) is not a host name',
    );
  });

  it('refuses an empty list, which would read as no restriction', () => {
    expect(() => hostList('  ', 'x')).toThrow('x is empty; give none for the model API only, or leave it out');
    expect(() => hostList([], 'x')).toThrow('x is empty');
  });

  it('names every entry that is not a host, pattern, address or group, in one error', () => {
    const bad = () =>
      hostList('https://example.com, example.com:443 *.com good.example *foo.com, gihtub', "Input 'allowed-hosts'");
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(
      `Input 'allowed-hosts': "https://example.com", "example.com:443", "*.com", "*foo.com", "gihtub" (did you mean the group "github"?) are not`,
    );
  });

  it("is not fooled into taking a mapping's text for a host", () => {
    expect(() => hostList([{ host: 'a.example' }], 'x')).toThrow(/is not a host name/);
    expect(() => hostList(42, 'x')).toThrow('x must be a list of host names or a string, got a number');
  });
});

describe("a matrix item's allowed-hosts", () => {
  const parse = (text: string) =>
    parseMatrix(
      { input: 'prompts', text, workspace: '/nonexistent' },
      { allowedTools: [], disallowedTools: [], claudeArgs: [], timeoutMinutes: 30, allowedHosts: ['github.com'] },
    );

  it("overrides the input's list; an item without one keeps it", () => {
    const [own, inherits] = parse('- { id: own, prompt: a, allowed-hosts: [github] }\n- { id: inherits, prompt: b }');
    expect(own?.allowedHosts).toEqual(HOST_GROUPS.github);
    expect(inherits?.allowedHosts).toEqual(['github.com']);
  });

  it('is an error naming the item and the key when it holds no host', () => {
    expect(() => parse('- { id: bad, prompt: a, allowed-hosts: "http://x" }')).toThrow(
      `Input 'prompts': item 0 (id "bad"): 'allowed-hosts': "http://x" is not a host name`,
    );
  });
});

describe('the groups in docs/security.md', () => {
  it('hold exactly what HOST_GROUPS holds', () => {
    const whole = fs.readFileSync(path.join(ROOT, 'docs/security.md'), 'utf8');
    // Its own section: other tables of the page have rows of the same shape.
    const doc = whole.slice(whole.indexOf('## What agents can reach on the network')).split(/\n## /)[0]!;
    const rows = [...doc.matchAll(/^\s*\| `([a-z]+)`\s*\|([^|]*)\|\s*$/gm)].map((m) => [
      m[1]!,
      [...m[2]!.matchAll(/`([^`]+)`/g)].map((h) => h[1]!),
    ]);
    expect(Object.fromEntries(rows)).toEqual(HOST_GROUPS);
  });
});
