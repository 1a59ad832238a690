import { afterAll, beforeAll } from 'vitest';
import { startArtifactService } from '../../stand-ins/artifact-service.js';
import { startGitHubApi } from '../../stand-ins/github-api.js';
import { startModelServer } from '../../stand-ins/model-server.js';
import { cliEnv } from './agents.js';

type ModelServer = Awaited<ReturnType<typeof startModelServer>>;
type ArtifactService = Awaited<ReturnType<typeof startArtifactService>>;
type GitHubApi = Awaited<ReturnType<typeof startGitHubApi>>;

/** The stand-ins a test file (or describe block) runs, each with the options it starts with. */
interface Wanted {
  /** `true`: the model server's defaults. */
  model?: true | Parameters<typeof startModelServer>[0];
  artifactService?: true;
  github?: Parameters<typeof startGitHubApi>[0];
}

export interface StandIns {
  readonly model: ModelServer;
  readonly artifactService: ArtifactService;
  readonly github: GitHubApi;
  /** What the action's process gets: the CLI's env for the stand-in model, and the artifact service's if it runs. */
  env(): NodeJS.ProcessEnv;
}

/**
 * Starts the stand-ins `wanted` names before the tests of the enclosing scope (all at once) and stops them
 * after. The handles exist only once beforeAll has run, so read them in tests and hooks, not while vitest
 * collects the tests.
 */
export function useStandIns(wanted: Wanted): StandIns {
  let model: ModelServer | undefined;
  let artifactService: ArtifactService | undefined;
  let github: GitHubApi | undefined;
  beforeAll(async () => {
    [model, artifactService, github] = await Promise.all([
      wanted.model ? startModelServer(wanted.model === true ? {} : wanted.model) : undefined,
      wanted.artifactService ? startArtifactService() : undefined,
      wanted.github ? startGitHubApi(wanted.github) : undefined,
    ]);
  });
  afterAll(async () => {
    await Promise.all([model?.close(), artifactService?.close(), github?.close()]);
  });
  const running = <T>(handle: T | undefined, name: keyof Wanted): T => {
    if (handle !== undefined) return handle;
    throw new Error(
      `The ${name} stand-in is not running: name it in useStandIns({ ${name}: ... }) and read it in a test or a hook.`,
    );
  };
  return {
    get model() {
      return running(model, 'model');
    },
    get artifactService() {
      return running(artifactService, 'artifactService');
    },
    get github() {
      return running(github, 'github');
    },
    env: () => ({ ...cliEnv(running(model, 'model').url), ...artifactService?.env() }),
  };
}
