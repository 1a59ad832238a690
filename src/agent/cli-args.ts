import type { AgentSpec } from '../types.js';

/** The CLI's arguments for one agent. The prompt is never among them: it goes in on stdin. */
export function claudeArgs(spec: AgentSpec): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  if (spec.model) args.push('--model', spec.model);
  if (spec.permissionMode) args.push('--permission-mode', spec.permissionMode);
  if (spec.maxTurns !== undefined) args.push('--max-turns', String(spec.maxTurns));
  // Joined into one value: the CLI's list options would otherwise swallow the arguments after them.
  if (spec.allowedTools.length) args.push('--allowedTools', spec.allowedTools.join(','));
  if (spec.disallowedTools.length) args.push('--disallowedTools', spec.disallowedTools.join(','));
  if (spec.appendSystemPrompt) args.push('--append-system-prompt', spec.appendSystemPrompt);
  if (spec.jsonSchema) args.push('--json-schema', spec.jsonSchema);
  if (spec.fallbackModel) args.push('--fallback-model', spec.fallbackModel);
  if (spec.maxBudgetUsd !== undefined) args.push('--max-budget-usd', String(spec.maxBudgetUsd));
  if (spec.settings) args.push('--settings', spec.settings);
  // In the --flag=value form, so that the CLI's list option takes only this value.
  if (spec.mcpConfig) args.push(`--mcp-config=${spec.mcpConfig}`);
  return [...args, ...spec.claudeArgs];
}
