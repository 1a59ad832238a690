import { agentBlock, cutText, link, neutralise } from '../report/markdown.js';

// The words of a commit and a pull request made from an agent's work. The agent's answer is untrusted: what of
// it lands in a commit message, a title or a body is neutralised as comments are, and cut to what GitHub keeps.

/** GitHub refuses a pull request body longer than this. */
const BODY_MAX = 65_000;
/** A title or a commit's first line longer than this is cut: GitHub shows about this much. */
const SUBJECT_MAX = 120;

/** One line of agent text, safe as a title or a commit's subject: no control characters, no mention, no HTML. */
export function oneLine(text: string): string {
  const line = neutralise(text).replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  return chars.length > SUBJECT_MAX ? `${chars.slice(0, SUBJECT_MAX - 1).join('')}…` : line;
}

/**
 * The commit's message: the item's `commit-message`, else the answer's first line that is not empty (Markdown's
 * heading marks dropped), else one naming the agent.
 */
export function commitMessage(id: string, answer: string, given?: string): string {
  if (given?.trim()) return neutralise(given.trim());
  const first = answer
    .split('\n')
    .map((l) => l.replace(/^[#>*\-\s]+/, '').trim())
    .find((l) => l);
  return first ? oneLine(first) : `Changes of agent ${id}`;
}

/** The pull request's title: the item's `pr-title`, else the commit's first line. */
export function pullTitle(message: string, given?: string): string {
  return oneLine(given?.trim() ? given : (message.split('\n')[0] ?? message));
}

/** The pull request's body: the agent's answer quoted and neutralised, the run linked, any notes of ours after. */
export function pullBody(
  id: string,
  answer: string,
  runUrl: string | undefined,
  notes: readonly string[] = [],
): string {
  const head = `Changes of agent \`${id}\`, made by ${link('this run', runUrl)}.\n\n`;
  const tail = notes.length ? `\n\n${notes.join('\n\n')}` : '';
  const room = BODY_MAX - head.length - tail.length;
  const answerBlock = answer.trim() ? agentBlock(cutText(answer, room)) : '_The agent gave no answer._';
  return head + cutText(answerBlock, room) + tail;
}

/** Each agent's branch: `<prefix>/<id>`; the one branch of `one-pull-request` cannot clash with an id. */
export function branchName(prefix: string, id?: string): string {
  return id === undefined ? `${prefix}/_all` : `${prefix}/${id}`;
}
