import fs from 'node:fs';
import { parseDocument } from 'yaml';
import type { AgentSpec } from '../types.js';
import { InputError, Problems } from '../util/errors.js';
import { findPlaceholders } from '../util/placeholders.js';
import { nearest } from '../util/suggest.js';
import { checkGraph } from './graph.js';
import { hostList } from './host-list.js';
import { readJsonSchema } from './json-schema-input.js';
import { applyReview, withReviewDefault } from './review-schema.js';
import { CHANGES_MODES, WORKSPACE_MODES } from './action-interface.js';
import {
  describe,
  isRecord,
  jsonOrFile,
  money,
  oneOf,
  positiveInteger,
  positiveMinutes,
  text,
  toolList,
} from './values.js';
import { resolveWorkspaceFile } from './workspace-file.js';

/** What every agent gets unless its matrix item says otherwise. */
export type AgentDefaults = Omit<AgentSpec, 'index' | 'id' | 'prompt' | 'promptFile'>;

export interface MatrixSource {
  /** The input the text came from, named in every error. */
  input: 'prompts' | 'prompts-file';
  text: string;
  /** Every file an item names (prompt, schema, settings) is resolved against this folder and must stay inside it. */
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
  'needs',
  'run-if',
  'spawn',
  'json-schema',
  'fallback-model',
  'max-budget-usd',
  'workspace',
  'settings',
  'mcp-config',
  'review',
  'idle-timeout-minutes',
  'changes',
  'commit-message',
  'pr-title',
  'allow-workflow-changes',
  'max-changed-files',
  'allowed-hosts',
] as const;

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** More agents than this is a mistake, not a workload: each one is a CLI process on one runner. */
export const MAX_AGENTS = 1000;

/**
 * Parses and validates the matrix. Throws one InputError that lists every problem found, each naming the
 * input, the item and the key, and what was expected.
 */
export function parseMatrix(source: MatrixSource, defaults: AgentDefaults): AgentSpec[] {
  return parseAgents(`Input '${source.input}'`, source.text, source.workspace, defaults);
}

/**
 * `parseMatrix` for any list of agents, named `name` in every error: the matrix, or a planner's file. Besides
 * each item, checks the graph the items' `needs` make: every need names an item, none names its own item, and
 * there is no cycle. Files that items name are read from `workspace`.
 */
export function parseAgents(name: string, text: string, workspace: string, given: AgentDefaults): AgentSpec[] {
  const items = readList(name, text);
  const problems = new Problems();
  const defaults = problems.check(() => withReviewDefault(given)) ?? given;
  const specs: AgentSpec[] = [];
  const nodes: { index: number; id: string; needs: string[] }[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const { id, needs, spec } = parseItem(item, index, name, workspace, defaults, problems);
    if (spec) specs.push(spec);
    nodes.push({ index, id, needs });
    const other = seen.get(id);
    if (other === undefined) seen.set(id, index);
    else problems.add(`${name}: item ${index} has id "${id}", already used by item ${other}; ids must be unique`);
  });
  for (const message of checkGraph(nodes)) problems.add(`${name}${message}`);
  problems.throwIfAny();
  return specs;
}

