import type { TokenUsage } from '../types.js';

/** The fields of the CLI's final `result` event that the action reads. */
export interface ResultEvent {
  type: 'result';
  subtype?: string;
  is_error?: boolean;
  num_turns?: number;
  total_cost_usd?: number;
  session_id?: string;
  result?: string;
  api_error_status?: number | null;
  /** Set without a status when the connection itself failed (reset, refused, cut mid-stream). */
  api_error?: string;
  terminal_reason?: string;
  errors?: string[];
  /** With `--json-schema`: what the model passed to the StructuredOutput tool, once the CLI accepted it. */
  structured_output?: unknown;
  /** The main model's tokens; some versions report zeros here when the run ended in an error. */
  usage?: {
    input_tokens?: number;
    output_tokens?: number;
    cache_read_input_tokens?: number;
    cache_creation_input_tokens?: number;
  };
  /** Every model's tokens (the main one, the fallback, the small model for side tasks), in every version. */
  modelUsage?: Record<
    string,
    { inputTokens?: number; outputTokens?: number; cacheReadInputTokens?: number; cacheCreationInputTokens?: number }
  >;
}

/** The API pushed back on an agent: a rate limit (429) or an overload (529). */
export interface Pushback {
  status: 429 | 529;
  /** The error ended the CLI's run; otherwise the CLI is retrying the request itself. */
  final: boolean;
}

/**
 * The HTTP status of the API error a run ended with. Newer CLIs put it in `api_error_status`; older ones
 * (2.1.100 and before) leave that out and write the status only into the text of the error result:
 * `API Error: 429 {"type":"error",...}`, or in newer wording `API Error: Request rejected (429) · ...`. Where
 * neither says, `EventReader` fills the field in from the retries the CLI gave up on (see `givenUpStatus`).
 */
