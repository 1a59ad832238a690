/** What a placeholder can insert from an agent that is needed. */
type PlaceholderField = 'answer' | 'structured';

export interface Placeholder {
  /** The placeholder as written, `{{ needs.a.answer }}`. */
  text: string;
  id: string;
  field: PlaceholderField;
}

// Ids may hold dots (a planner's agents are `<planner>.<id>`), so the id is everything up to the last field name.
const PATTERN = /\{\{\s*needs\.([A-Za-z0-9][A-Za-z0-9._-]*?)\.(answer|structured)\s*\}\}/g;

/** The `{{ needs.<id>.answer }}` and `{{ needs.<id>.structured }}` placeholders in a prompt, in order. */
export function findPlaceholders(prompt: string): Placeholder[] {
  return [...prompt.matchAll(PATTERN)].map((m) => ({ text: m[0], id: m[1]!, field: m[2] as PlaceholderField }));
}

/** The prompt with each placeholder replaced by what `value` gives for it, in one pass. */
export function replacePlaceholders(prompt: string, value: (p: Placeholder) => string): string {
  return prompt.replace(PATTERN, (text, id: string, field: PlaceholderField) => value({ text, id, field }));
}
