import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { InputError, nearest } from './errors.js';
import type { AgentSpec } from './types.js';

/** What every agent gets unless its matrix item says otherwise. */
export type AgentDefaults = Omit<AgentSpec, 'index' | 'id' | 'prompt' | 'promptFile'>;

export interface MatrixSource {
  /** The input the text came from, named in every error. */
  input: 'prompts' | 'prompts-file';
  text: string;
  /** Prompt files are resolved against this folder and must stay inside it. */
  workspace: string;
}

export const ITEM_KEYS = [
  'id',
  'prompt',
  'prompt-file',
  'model',
  'allowed-tools',
  'disallowed-tools',
  'max-turns',
  'append-system-prompt',
  'timeout-minutes',
] as const;

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** More agents than this is a mistake, not a workload: each one is a CLI process on one runner. */
export const MAX_AGENTS = 1000;

/** Parses and validates the matrix; throws InputError naming the input, the item and what was expected. */
export function parseMatrix(source: MatrixSource, defaults: AgentDefaults): AgentSpec[] {
  const { input } = source;
  // The alias limit defuses "billion laughs" documents.
  const doc = parseDocument(source.text, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new InputError(`Input '${input}' is not valid YAML${where}: ${yamlError.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`Input '${input}' could not be read: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) {
    throw new InputError(`Input '${input}' must be a YAML or JSON list of prompts, got ${describe(value)}`);
  }
  if (value.length === 0) throw new InputError(`Input '${input}' is an empty list; give at least one prompt`);
  if (value.length > MAX_AGENTS) {
    throw new InputError(`Input '${input}' has ${value.length} items; at most ${MAX_AGENTS} agents run in one step`);
  }

  const specs = value.map((item, index) => parseItem(item, index, source, defaults));
  const seen = new Map<string, number>();
  for (const spec of specs) {
    const other = seen.get(spec.id);
    if (other !== undefined) {
      throw new InputError(
        `Input '${input}': item ${spec.index} has id "${spec.id}", already used by item ${other}; ids must be unique`,
      );
    }
    seen.set(spec.id, spec.index);
  }
  return specs;
}

function parseItem(item: unknown, index: number, source: MatrixSource, defaults: AgentDefaults): AgentSpec {
  const at = (id?: string) => `Input '${source.input}': item ${index}${id ? ` (id "${id}")` : ''}`;
  if (typeof item === 'string') {
    if (!item.trim()) throw new InputError(`${at()} is an empty prompt`);
    return { ...defaults, index, id: `agent-${index + 1}`, prompt: item };
  }
  if (!isRecord(item)) {
    throw new InputError(`${at()} must be a prompt string or a mapping with 'prompt', got ${describe(item)}`);
  }

  let id = `agent-${index + 1}`;
  if (item.id !== undefined) {
    if (typeof item.id !== 'string' && typeof item.id !== 'number') {
      throw new InputError(`${at()}: 'id' must be a string, got ${describe(item.id)}`);
    }
    const given = String(item.id);
    // Printed with JSON.stringify so control characters cannot forge log lines.
    if (!ID_PATTERN.test(given)) {
      throw new InputError(
        `${at()}: id ${JSON.stringify(given)} is not allowed; use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    id = given;
  }
  const here = at(id);

  for (const key of Object.keys(item)) {
    if ((ITEM_KEYS as readonly string[]).includes(key)) continue;
    const guess = nearest(key, ITEM_KEYS);
    throw new InputError(
      `${here}: unknown key ${JSON.stringify(key)}${guess ? `; did you mean "${guess}"?` : ''} Known keys: ${ITEM_KEYS.join(', ')}`,
    );
  }

  const spec: AgentSpec = { ...defaults, index, id };
  if (item.prompt !== undefined && item['prompt-file'] !== undefined) {
    throw new InputError(`${here}: give 'prompt' or 'prompt-file', not both`);
  }
  if (item.prompt !== undefined) {
    if (typeof item.prompt !== 'string')
      throw new InputError(`${here}: 'prompt' must be text, got ${describe(item.prompt)}`);
    if (!item.prompt.trim()) throw new InputError(`${here}: 'prompt' is empty`);
    spec.prompt = item.prompt;
  } else if (item['prompt-file'] !== undefined) {
    spec.promptFile = resolvePromptFile(String(item['prompt-file']), source.workspace, here);
  } else {
    throw new InputError(`${here}: needs a 'prompt' or a 'prompt-file'`);
  }

  if (item.model !== undefined) spec.model = text(item.model, `${here}: 'model'`);
  if (item['allowed-tools'] !== undefined)
    spec.allowedTools = toolList(item['allowed-tools'], `${here}: 'allowed-tools'`);
  if (item['disallowed-tools'] !== undefined) {
    spec.disallowedTools = toolList(item['disallowed-tools'], `${here}: 'disallowed-tools'`);
  }
  if (item['max-turns'] !== undefined) spec.maxTurns = positiveInteger(item['max-turns'], `${here}: 'max-turns'`);
  if (item['append-system-prompt'] !== undefined) {
    spec.appendSystemPrompt = text(item['append-system-prompt'], `${here}: 'append-system-prompt'`);
  }
  if (item['timeout-minutes'] !== undefined) {
    spec.timeoutMinutes = positiveMinutes(item['timeout-minutes'], `${here}: 'timeout-minutes'`);
  }
  return spec;
}

function resolvePromptFile(file: string, workspace: string, here: string): string {
  if (!file.trim()) throw new InputError(`${here}: 'prompt-file' is empty`);
  const root = fs.realpathSync(workspace);
  const full = path.resolve(root, file);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    throw new InputError(`${here}: 'prompt-file' ${JSON.stringify(file)} does not exist (looked in ${root})`);
  }
  // Checked after resolving links, so neither "../" nor a symlink reads a file outside the workspace.
  const inside = path.relative(root, real);
  if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    throw new InputError(`${here}: 'prompt-file' ${JSON.stringify(file)} lies outside the workspace ${root}`);
  }
  if (!fs.statSync(real).isFile()) throw new InputError(`${here}: 'prompt-file' ${JSON.stringify(file)} is not a file`);
  return real;
}

/** Tool lists are given as YAML lists or as one string separated by spaces or commas. */
export function toolList(value: unknown, what: string): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value === 'string') return splitTools(value);
  throw new InputError(`${what} must be a list of tool names or a string, got ${describe(value)}`);
}

/** Splits on spaces and commas, but not inside parentheses: `Bash(git log:*)` stays one tool. */
export function splitTools(text: string): string[] {
  const tools: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
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

export function positiveInteger(value: unknown, what: string): number {
  const n = scalarNumber(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InputError(`${what} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** A week: longer than any runner keeps a job, and well inside what a timer can count. */
export const MAX_MINUTES = 7 * 24 * 60;

export function positiveMinutes(value: unknown, what: string): number {
  const n = scalarNumber(value);
  if (!Number.isFinite(n) || n <= 0 || n > MAX_MINUTES) {
    throw new InputError(
      `${what} must be a positive number of minutes up to ${MAX_MINUTES} (fractions allowed), got ${JSON.stringify(value)}`,
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

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new InputError(`${what} must be text, got ${describe(value)}`);
  }
  const s = String(value).trim();
  if (!s) throw new InputError(`${what} is empty`);
  return s;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `a ${typeof v} (${JSON.stringify(v).slice(0, 40)})`;
}
