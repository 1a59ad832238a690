import type { AgentResult } from '../types.js';

// The hosts `allowed-hosts` kept from each agent, listed in the summary and report.md so that whoever reads
// them can fix the list in one go. The names come from what agents asked for: only DNS names and addresses
// are shown, in code spans, and anything else as words of ours.

/** A host name or address as the proxy records one: letters, digits, '.', '-', ':' (IPv6). */
const SHOWABLE = /^[a-z0-9][a-z0-9.:-]{0,252}$/i;

const show = (host: string) => (SHOWABLE.test(host) ? `\`${host}\`` : 'a malformed host name');

/**
 * The section listing the hosts refused to each agent (none when no host was refused), at most `maxAgents`
 * agents of them, and the list that would have let every one through.
 */
export function refusedHostsSection(results: readonly AgentResult[], maxAgents = Infinity): string[] {
  const refused = results.filter((r) => r.refusedHosts?.length);
  if (refused.length === 0) return [];
  const every = [...new Set(refused.flatMap((r) => r.refusedHosts ?? []))].filter((h) => SHOWABLE.test(h));
  const more = refused.length - Math.min(refused.length, maxAgents);
  return [
    '',
    '### Hosts refused by `allowed-hosts`',
    '',
    ...refused.slice(0, maxAgents).map((r) => `- \`${r.id}\`: ${(r.refusedHosts ?? []).map(show).join(', ')}`),
    ...(more > 0 ? [`- and ${more} more agents: see each one's \`refusedHosts\` in the \`results\` output`] : []),
    '',
    ...(every.length
      ? [`Agents that need them get them with these added to \`allowed-hosts\`: \`${every.join(' ')}\``, '']
      : []),
  ];
}
