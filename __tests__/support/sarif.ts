import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

/**
 * A validator of SARIF 2.1.0 logs, from the schema @microsoft/jest-sarif ships (draft-04). Its only draft-04 word
 * is the top-level `id`, which later drafts spell `$id`, so Ajv checks it as it is otherwise (its patterns are
 * not Unicode ones).
 */
export function sarifValidator(): ValidateFunction {
  const file = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const id = schema.id as string;
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true, unicodeRegExp: false });
  return ajv.compile({ ...schema, $id: id });
}
