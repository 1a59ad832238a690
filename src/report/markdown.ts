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
