import { cutText } from './markdown.js';

/**
 * The largest size such that texts of `sizes`, each cut to it, sum to at most `budget`: texts at or under it
 * stay whole and only the longer ones are cut, the longest most. Infinity when everything fits.
 */
export function capFor(sizes: readonly number[], budget: number): number {
  const sorted = [...sizes].sort((a, b) => a - b);
  let left = Math.max(0, budget);
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(left / (sorted.length - i));
    if (sorted[i]! > share) return share;
    left -= sorted[i]!;
  }
  return Infinity;
}

export interface FittedBlock {
  text: string;
  cut: boolean;
}

/**
 * Blocks (already safe Markdown, see `agentBlock`) cut so that together they take at most `budget`
 * characters, the longest first. A cut block ends with `note(id)` after a blank line, within its share; a
 * share too small for any text keeps only the note (so only notes that alone pass the budget overrun it).
 */
export function fitBlocks(
  blocks: readonly { id: string; text: string }[],
  budget: number,
  note: (id: string) => string,
): Map<string, FittedBlock> {
  let fitted = cutTo(blocks, budget, note);
  // A share smaller than its note overruns; shrink the others by the overrun and fit again.
  for (let tries = 0, target = budget; tries < 4; tries++) {
    const over = total(fitted) - budget;
    if (over <= 0) break;
    target -= over;
    fitted = cutTo(blocks, target, note);
  }
  return fitted;
}

function total(fitted: Map<string, FittedBlock>): number {
  let sum = 0;
  for (const { text } of fitted.values()) sum += text.length;
  return sum;
}

function cutTo(
  blocks: readonly { id: string; text: string }[],
  budget: number,
  note: (id: string) => string,
): Map<string, FittedBlock> {
  const cap = capFor(
    blocks.map((b) => b.text.length),
    budget,
  );
  const out = new Map<string, FittedBlock>();
  for (const { id, text } of blocks) {
    if (text.length <= cap) {
      out.set(id, { text, cut: false });
      continue;
    }
    const tail = note(id);
    const room = cap - tail.length - 2;
    out.set(id, { text: room > 0 ? `${cutText(text, room)}\n\n${tail}` : tail, cut: true });
  }
  return out;
}
