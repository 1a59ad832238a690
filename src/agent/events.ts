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
}

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
    if (line.length === 0 || (!line.includes('"type":"result"') && !line.includes('"type":"assistant"'))) return;
    let event: { type?: string; session_id?: string; message?: { model?: string } };
    try {
      event = JSON.parse(line.toString('utf8'));
    } catch {
      return;
    }
    if (typeof event.session_id === 'string') this.sessionId = event.session_id;
    if (event.type === 'result') this.result = event as ResultEvent;
    // The CLI reports API errors as assistant messages from a "<synthetic>" model.
    if (event.type === 'assistant' && event.message?.model !== '<synthetic>') this.sawAssistant = true;
  }
}
