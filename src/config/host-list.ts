import { InputError } from '../util/errors.js';
import { nearest } from '../util/suggest.js';
import { describe } from './values.js';

// `allowed-hosts`: the hosts agents may reach through the action's forward proxy. Read here, into plain
// patterns (groups expanded), so that what enforces the list (isolation/) only ever matches names.

/**
 * The named groups `allowed-hosts` may use, and exactly what each holds (docs/security.md lists the same; a
 * unit test checks they agree). A pattern `*.example.com` is any name below example.com, not example.com itself.
 */
export const HOST_GROUPS: Readonly<Record<string, readonly string[]>> = {
  github: ['github.com', '*.github.com', '*.githubusercontent.com'],
};

/**
 * A DNS name of letters, digits and hyphens with at least one dot: a name without one is far more often a
 * group's name mistyped than a host of the local network.
 */
const NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The one word that means "the model API and nothing else": an empty list means no restriction at all. */
const MODEL_ONLY = 'none';

/**
 * `allowed-hosts` as the input or a matrix item gives it (a YAML list, or one string separated by spaces,
 * commas or new lines): host names, `*.`-patterns, IPv4 addresses and group names, lower-cased, groups expanded,
 * repeats dropped; `none` alone is the empty list (the model API only). Throws one InputError naming every
 * entry that is none of those.
 */
export function hostList(value: unknown, what: string): string[] {
  let entries: string[];
  if (Array.isArray(value)) entries = value.map((v) => (typeof v === 'string' ? v.trim() : describe(v)));
  else if (typeof value === 'string') entries = value.split(/[\s,]+/);
  else throw new InputError(`${what} must be a list of host names or a string, got ${describe(value)}`);
  entries = entries.filter(Boolean);
  if (entries.length === 0) {
    throw new InputError(`${what} is empty; give ${MODEL_ONLY} for the model API only, or leave it out`);
  }
  if (entries.length === 1 && entries[0]!.toLowerCase() === MODEL_ONLY) return [];
  const hosts: string[] = [];
  const bad: string[] = [];
  for (const entry of entries) {
    const name = entry.toLowerCase().replace(/\.$/, '');
    if (name === MODEL_ONLY) {
      bad.push(`"${MODEL_ONLY}" (which means the model API only, so goes alone)`);
      continue;
    }
    const group = HOST_GROUPS[name];
    if (group) hosts.push(...group);
    else if (isHostPattern(name)) hosts.push(name);
    else {
      const guess = nearest(name, Object.keys(HOST_GROUPS));
      bad.push(`${JSON.stringify(entry)}${guess ? ` (did you mean the group "${guess}"?)` : ''}`);
    }
  }
  if (bad.length) {
    throw new InputError(
      `${what}: ${bad.join(', ')} ${bad.length > 1 ? 'are' : 'is'} not a host name, a pattern such as ` +
        `*.example.com, an IPv4 address or a group (${Object.keys(HOST_GROUPS).join(', ')}); ` +
        `give names without a scheme, path or port`,
    );
  }
  return [...new Set(hosts)];
}

/** A host name, an IPv4 address, or `*.` followed by a host name. */
function isHostPattern(entry: string): boolean {
  if (entry.startsWith('*.')) return NAME.test(entry.slice(2));
  return NAME.test(entry) || IPV4.test(entry);
}
