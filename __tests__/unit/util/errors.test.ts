import { describe, expect, it } from 'vitest';
import { errorMessage, InputError, InputErrors, Problems } from '../../../src/util/errors.js';

describe('Problems', () => {
  it('throws nothing when there is nothing to report', () => {
    const problems = new Problems();
    expect(problems.check(() => 5)).toBe(5);
    expect(() => problems.throwIfAny()).not.toThrow();
  });

  it('throws one problem as it is, and several as one list', () => {
    const one = new Problems();
    one.add('Input a is wrong');
    expect(() => one.throwIfAny()).toThrow(new InputError('Input a is wrong'));

    const two = new Problems();
    two.check(() => {
      throw new InputError('Input a is wrong');
    });
    two.add('Input b is wrong');
    expect(() => two.throwIfAny()).toThrow('2 problems:\n- Input a is wrong\n- Input b is wrong');
  });

  it('flattens the problems of a nested check into its own list', () => {
    const outer = new Problems();
    outer.add('first');
    outer.check(() => {
      throw new InputErrors(['second', 'third']);
    });
    expect(outer.messages).toEqual(['first', 'second', 'third']);
  });

  it('lets an error that is not about input go straight up', () => {
    const problems = new Problems();
    expect(() =>
      problems.check(() => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('errorMessage', () => {
  it("gives an Error's message, and anything else thrown as text", () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
  });
});
