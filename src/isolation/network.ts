import * as core from '@actions/core';
import type { AgentResult, AgentSpec } from '../types.js';
import { InputError } from '../util/errors.js';
import { logUntrusted } from '../util/log.js';
import { LOOPBACK_NAMES, modelEndpoint } from './allowed-hosts.js';
import { fenceUser, removeLeftovers, type Firewall } from './firewall.js';
import { startForwardProxy, type ForwardProxy } from './forward-proxy.js';
import { resolverFrom } from './resolver.js';
import type { AgentUser } from './run-as.js';

// `allowed-hosts` put together: the forward proxy agents are pointed at, and the firewall that leaves the agent
// user nothing else. Set up once per step, before any agent starts, and taken down at the step's end.

/** The step's network fence, while agents run. */
export interface NetworkFence {
  /** The proxy variables agent `id` gets. */
  envFor(id: string): Record<string, string>;
  /** `results` with the hosts the proxy refused each agent. */
  withRefusals(results: readonly AgentResult[]): AgentResult[];
  /** Takes the firewall's rules and the proxy down; safe to call more than once. */
  finish(): Promise<void>;
}

export interface NetworkPlan {
  /** The agents and their lists (an item's, or the input's); no list allows any host. */
  specs: readonly Pick<AgentSpec, 'id' | 'allowedHosts'>[];
  /** The input's list: what agents a planner adds get, and what a client that does not say who it is gets. */
  runList: readonly string[] | undefined;
  /** The user agents run as; undefined: the action's own, which no firewall can tell from the action. */
  user: AgentUser | undefined;
  env: NodeJS.ProcessEnv;
  /** The port of the action's API proxy, where agents reach the model when it is on; undefined: off. */
  apiProxyPort?: number;
}

/**
 * Removes what killed steps left in the firewall, then, when any agent has a list, starts the proxy and puts the
 * firewall's rules in place. Throws an InputError that says why and what would make it work when the lists are
 * set and cannot be enforced: they are never quietly open. Undefined when no agent has a list.
 */
export async function startNetworkFence(plan: NetworkPlan): Promise<NetworkFence | undefined> {
  if (plan.user) {
    for (const table of await removeLeftovers(plan.user.via)) {
      core.info(`allowed-hosts: removed the firewall table ${table}, left by a step that was killed`);
    }
  }
  const lists = new Map(plan.specs.map((s) => [s.id, s.allowedHosts]));
  const restricted = plan.runList !== undefined || [...lists.values()].some((l) => l !== undefined);
  if (!restricted) return undefined;
  if (!plan.user) {
    throw new InputError(
      `Input 'allowed-hosts' is set, but agents run as the action's own user, so no firewall can tell their ` +
        `connections from the action's. Set agent-user to auto (the job running as root, or as a user with ` +
        `passwordless sudo, as on GitHub-hosted runners) or to an unprivileged user's name; or leave ` +
        `allowed-hosts empty.`,
    );
  }
  // Through the action's API proxy, the model is one more loopback port; without it, the job's endpoint.
  const model = plan.apiProxyPort === undefined ? modelEndpoint(plan.env) : { loopbackPort: plan.apiProxyPort };
  const modelHosts = 'host' in model ? [model.host] : [];
  const listOf = (id: string | undefined) => {
    const list = id !== undefined && lists.has(id) ? lists.get(id) : plan.runList;
    return list && [...list, ...modelHosts];
  };
  const proxy = await startForwardProxy({
    listFor: listOf,
    resolve: resolverFrom(plan.env),
    onRefused: (id, host) =>
      logUntrusted(
        `allowed-hosts: ${id ?? 'an agent whose client did not send its proxy user name'} was refused ${host}, ` +
          `which is not on ${id ? 'its' : 'the'} list; add it to allowed-hosts if the agent needs it`,
      ),
  });
  const ports = [proxy.port, ...('loopbackPort' in model ? [model.loopbackPort] : [])];
  let firewall: Firewall;
  try {
    firewall = await fenceUser(plan.user, ports);
  } catch (err) {
    await proxy.close();
    throw err;
  }
  core.info(
    `allowed-hosts: agents reach the network through the action's proxy (127.0.0.1:${proxy.port}); the firewall ` +
      `(nft table ${firewall.table}) lets ${plan.user.name} reach only port${ports.length > 1 ? 's' : ''} ` +
      `${ports.join(', ')} on loopback, and no DNS`,
  );
  return fence(proxy, firewall);
}

function fence(proxy: ForwardProxy, firewall: Firewall): NetworkFence {
  return {
    envFor(id) {
      const url = proxy.urlFor(id);
      const noProxy = LOOPBACK_NAMES.join(',');
      return {
        HTTPS_PROXY: url,
        https_proxy: url,
        HTTP_PROXY: url,
        http_proxy: url,
        NO_PROXY: noProxy,
        no_proxy: noProxy,
        // The CLI's telemetry and update checks would only be refused, and listed as refused hosts each time.
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      };
    },
    withRefusals: (results) =>
      results.map((r) => {
        const refused = proxy.refused(r.id);
        return refused.length ? { ...r, refusedHosts: refused } : r;
      }),
    async finish() {
      // The rules first: once they are gone, nothing depends on the proxy.
      await firewall.remove();
      await proxy.close();
    },
  };
}
