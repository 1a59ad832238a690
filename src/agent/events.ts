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
 * the final result event and whether the model answered at all.
 */
export class EventReader {
  result: ResultEvent | undefined;
  sawAssistant = false;
  sessionId: string | undefined;
  /** The CLI's last refusal of a structured output that did not match the schema. */
  structuredRejection: string | undefined;
  private partial: Buffer[] = [];
  private partialLength = 0;
  private overflow = false;

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
      (!line.includes('"type":"result"') && !line.includes('"type":"assistant"') && !rejection)
    ) {
      return;
    }
    let event: {
      type?: string;
      session_id?: string;
      message?: { model?: string; content?: { type?: string; content?: unknown; is_error?: boolean }[] };
    };
    try {
      event = JSON.parse(line.toString('utf8'));
    } catch {
      return;
    }
    if (typeof event.session_id === 'string') this.sessionId = event.session_id;
    if (event.type === 'result') this.result = event as ResultEvent;
    if (rejection && event.type === 'user' && Array.isArray(event.message?.content)) {
      for (const block of event.message.content) {
        if (block.type === 'tool_result' && block.is_error && typeof block.content === 'string') {
          if (block.content.startsWith(SCHEMA_MISMATCH)) this.structuredRejection = block.content;
        }
      }
    }
    // The CLI reports API errors as assistant messages from a "<synthetic>" model.
    if (event.type === 'assistant' && event.message?.model !== '<synthetic>') this.sawAssistant = true;
  }
}
