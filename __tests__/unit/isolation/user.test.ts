import { describe, expect, it } from 'vitest';
import { chooseAgentUser, DEFAULT_AGENT_USER } from '../../../src/isolation/user.js';

const host = { root: false, githubHosted: false, user: 'runner' };

describe('chooseAgentUser', () => {
  it('takes a separate user with auto where the machine is the job’s own: GitHub-hosted, or as root', () => {
    expect(chooseAgentUser('auto', { ...host, githubHosted: true })).toEqual({
      name: DEFAULT_AGENT_USER,
      explicit: false,
    });
    expect(chooseAgentUser('auto', { ...host, root: true })).toEqual({ name: DEFAULT_AGENT_USER, explicit: false });
  });

  it('changes nothing with auto on a self-hosted runner, and says so, naming the user and the way out', () => {
    const choice = chooseAgentUser('auto', host);
    expect(choice.name).toBeNull();
    expect(choice.note).toMatch(/self-hosted runner: agents run as runner, as the action does/);
    expect(choice.note).toMatch(/Set agent-user to the name of an unprivileged user/);
  });

  it('takes none and a name as given, wherever it runs', () => {
    expect(chooseAgentUser('none', { ...host, root: true })).toEqual({ name: null, explicit: true });
    expect(chooseAgentUser('ci-agents', host)).toEqual({ name: 'ci-agents', explicit: true });
  });
});
