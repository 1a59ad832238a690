// The job's switches that send the CLI to another provider than Anthropic's API (Bedrock, Vertex AI, Foundry):
// the CLI then takes that provider's credentials and ignores an API key and a base URL.

const PROVIDER_SWITCHES = ['CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX', 'CLAUDE_CODE_USE_FOUNDRY'] as const;

/** Every switch's name, for messages that list what the job may set. */
export const PROVIDER_SWITCH_NAMES: readonly string[] = PROVIDER_SWITCHES;

/** The first switch `env` turns on (set, and not 0, false, no or off), or undefined. */
export function providerSwitchedOn(env: NodeJS.ProcessEnv): string | undefined {
  return PROVIDER_SWITCHES.find((k) => {
    const value = env[k]?.trim();
    return !!value && !/^(0|false|no|off)$/i.test(value);
  });
}
