import { describe, expect, it } from 'vitest';
import {
  money,
  positiveInteger,
  positiveMinutes,
  splitArgs,
  splitTools,
  toolList,
} from '../../../src/config/values.js';
import { InputError } from '../../../src/util/errors.js';

describe('splitTools', () => {
  it('splits on commas and any whitespace', () => {
    expect(splitTools('Read, Grep Bash(git log:*)')).toEqual(['Read', 'Grep', 'Bash(git log:*)']);
    expect(splitTools('Read,Grep,,  Write\tEdit\nGlob')).toEqual(['Read', 'Grep', 'Write', 'Edit', 'Glob']);
  });

  it('keeps commas and spaces inside parentheses, including nested ones', () => {
    expect(splitTools('Bash(npm run test:*),Edit')).toEqual(['Bash(npm run test:*)', 'Edit']);
    expect(splitTools('Bash(echo (a, b)) Read')).toEqual(['Bash(echo (a, b))', 'Read']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(splitTools('')).toEqual([]);
    expect(splitTools(' , \n ')).toEqual([]);
  });

  it('does not let a stray closing parenthesis swallow the rest', () => {
    expect(splitTools('a) b c')).toEqual(['a)', 'b', 'c']);
  });
});

describe('toolList', () => {
  it('trims list entries and drops empty ones', () => {
    expect(toolList([' Read ', '', 'Bash(git diff:*)', 3], 'x')).toEqual(['Read', 'Bash(git diff:*)', '3']);
  });

  it('refuses other types, naming what it was reading', () => {
    expect(() => toolList(null, "Input 'allowed-tools'")).toThrow(InputError);
    expect(() => toolList(7, "Input 'allowed-tools'")).toThrow(/Input 'allowed-tools' must be a list/);
  });
});

describe('positiveInteger and positiveMinutes', () => {
  it('accept positive values given as numbers or strings', () => {
    expect(positiveInteger(3, 'n')).toBe(3);
    expect(positiveInteger(' 12 ', 'n')).toBe(12);
    expect(positiveMinutes('0.25', 'm')).toBe(0.25);
    expect(positiveMinutes(90, 'm')).toBe(90);
  });

  it('refuse zero, negatives, fractions (for integers), blanks and words, naming the value', () => {
    for (const bad of [0, -1, 1.5, '', '  ', 'x', '2x', NaN, Infinity]) {
      expect(() => positiveInteger(bad, 'What')).toThrow(InputError);
    }
    for (const bad of [0, -1, '', 'x', NaN, Infinity, -Infinity]) {
      expect(() => positiveMinutes(bad, 'What')).toThrow(InputError);
    }
    expect(() => positiveInteger('1.5', "Input 'max-turns'")).toThrow(
      `Input 'max-turns' must be a positive whole number, got "1.5"`,
    );
    expect(() => positiveMinutes('-2', "Input 'timeout-minutes'")).toThrow(/Input 'timeout-minutes' .* got "-2"/);
  });
});

describe('splitArgs', () => {
  it('splits on whitespace', () => {
    expect(splitArgs('--model  opus\t--debug\n--verbose', 'args')).toEqual(['--model', 'opus', '--debug', '--verbose']);
    expect(splitArgs('', 'args')).toEqual([]);
    expect(splitArgs('   ', 'args')).toEqual([]);
  });

  it('keeps quoted and escaped spaces in one argument, as a shell does', () => {
    expect(splitArgs(`--append-system-prompt "be brief, please" --x 'single quoted' a\\ b`, 'args')).toEqual([
      '--append-system-prompt',
      'be brief, please',
      '--x',
      'single quoted',
      'a b',
    ]);
    expect(splitArgs(`'a b'\\ c`, 'args')).toEqual(['a b c']);
    expect(splitArgs(`"say \\"hi\\""`, 'args')).toEqual(['say "hi"']);
    expect(splitArgs(`--flag="$HOME/x y"`, 'args')).toEqual(['--flag=$HOME/x y']);
    expect(splitArgs(`"" ''`, 'args')).toEqual(['', '']);
  });

  it('keeps $VAR unexpanded', () => {
    const before = process.env.HOME;
    expect(splitArgs('$HOME "$HOME" \'$HOME\' --x=$PATH a$b $', 'args')).toEqual([
      '$HOME',
      '$HOME',
      '$HOME',
      '--x=$PATH',
      'a$b',
      '$',
    ]);
    expect(process.env.HOME).toBe(before);
  });

  it.each(['a | b', 'a > out', 'a < in', 'a ; b', 'a && b', 'a || b', 'a &', '$(whoami)', '*.ts', 'a # comment'])(
    'refuses %j',
    (text) => {
      expect(() => splitArgs(text, 'args')).toThrow(/must be plain arguments/);
    },
  );

  it('names the operator it refuses', () => {
    expect(() => splitArgs('a | b', 'args')).toThrow('found "|"');
    expect(() => splitArgs('a > b', 'args')).toThrow('found ">"');
    expect(() => splitArgs('a ; b', 'args')).toThrow('found ";"');
  });

  it('treats quoted operators as plain text', () => {
    expect(splitArgs(`"a | b" '>' \\;`, 'args')).toEqual(['a | b', '>', ';']);
  });
});

describe('money', () => {
  it.each([
    ['0.50', 0.5],
    ['5', 5],
    ['$12.25', 12.25],
    [' 0.001 ', 0.001],
    [3, 3],
    [0.25, 0.25],
  ])('reads %j as %f dollars', (value, usd) => {
    expect(money(value, "Input 'budget-usd'")).toBe(usd);
  });

  it.each(['-1', '0', 'lots', '', '$', '1e3', '0x10', '5 USD', -2, 0, Infinity, NaN, [5], { usd: 5 }, null])(
    'refuses %j, naming the input and the value',
    (value) => {
      expect(() => money(value, "Input 'max-budget-usd'")).toThrow(InputError);
      expect(() => money(value, "Input 'max-budget-usd'")).toThrow(
        /^Input 'max-budget-usd' must be an amount of US dollars above zero/,
      );
    },
  );
});
