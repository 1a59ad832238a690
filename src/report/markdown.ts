const ANSWER_CELL = 120;

/** Makes text safe inside one table cell: no row breaks, no column breaks, no live HTML. */
export function escapeCell(text: string, max = ANSWER_CELL): string {
  const trimmed = text.trimStart();
  const end = trimmed.search(/\r?\n/);
  // By code points, so an emoji is never cut in half; a code point is at most two UTF-16 units, so only the
  // start of a long answer is looked at.
  const line = (end === -1 ? trimmed : trimmed.slice(0, end)).trimEnd();
  const chars = Array.from(line.slice(0, 2 * max + 2));
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
  return (
    cut
      .replace(/\\/g, '\\\\')
      .replace(/\|/g, '\\|')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
      .replace(/[\u0000-\u001f\u007f]/g, ' ')
  );
}

/** Joins without width: it ends a mention or a tag where GitHub would see one, and shows nothing. */
const ZWJ = '\u200d';

/**
 * Makes agent text safe to show in Markdown that GitHub renders, wherever it is placed: `@user` and
 * `@org/team` notify no one, and no HTML comes through, so nothing can close our `<details>`, open a comment
 * that hides what follows, or forge a hidden marker. A zero-width joiner after `@` and after `<` (before a
 * letter, `/`, `!` or `?`) does both, and reads the same in text and in code, where an entity such as `&lt;`
 * would show as written. Text in fenced code can still run past the answer; `quoteBlock` contains that.
 */
export function neutralise(text: string): string {
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/<(?=[A-Za-z/!?])/g, `<${ZWJ}`)
      // GitHub sees a mention only after a character that is not a letter, digit or underscore (not in e-mail).
      .replace(/(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])/g, `@${ZWJ}`)
  );
}

/**
 * Text as a block quote, every line of it. A block quote contains whatever its text opens: a code fence left
 * open ends with the quote, and the blank line that must follow it ends the quote, so what comes after is
 * never swallowed.
 */
export function quoteBlock(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

/** Agent text ready to place in a comment, an issue or report.md: neutralised, then quoted. */
export function agentBlock(text: string): string {
  return quoteBlock(neutralise(text.replace(/\s+$/, '')));
}

/** The first `max` UTF-16 units of `text`, never half of a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = Math.max(0, max);
  const high = text.charCodeAt(end - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? end - 1 : end);
}

/** A code fence longer than any run of backticks in `text`, so that nothing in it can close the fence. */
export function fenceFor(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A Markdown link when `url` is a web address, else the text alone (a local zip path is no link). */
export function link(text: string, url: string | undefined): string {
  if (!url || !/^https?:\/\//.test(url)) return text;
  return `[${text}](${url.replace(/[()\s<>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)})`;
}