/** The document as a list of items; a document that is not one is a single problem, reported at once. */
function readList(name: string, text: string): unknown[] {
  const doc = parseDocument(text, { prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
    throw new InputError(`${name} is not valid YAML${where}: ${yamlError.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    // The alias limit defuses "billion laughs" documents.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError(`${name} could not be read: ${(err as Error).message}`);
  }
  if (!Array.isArray(value)) {
    throw new InputError(`${name} must be a YAML or JSON list of prompts, got ${describe(value)}`);
  }
  if (value.length === 0) throw new InputError(`${name} is an empty list; give at least one prompt`);
  if (value.length > MAX_AGENTS) {
    throw new InputError(`${name} has ${value.length} items; at most ${MAX_AGENTS} agents run in one step`);
  }
  return value;
}

/**
 * One item's id, its needs (read even when the item has other problems, so the graph check sees every edge) and,
 * when it has no problems (each added to `problems`), its spec.
 */
function parseItem(
  item: unknown,
  index: number,
  name: string,
  workspace: string,
  defaults: AgentDefaults,
  problems: Problems,
): { id: string; needs: string[]; spec?: AgentSpec } {
  const at = (id?: string) => `${name}: item ${index}${id ? ` (id "${id}")` : ''}`;
  const generated = `agent-${index + 1}`;
  if (typeof item === 'string') {
    if (item.trim()) return { id: generated, needs: [], spec: { ...defaults, index, id: generated, prompt: item } };
    problems.add(`${at()} is an empty prompt`);
    return { id: generated, needs: [] };
  }
  if (!isRecord(item)) {
    problems.add(`${at()} must be a prompt string or a mapping with 'prompt', got ${describe(item)}`);
    return { id: generated, needs: [] };
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
  problems.check(() => readPrompt(item, spec, workspace, here));
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
  read('needs', 'needs', idList);
  read('run-if', 'runIf', (v, w) => oneOf(String(v), ['success', 'always'] as const, w));
  read('spawn', 'spawn', flag);
  read('json-schema', 'jsonSchema', (v, w) => readJsonSchema(v, workspace, w));
  read('fallback-model', 'fallbackModel', text);
  read('max-budget-usd', 'maxBudgetUsd', money);
  // The CLI refuses a fallback that is the main model; said here, with the other problems, before any start.
  const ownModels = item.model !== undefined || item['fallback-model'] !== undefined;
  if (ownModels && spec.fallbackModel !== undefined && spec.fallbackModel === spec.model) {
    problems.add(`${here}: 'fallback-model' must differ from its model (both are ${JSON.stringify(spec.model)})`);
  }
  read('workspace', 'workspace', (v, w) => oneOf(typeof v === 'string' ? v : JSON.stringify(v), WORKSPACE_MODES, w));
  read('settings', 'settings', (v, w) => jsonOrFile(v, workspace, w));
  read('mcp-config', 'mcpConfig', (v, w) => jsonOrFile(v, workspace, w));
  problems.check(() => applyReview(spec, item, here));
  read('idle-timeout-minutes', 'idleTimeoutMinutes', positiveMinutes);
  read('changes', 'changes', (v, w) => oneOf(String(v), CHANGES_MODES, w));
  read('commit-message', 'commitMessage', text);
  read('pr-title', 'prTitle', text);
  read('allow-workflow-changes', 'allowWorkflowChanges', flag);
  read('max-changed-files', 'maxChangedFiles', positiveInteger);
  read('allowed-hosts', 'allowedHosts', hostList);
  problems.check(() => checkPlaceholders(spec, here));
  const needs = spec.needs ?? [];
  return problems.messages.length === before ? { id, needs, spec } : { id, needs };
}

/** `needs`: one id or a list of them; repeats are dropped. */
function idList(value: unknown, what: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  const ids = list.map((v) => {
    if ((typeof v !== 'string' && typeof v !== 'number') || !String(v).trim()) {
      throw new InputError(`${what} must be an id or a list of ids, got ${describe(v)}`);
    }
    return String(v).trim();
  });
  if (ids.length === 0) throw new InputError(`${what} is an empty list; leave it out or name an id`);
  return [...new Set(ids)];
}

function flag(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new InputError(`${what} must be true or false, got ${describe(value)}`);
  return value;
}

/**
 * A `{{ needs.<id>.answer }}` placeholder must name one of the item's needs, or an agent a needed planner adds
 * (`<planner>.<id>`), which is only known once the planner has run.
 */
function checkPlaceholders(spec: AgentSpec, here: string): void {
  const prompt = spec.promptFile ? fs.readFileSync(spec.promptFile, 'utf8') : (spec.prompt ?? '');
  const needs = spec.needs ?? [];
  const unknown = findPlaceholders(prompt).filter((p) => !needs.some((n) => p.id === n || p.id.startsWith(`${n}.`)));
  if (unknown.length === 0) return;
  const first = unknown[0]!;
  throw new InputError(
    `${here}: the prompt's placeholder ${JSON.stringify(first.text)} names "${first.id}", which is not in its 'needs'` +
      `${needs.length ? ` (${needs.join(', ')})` : ''}; add "${first.id}" to 'needs'` +
      (unknown.length > 1 ? ` (and likewise for ${unknown.length - 1} more placeholders)` : ''),
  );
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
    spec.promptFile = resolveWorkspaceFile(String(item['prompt-file']), workspace, `${here}: 'prompt-file'`);
  } else {
    throw new InputError(`${here}: needs a 'prompt' or a 'prompt-file'`);
  }
}
