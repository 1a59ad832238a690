import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { AgentSpec } from '../types.js';
import { InputError, Problems } from '../util/errors.js';
import { nearest } from '../util/suggest.js';
import { WORKSPACE_MODES } from './action-interface.js';
import { describe, isRecord, jsonOrFile, oneOf, positiveInteger, positiveMinutes, text, toolList } from './values.js';

/** What every agent gets unless its matrix item says otherwise. */
export type AgentDefaults = Omit<AgentSpec, 'index' | 'id' | 'prompt' | 'promptFile'>;

export interface MatrixSource {
  /** The input the text came from, named in every error. */
  input: 'prompts' | 'prompts-file';
  text: string;
  /** Prompt files are resolved against this folder and must stay inside it. */
  workspace: string;
  /** Settings files (`settings`, `mcp-config`) are resolved against this folder; default `workspace`. */
  workingDirectory?: string;
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
  'workspace',
  'settings',
  'mcp-config',
] as const;

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** More agents than this is a mistake, not a workload: each one is a CLI process on one runner. */
export const MAX_AGENTS = 1000;

/**
 * Parses and validates the matrix. Throws one InputError that lists every problem found, each naming the
 * input, the item and the key, and what was expected.
 */
export function parseMatrix(source: MatrixSource, defaults: AgentDefaults): AgentSpec[] {
  const items = readList(source);
  const problems = new Problems();
  const specs: AgentSpec[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const { id, spec } = parseItem(item, index, source, defaults, problems);
    if (spec) specs.push(spec);
    const other = seen.get(id);
    if (other === undefined) seen.set(id, index);
    else {
      problems.add(
        `Input '${source.input}': item ${index} has id "${id}", already used by item ${other}; ids must be unique`,
      );
    }
  });
  problems.throwIfAny();
  return specs;
}

/** The document as a list of items; a document that is not one is a single problem, reported at once. */
function readList(source: MatrixSource): unknown[] {
  const { input } = source;
  const doc = parseDocument(source.text, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new InputError(`Input '${input}' is not valid YAML${where}: ${yamlError.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    // The alias limit defuses "billion laughs" documents.
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
  return value;
}

/** One item's id and, when it has no problems (each added to `problems`), its spec. */
function parseItem(
  item: unknown,
  index: number,
  source: MatrixSource,
  defaults: AgentDefaults,
  problems: Problems,
): { id: string; spec?: AgentSpec } {
  const at = (id?: string) => `Input '${source.input}': item ${index}${id ? ` (id "${id}")` : ''}`;
  const generated = `agent-${index + 1}`;
  if (typeof item === 'string') {
    if (item.trim()) return { id: generated, spec: { ...defaults, index, id: generated, prompt: item } };
    problems.add(`${at()} is an empty prompt`);
    return { id: generated };
  }
  if (!isRecord(item)) {
    problems.add(`${at()} must be a prompt string or a mapping with 'prompt', got ${describe(item)}`);
    return { id: generated };
  }
  const before = problems.messages.length;
  const id = problems.check(() => itemId(item, generated, at())) ?? generated;
  const here = at(id);

  for (const key of Object.keys(item)) {
    if ((ITEM_KEYS as readonly string[]).includes(key)) continue;
    const guess = nearest(key, ITEM_KEYS);
    problems.add(
      `${here}: unknown key ${JSON.stringify(key)}${guess ? `; did you mean "${guess}"?` : ''} Known keys: ${ITEM_KEYS.join(', ')}`,
    );
  }

  const spec: AgentSpec = { ...defaults, index, id };
  problems.check(() => readPrompt(item, spec, source.workspace, here));
  const read = <K extends keyof AgentSpec>(
    key: string,
    field: K,
    parse: (v: unknown, what: string) => AgentSpec[K],
  ) => {
    if (item[key] === undefined) return;
    const value = problems.check(() => parse(item[key], `${here}: '${key}'`));
    if (value !== undefined) spec[field] = value;
  };
  read('model', 'model', text);
  read('allowed-tools', 'allowedTools', toolList);
  read('disallowed-tools', 'disallowedTools', toolList);
  read('max-turns', 'maxTurns', positiveInteger);
  read('append-system-prompt', 'appendSystemPrompt', text);
  read('timeout-minutes', 'timeoutMinutes', positiveMinutes);
  const settingsBase = source.workingDirectory ?? source.workspace;
  read('workspace', 'workspace', (v, w) => oneOf(typeof v === 'string' ? v : JSON.stringify(v), WORKSPACE_MODES, w));
  read('settings', 'settings', (v, w) => jsonOrFile(v, settingsBase, w));
  read('mcp-config', 'mcpConfig', (v, w) => jsonOrFile(v, settingsBase, w));
  return problems.messages.length === before ? { id, spec } : { id };
}

function itemId(item: Record<string, unknown>, generated: string, at: string): string {
  if (item.id === undefined) return generated;
  if (typeof item.id !== 'string' && typeof item.id !== 'number') {
    throw new InputError(`${at}: 'id' must be a string, got ${describe(item.id)}`);
  }
  const given = String(item.id);
  // Printed with JSON.stringify so control characters cannot forge log lines.
  if (!ID_PATTERN.test(given)) {
    throw new InputError(
      `${at}: id ${JSON.stringify(given)} is not allowed; use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
  return given;
}

function readPrompt(item: Record<string, unknown>, spec: AgentSpec, workspace: string, here: string): void {
  if (item.prompt !== undefined && item['prompt-file'] !== undefined) {
    throw new InputError(`${here}: give 'prompt' or 'prompt-file', not both`);
  }
  if (item.prompt !== undefined) {
    if (typeof item.prompt !== 'string')
      throw new InputError(`${here}: 'prompt' must be text, got ${describe(item.prompt)}`);
    if (!item.prompt.trim()) throw new InputError(`${here}: 'prompt' is empty`);
    spec.prompt = item.prompt;
  } else if (item['prompt-file'] !== undefined) {
    spec.promptFile = resolvePromptFile(String(item['prompt-file']), workspace, here);
  } else {
    throw new InputError(`${here}: needs a 'prompt' or a 'prompt-file'`);
  }
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
