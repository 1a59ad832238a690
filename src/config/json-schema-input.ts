import fs from 'node:fs';
import { InputError } from '../util/errors.js';
import { compileJsonSchema } from '../util/json-schema.js';
import { describe, isRecord } from './values.js';
import { resolveWorkspaceFile } from './workspace-file.js';

/**
 * The schema goes to the CLI as one command-line argument, which Linux caps at 128 KiB; a schema anywhere near
 * that is a mistake.
 */
export const MAX_SCHEMA_BYTES = 64 * 1024;

/**
 * A JSON Schema given as `what` (the `json-schema` input or an item's key): JSON text, a path to a `.json` file in
 * the workspace, or (in a matrix item) a YAML mapping. Returns it as compact JSON text for `--json-schema`, after
 * checking it as the CLI would, so a schema the CLI would refuse fails the step before any agent starts.
 */
export function readJsonSchema(value: unknown, workspace: string, what: string): string {
  let schema: unknown;
  if (isRecord(value)) {
    schema = value;
  } else if (typeof value !== 'string' || !value.trim()) {
    throw new InputError(
      `${what} must be a JSON Schema (JSON text) or the path of a .json file, got ${describe(value)}`,
    );
  } else if (value.trim().startsWith('{')) {
    schema = parseJson(value, what);
  } else {
    const file = value.trim();
    if (!file.endsWith('.json')) {
      throw new InputError(
        `${what} must be a JSON Schema (JSON text starting with "{") or the path of a .json file, got ${JSON.stringify(file)}`,
      );
    }
    const real = resolveWorkspaceFile(file, workspace, what);
    schema = parseJson(fs.readFileSync(real, 'utf8'), `${what} (${file})`);
  }
  try {
    compileJsonSchema(schema);
  } catch (err) {
    throw new InputError(
      `${what} is not a valid JSON Schema (draft-07, as the CLI reads it): ${(err as Error).message}`,
    );
  }
  const text = JSON.stringify(schema);
  if (Buffer.byteLength(text) > MAX_SCHEMA_BYTES) {
    throw new InputError(
      `${what} is ${Math.ceil(Buffer.byteLength(text) / 1024)} KiB as compact JSON; at most ${MAX_SCHEMA_BYTES / 1024} KiB fits the CLI's command line`,
    );
  }
  return text;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
}