export function apiErrorStatus(r: ResultEvent): number | undefined {
  if (typeof r.api_error_status === 'number') return r.api_error_status;
  if (r.is_error !== true || typeof r.result !== 'string') return undefined;
  const m = /^API Error: (?:(\d{3})\b|[^(\n]*\((\d{3})\))/.exec(r.result);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

/** A 429 or 529 status as a Pushback's, else undefined. */
function pushbackStatus(status: unknown): Pushback['status'] | undefined {
  return status === 429 || status === 529 ? status : undefined;
}

/**
 * The tokens a result reports, summed over its models. `modelUsage` is preferred: every version fills it,
 * for every model, even when the run ended in an error, where `usage` holds zeros.
 */
export function tokenUsage(r: ResultEvent): TokenUsage | null {
  const models = Object.values(r.modelUsage ?? {});
  if (models.length) {
    const sum = (pick: (m: (typeof models)[number]) => number | undefined) =>
      models.reduce((n, m) => n + (pick(m) ?? 0), 0);
    return {
      inputTokens: sum((m) => m.inputTokens),
      outputTokens: sum((m) => m.outputTokens),
      cacheReadTokens: sum((m) => m.cacheReadInputTokens),
      cacheCreationTokens: sum((m) => m.cacheCreationInputTokens),
    };
  }
  const u = r.usage;
  if (!u) return null;
  return {
    inputTokens: u.input_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    cacheReadTokens: u.cache_read_input_tokens ?? 0,
    cacheCreationTokens: u.cache_creation_input_tokens ?? 0,
  };
}

/**
 * How the CLI answers a StructuredOutput call that does not match the schema (a tool result with is_error). Only
 * used to say why an agent ended without structured output; if the wording changes, the reason is just shorter.
 */
const SCHEMA_MISMATCH = 'Output does not match required schema';

/** A line longer than this is logged to disk but not parsed: the action's memory stays flat. */
const MAX_LINE = 16 * 1024 * 1024;

/**
 * Follows the CLI's stream-json output chunk by chunk, keeping only what the action reports:
 * the final result event and whether the model answered at all. `onPushback` hears of every 429 and 529
 * as it happens: the CLI retries these itself and says so in an `api_retry` event (2.1.100 and later), and
 * the error that ends a run is in its result.
 */
export class EventReader {
  result: ResultEvent | undefined;
  sawAssistant = false;
  sessionId: string | undefined;
  /** The CLI's last refusal of a structured output that did not match the schema. */
  structuredRejection: string | undefined;
  /**
   * The status of the request the CLI was retrying, until the model answers again; with `lastSynthetic`, what a
   * result with no status of its own failed on (see `givenUpStatus`).
   */
  private retrying: Pushback['status'] | undefined;
  /** The last assistant message was the CLI's own report of an API error, not the model's. */
  private lastSynthetic = false;
  private partial: Buffer[] = [];
  private partialLength = 0;
  private overflow = false;

  constructor(private readonly onPushback?: (pushback: Pushback) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      this.append(chunk.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
    this.append(chunk.subarray(start));
  }

  /** Call at the end of the stream, for a last line without a newline. */
  end(): void {
    this.endLine();
  }

  private append(part: Buffer): void {
    if (this.overflow || part.length === 0) return;
    if (this.partialLength + part.length > MAX_LINE) {
      this.overflow = true;
      this.partial = [];
      return;
    }
    this.partial.push(part);
    this.partialLength += part.length;
  }

  private endLine(): void {
    const line = this.partial.length === 1 ? this.partial[0]! : Buffer.concat(this.partial);
    this.partial = [];
    this.partialLength = 0;
    this.overflow = false;
    // Most lines are tool traffic; only parse the few kinds that matter.
    const rejection = line.includes(SCHEMA_MISMATCH);
    if (
      line.length === 0 ||
      (!line.includes('"type":"result"') &&
        !line.includes('"type":"assistant"') &&
        !line.includes('"api_retry"') &&
        !rejection)
    ) {
      return;
    }
    let event: {
      type?: string;
      subtype?: string;
      session_id?: string;
      message?: { model?: string; content?: { type?: string; content?: unknown; is_error?: boolean }[] };
      error_status?: unknown;
      error?: unknown;
    };
    try {
      event = JSON.parse(line.toString('utf8'));
    } catch {
      return;
    }
    if (typeof event.session_id === 'string') this.sessionId = event.session_id;
    if (event.type === 'system' && event.subtype === 'api_retry') {
      // `error` names the kind where a version leaves the status out ("rate_limit", "overloaded").
      const status =
        pushbackStatus(event.error_status) ??
        (event.error === 'rate_limit' ? 429 : event.error === 'overloaded' ? 529 : undefined);
      if (status) this.onPushback?.({ status, final: false });
      this.retrying = status;
    }
    if (event.type === 'result') {
      this.result = this.givenUpStatus(event as ResultEvent);
      const status = pushbackStatus(apiErrorStatus(this.result));
      if (status) this.onPushback?.({ status, final: true });
    }
    if (rejection && event.type === 'user' && Array.isArray(event.message?.content)) {
      for (const block of event.message.content) {
        if (block.type === 'tool_result' && block.is_error && typeof block.content === 'string') {
          if (block.content.startsWith(SCHEMA_MISMATCH)) this.structuredRejection = block.content;
        }
      }
    }
    // The CLI reports API errors as assistant messages from a "<synthetic>" model.
    if (event.type === 'assistant') {
      this.lastSynthetic = event.message?.model === '<synthetic>';
      if (!this.lastSynthetic) {
        this.sawAssistant = true;
        this.retrying = undefined;
      }
    }
  }

  /**
   * A result that ended on an API error whose status neither its field nor its text gives: the status of the
   * 429s or 529s the CLI retried just before it gave up, written into `api_error_status` (so result.json holds
   * the status the action acted on). Some versions give up on repeated 529s with a message of their own and no
   * status (2.1.100: no field; 2.1.197: `api_error_status: null`, "API Error: Repeated 529 Overloaded errors…");
   * the retry events before it carry the status in every version, whatever the final wording.
   */
  private givenUpStatus(r: ResultEvent): ResultEvent {
    if (r.is_error !== true || !this.lastSynthetic || !this.retrying || apiErrorStatus(r) !== undefined) return r;
    return { ...r, api_error_status: this.retrying };
  }
}
