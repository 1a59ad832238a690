// What a GitHub runner would obey in a step's output: a small emulation of its workflow-command parser
// (ActionCommandManager and ActionCommand in actions/runner), for tests that must show agent text is not obeyed.
//
// The rules it follows:
// - Output is read line by line; a line ends at `\n`, `\r\n` or a lone `\r`.
// - A line is a command when, after its leading whitespace is trimmed, it starts with `::` and a registered
//   command name runs up to the next `::`: `::name key=value,key=value::data`.
// - Failing that, the older syntax is looked for anywhere in the line: `##[name key=value;key=value]data`.
// - `stop-commands` with data TOKEN suspends every command until one named TOKEN (`::TOKEN::` or `##[TOKEN]`).
// - Data is unescaped (%25 %0D %0A, and `:` `,` in properties) as the runner unescapes it.

/** The commands the runner has extensions for (and so parses at all). */
const RUNNER_COMMANDS = [
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
];

// .NET's TrimStart takes every Unicode white space, U+0085 among them, which JavaScript's trimStart does not.
const LEADING_SPACE = /^[\s\u0085]+/;

/** @param {string} s */
const unescapeData = (s) => s.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
/** @param {string} s */
const unescapeProperty = (s) => unescapeData(s.replaceAll('%3A', ':').replaceAll('%2C', ','));

/**
 * @typedef {{ command: string, properties: Record<string, string>, data: string, line: string }} RunnerCommand
 */

/**
 * @param {string} line
 * @param {Set<string>} registered lower-case names
 * @returns {RunnerCommand | null}
 */
function parseLine(line, registered) {
  const trimmed = line.replace(LEADING_SPACE, '');
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2);
    if (end >= 0) {
      const info = trimmed.slice(2, end);
      const space = info.indexOf(' ');
      const command = space < 0 ? info : info.slice(0, space);
      if (registered.has(command.toLowerCase())) {
        /** @type {Record<string, string>} */
        const properties = {};
        if (space > 0) {
          for (const pair of info
            .slice(space + 1)
            .trim()
            .split(',')
            .filter(Boolean)) {
            const eq = pair.indexOf('=');
            if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
          }
        }
        return { command, properties, data: unescapeData(trimmed.slice(end + 2)), line };
      }
    }
  }
  const prefix = line.indexOf('##[');
  if (prefix < 0) return null;
  const close = line.indexOf(']', prefix);
  if (close < 0) return null;
  const info = line.slice(prefix + 3, close);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!registered.has(command.toLowerCase())) return null;
  /** @type {Record<string, string>} */
  const properties = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0 && eq < pair.length - 1) properties[pair.slice(0, eq)] = unescapeData(pair.slice(eq + 1));
    }
  }
  return { command, properties, data: unescapeData(line.slice(close + 1)), line };
}

/**
 * The commands the runner would obey in `output`, in order. `stop-commands` and the line that resumes
 * processing are listed too (the resume under the command name `resume-commands`).
 * @param {string} output
 * @returns {RunnerCommand[]}
 */
export function obeyedCommands(output) {
  const registered = new Set(RUNNER_COMMANDS);
  /** @type {RunnerCommand[]} */
  const obeyed = [];
  /** @type {string | null} */
  let stopToken = null;
  for (const line of output.split(/\r\n|\r|\n/)) {
    const parsed = parseLine(line, registered);
    if (!parsed) continue;
    if (stopToken !== null) {
      if (parsed.command.toLowerCase() === stopToken.toLowerCase()) {
        registered.delete(stopToken.toLowerCase());
        stopToken = null;
        obeyed.push({ ...parsed, command: 'resume-commands' });
      }
      continue;
    }
    if (parsed.command.toLowerCase() === 'stop-commands') {
      stopToken = parsed.data;
      registered.add(stopToken.toLowerCase());
    }
    obeyed.push(parsed);
  }
  return obeyed;
}
