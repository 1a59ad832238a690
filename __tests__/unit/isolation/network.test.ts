import { describe, expect, it } from 'vitest';
import { startNetworkFence } from '../../../src/isolation/network.js';
import { InputError } from '../../../src/util/errors.js';

// The decisions startNetworkFence makes before it touches anything: the proxy and the firewall themselves are
// tested in __tests__/integration (forward-proxy, allowed-hosts).

describe('startNetworkFence', () => {
  const env = { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' };

  it('does nothing when no agent has a list, as before allowed-hosts existed', async () => {
    const specs = [{ id: 'a' }, { id: 'b', allowedHosts: undefined }];
    expect(await startNetworkFence({ specs, runList: undefined, user: undefined, env })).toBeUndefined();
  });

  it('fails, saying why and what would make it work, when one agent has a list and agents run as the action', async () => {
    const specs = [{ id: 'a' }, { id: 'b', allowedHosts: [] }];
    const started = startNetworkFence({ specs, runList: undefined, user: undefined, env });
    await expect(started).rejects.toThrow(InputError);
    await expect(started).rejects.toThrow(
      /Input 'allowed-hosts' is set, but agents run as the action's own user.*Set agent-user to auto/,
    );
  });
});
