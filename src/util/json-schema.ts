import { Ajv, type ValidateFunction } from 'ajv';

/** A compiled schema: `check` gives undefined when a value matches, else why it does not. */
export interface CompiledSchema {
  check(value: unknown): string | undefined;
}

// Making an Ajv instance costs about 40 ms (it compiles the meta-schema), so one serves every schema.
let shared: Ajv | undefined;

/**
 * Compiles a JSON Schema as the Claude Code CLI does for `--json-schema` (Ajv, draft-07, strict, every error,
 * formats not checked), so a schema accepted here is one the CLI accepts and an output that matches here is one
 * it would take. Throws an Error saying why when the schema is not valid.
 */
export function compileJsonSchema(schema: unknown): CompiledSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new Error('a JSON Schema must be an object');
  }
  const ajv = (shared ??= new Ajv({ allErrors: true, validateFormats: false, multipleOfPrecision: 6, logger: false }));
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (err) {
    throw new Error((err as Error).message.replace(/^schema is invalid: /, ''));
  } finally {
    // The compiled function stands alone; kept, the schema would pin memory and clash with a later one's $id.
    ajv.removeSchema(schema);
  }
  return {
    check(value) {
      if (validate(value)) return undefined;
      return ajv.errorsText(validate.errors, { dataVar: 'output' });
    },
  };
}
