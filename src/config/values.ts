import fs from 'node:fs';
import { parse as parseShell } from 'shell-quote';
import { InputError } from '../util/errors.js';
import { resolveWorkspaceFile } from './workspace-file.js';

// Parsers for the values that inputs and matrix items share. Each throws an InputError that starts with
// `what` (the input or the item and key) and says what was expected.

export function positiveInteger(value: unknown, what: string): number {
  const n = scalarNumber(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(`${what} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A week: longer than any runner keeps a job, and well inside what a timer can count. */
const MAX_MINUTES = 7 * 24 * 60;

export function positiveMinutes(value: unknown, what: string): number {
  const n = scalarNumber(value);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_MINUTES) {
    throw new InputError(
      `${what} must be a positive number of minutes up to ${MAX_MINUTES} (fractions allowed), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** A whole number from `min` to `max`. */
export function integerIn(value: unknown, min: number, max: number, what: string): number {
  const n = scalarNumber(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new InputError(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** An amount of US dollars above zero, written as a number or as decimal text, with or without a `$`. */
export function money(value: unknown, what: string): number {
  const n = scalarNumber(typeof value === 'string' ? value.trim().replace(/^\$/, '') : value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new InputError(
      `${what} must be an amount of US dollars above zero, such as 0.50 or 5; got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** A number written as a number or as decimal text; NaN for anything else (lists, hex, empty text). */
function scalarNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string' || !/^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(value)) return NaN;
  return Number(value);
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${what} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
}

/** Non-empty text (a number is taken as text). */
export function text(value: unknown, what: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InputError(`${what} must be text, got ${describe(value)}`);
  }
  const s = String(value).trim();
  if (!s) throw new InputError(`${what} is empty`);
  return s;
}

/** Tool lists are given as YAML lists or as one string separated by spaces or commas. */
export function toolList(value: unknown, what: string): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value === 'string') return splitTools(value);
  throw new InputError(`${what} must be a list of tool names or a string, got ${describe(value)}`);
}

/** Splits on spaces and commas, but not inside parentheses: `Bash(git log:*)` stays one tool. */
export function splitTools(value: string): string[] {
  const tools: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === ',' || /\s/.test(ch))) {
      if (current) tools.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) tools.push(current);
  return tools;
}

/**
 * Splits CLI arguments as a shell would, refusing what a shell would do more with (pipes, redirects, globs).
 * No variables are expanded: no shell runs, so `$VAR` reaches the CLI as written.
 */
export function splitArgs(value: string, what: string): string[] {
  const open = unclosed(value);
  if (open) throw new InputError(`${what} has ${open}; close it or escape it with a backslash`);
  const args: string[] = [];
  // Each `$` is hidden from the parser and put back as written.
  const DOLLAR = '\uE000';
  for (const token of parseShell(value.replaceAll('$', DOLLAR))) {
    if (typeof token !== 'string') {
      throw new InputError(
        `${what} must be plain arguments; found ${JSON.stringify('op' in token ? token.op : token)}`,
      );
    }
    args.push(token.replaceAll(DOLLAR, '$'));
  }
  return args;
}

/** What a shell would refuse to end on: an open quote or a trailing backslash. */
function unclosed(value: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
    } else if (ch === '\\') {
      if (i === value.length - 1) return 'a trailing backslash';
      i++;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    }
  }
  return quote ? `an unterminated ${quote} quote` : undefined;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A value's kind, for error messages: `a list`, `a mapping`, `a number (3)`. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}

/** Labels, one to a line or separated by commas (a label may hold spaces). */
export function labelList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A GitHub login: letters, digits and single hyphens, or an app's `name[bot]`. */
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?:\[bot\])?$/;

/** Logins separated by spaces, commas or lines; each must look like a GitHub login. */
export function loginList(value: string, what: string): string[] {
  const logins = value.split(/[\s,]+/).filter(Boolean);
  const bad = logins.filter((l) => !LOGIN.test(l));
  if (bad.length) {
    throw new InputError(
      `${what} must list GitHub logins (such as octocat or dependabot[bot]); not logins: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    );
  }
  return logins;
}

/** GitHub refuses issue titles longer than this. */
const MAX_ISSUE_TITLE = 256;

export function issueTitle(value: string, what: string): string {
  if (value.length > MAX_ISSUE_TITLE) {
    throw new InputError(`${what} is ${value.length} characters long; GitHub allows at most ${MAX_ISSUE_TITLE}`);
  }
  return value;
}

/**
 * CLI settings given as JSON text, as a YAML mapping (in a matrix item), or as the path of a JSON file relative to
 * the workspace and inside it, as every path an input or item names: the JSON text, or the file's real path. The
 * JSON is parsed here so that a typo fails the step before any agent starts rather than in every agent's CLI.
 */
export function jsonOrFile(value: unknown, workspace: string, what: string): string {
  if (isRecord(value)) return JSON.stringify(value);
  const given = text(value, what);
  if (given.startsWith('{') || given.startsWith('[')) {
    jsonObject(given, `${what} is not a valid JSON object`);
    return given;
  }
  let full: string;
  try {
    full = resolveWorkspaceFile(given, workspace, what);
  } catch (err) {
    throw new InputError(
      `${(err as Error).message}; give JSON text, or the path of a JSON file relative to the workspace`,
    );
  }
  let content: string;
  try {
    content = fs.readFileSync(full, 'utf8');
  } catch (err) {
    throw new InputError(`${what}: cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  jsonObject(content, `${what}: ${full} does not hold a valid JSON object`);
  return full;
}

function jsonObject(json: string, problem: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new InputError(`${problem}: ${(err as Error).message}`);
  }
  if (!isRecord(parsed)) throw new InputError(`${problem}: got ${describe(parsed)}`);
}
