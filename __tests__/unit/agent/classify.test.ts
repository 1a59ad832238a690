import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  classify,
  finalVerdict,
  isTransientStatus,
  retryAfterMs,
  type AttemptEnd,
} from '../../../src/agent/classify.js';
import { EventReader, type ResultEvent } from '../../../src/agent/events.js';

const success: ResultEvent = {
  type: 'result',
  subtype: 'success',
  is_error: false,
  num_turns: 3,
  total_cost_usd: 0.01,
  session_id: 's-1',
  result: 'All done.',
};

function end(overrides: Partial<AttemptEnd> = {}): AttemptEnd {
  return {
    exitCode: 0,
    signal: null,
    result: success,
    timedOut: false,
    stoppedAfterResult: false,
    timeoutMinutes: 30,
    sawAssistant: true,
    stderrTail: '',
    ...overrides,
  };
}

describe('classify: success', () => {
  it('is a success with exit 0, a result, subtype success and is_error false', () => {
    expect(classify(end())).toEqual({ status: 'success', error: null, transient: false });
  });

  it('is not a success when the exit code is not 0', () => {
    const verdict = classify(end({ exitCode: 1 }));
    expect(verdict.status).toBe('failure');
    expect(verdict.transient).toBe(false);
    expect(verdict.error).toContain('All done.');
  });

  it('is not a success when is_error is true or missing', () => {
    expect(classify(end({ result: { ...success, is_error: true } })).status).toBe('failure');
    const noFlag: ResultEvent = { ...success };
    delete noFlag.is_error;
    expect(classify(end({ result: noFlag })).status).toBe('failure');
  });

  it('is not a success when the subtype is not success', () => {
    expect(classify(end({ result: { ...success, subtype: 'error_during_execution' } })).status).toBe('failure');
  });

  it('is not a success without a result, even with exit 0', () => {
    const verdict = classify(end({ result: undefined }));
    expect(verdict.status).toBe('failure');
    expect(verdict.error).toBe('exited 0 without a result');
  });
});

describe('classify: failures with a result', () => {
  it.each([529, 429, 500, 503])('treats API error %i as a transient failure', (status) => {
    const verdict = classify(
      end({
        exitCode: 1,
        result: {
          type: 'result',
          subtype: 'success',
          is_error: true,
          api_error_status: status,
          result: `API Error: ${status} overloaded\nmore detail`,
        },
      }),
    );
    expect(verdict.status).toBe('failure');
    expect(verdict.transient).toBe(true);
    expect(verdict.error).toBe(`API Error: ${status} overloaded`);
    expect(verdict.retryAfterMs).toBeUndefined();
  });

  it('names the API status when the result has no text', () => {
    const verdict = classify(end({ exitCode: 1, result: { type: 'result', is_error: true, api_error_status: 529 } }));
    expect(verdict).toEqual({ status: 'failure', error: 'API error 529', transient: true });
  });

  it('carries a retry-after hint from stderr on a transient failure', () => {
    const verdict = classify(
      end({
        exitCode: 1,
        result: { type: 'result', is_error: true, api_error_status: 429, result: 'Rate limited' },
        stderrTail: 'HTTP 429\nretry-after: 12\n',
      }),
    );
    expect(verdict.transient).toBe(true);
    expect(verdict.retryAfterMs).toBe(12_000);
  });

  it('carries a retry-after hint from the result text', () => {
    const verdict = classify(
      end({
        exitCode: 1,
        result: { type: 'result', is_error: true, api_error_status: 529, result: 'Overloaded, retry after 3 seconds' },
      }),
    );
    expect(verdict.retryAfterMs).toBe(3_000);
  });

  it.each([400, 401, 403, 404])('treats API error %i as a lasting failure', (status) => {
    const verdict = classify(
      end({ exitCode: 1, result: { type: 'result', is_error: true, api_error_status: status, result: 'Bad request' } }),
    );
    expect(verdict.status).toBe('failure');
    expect(verdict.transient).toBe(false);
  });

  it('treats error_max_turns as a failure that is not transient, naming the subtype', () => {
    const verdict = classify(
      end({
        exitCode: 1,
        result: { type: 'result', subtype: 'error_max_turns', is_error: true, num_turns: 3, api_error_status: null },
      }),
    );
    expect(verdict.status).toBe('failure');
    expect(verdict.transient).toBe(false);
    expect(verdict.error).toContain('error_max_turns');
    expect(verdict.retryAfterMs).toBeUndefined();
  });

  it('is a failure when subtype says success but exit code is 0 and is_error is true', () => {
    const verdict = classify(end({ result: { ...success, is_error: true, result: 'Something broke' } }));
    expect(verdict).toEqual({ status: 'failure', error: 'error: Something broke', transient: false });
  });

  it('adds the result text or the errors list to the subtype', () => {
    expect(
      classify(
        end({
          exitCode: 1,
          result: { type: 'result', subtype: 'error_during_execution', is_error: true, errors: ['boom', 'bang'] },
        }),
      ).error,
    ).toBe('error_during_execution: boom; bang');
    expect(
      classify(
        end({ exitCode: 1, result: { type: 'result', subtype: 'error_max_turns', result: 'Ran out\nof turns' } }),
      ).error,
    ).toBe('error_max_turns: Ran out');
  });

  it('keeps the error to the first line, at most 300 characters', () => {
    const verdict = classify(
      end({ exitCode: 1, result: { type: 'result', is_error: true, result: 'x'.repeat(1000) } }),
    );
    expect(verdict.error).toBe(`error: ${'x'.repeat(300)}`);
  });

  it('goes by the result even when the process was killed after writing it', () => {
    const verdict = classify(end({ exitCode: null, signal: 'SIGTERM', sawAssistant: false }));
    expect(verdict.status).toBe('failure');
    expect(verdict.transient).toBe(false);
  });
});

describe('classify: failures without a result', () => {
  it('reports the exit code', () => {
    const verdict = classify(end({ exitCode: 1, result: undefined }));
    expect(verdict).toEqual({ status: 'failure', error: 'exited 1 without a result', transient: false });
  });

  it('adds the first line of stderr', () => {
    const verdict = classify(
      end({ exitCode: 1, result: undefined, stderrTail: '\n  Error: Invalid API key\n  at foo (bar.js:1)\n' }),
    );
    expect(verdict.error).toBe('exited 1 without a result: Error: Invalid API key');
    expect(verdict.transient).toBe(false);
  });

  it('treats a signal before the first assistant turn as transient', () => {
    const verdict = classify(
      end({ exitCode: null, signal: 'SIGKILL', result: undefined, sawAssistant: false, stderrTail: '' }),
    );
    expect(verdict).toEqual({ status: 'failure', error: 'killed by SIGKILL without a result', transient: true });
  });

  it('does not treat a signal after the first assistant turn as transient', () => {
    const verdict = classify(end({ exitCode: null, signal: 'SIGSEGV', result: undefined, sawAssistant: true }));
    expect(verdict).toEqual({ status: 'failure', error: 'killed by SIGSEGV without a result', transient: false });
  });

  it('carries a retry-after hint on a signal', () => {
    const verdict = classify(
      end({
        exitCode: null,
        signal: 'SIGTERM',
        result: undefined,
        sawAssistant: false,
        stderrTail: 'Retry-After: 7',
      }),
    );
    expect(verdict.retryAfterMs).toBe(7_000);
    expect(verdict.transient).toBe(true);
  });
});

describe('classify: timeout and cancel', () => {
  it('reports a timeout with its limit, even when a result arrived', () => {
    expect(classify(end({ timedOut: true, timeoutMinutes: 2.5, exitCode: null, signal: 'SIGTERM' }))).toEqual({
      status: 'timeout',
      error: 'no result within 2.5 minutes',
      transient: false,
    });
  });

  it('reports a CLI stopped for silence as a timeout that names the idle limit, not the time limit', () => {
    const stopped = end({ idleMinutes: 5, result: undefined, exitCode: null, signal: 'SIGTERM' });
    expect(classify(stopped)).toEqual({ status: 'timeout', error: 'no output for 5 minutes', transient: false });
    // A result that came in before the silence still counts.
    expect(classify(end({ idleMinutes: 5 })).status).toBe('success');
  });

  it('reports a cancel, which wins over a timeout and a transient failure', () => {
    const killed = classify(end({ exitCode: null, signal: 'SIGTERM', result: undefined }));
    expect(finalVerdict(killed, true)).toEqual({
      status: 'cancelled',
      error: 'cancelled with the run',
      transient: false,
    });
    expect(finalVerdict(classify(end({ timedOut: true, result: undefined })), true).status).toBe('cancelled');
  });

  it('keeps a success that came in before the cancel or the timeout', () => {
    expect(finalVerdict(classify(end({})), true).status).toBe('success');
    expect(classify(end({ timedOut: true })).status).toBe('success');
  });

  it('says when an agent was cancelled before it started, and leaves verdicts alone without a cancel', () => {
    expect(finalVerdict(undefined, true)).toEqual({
      status: 'cancelled',
      error: 'cancelled before it started',
      transient: false,
    });
    const failed = classify(end({ exitCode: 1, result: undefined }));
    expect(finalVerdict(failed, false)).toBe(failed);
  });

  it('counts a result the CLI printed before lingering and being stopped', () => {
    const stopped = end({ exitCode: null, signal: 'SIGTERM', stoppedAfterResult: true });
    expect(classify(stopped)).toEqual({ status: 'success', error: null, transient: false });
    expect(classify({ ...stopped, stoppedAfterResult: false }).status).toBe('failure');
  });

  it('retries a connection that failed without a status', () => {
    const dropped = { ...success, is_error: true, api_error_status: null, api_error: 'connection_failed' };
    expect(classify(end({ exitCode: 1, result: dropped })).transient).toBe(true);
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['retry-after: 30', 30_000],
    ['Retry-After: 2', 2_000],
    ['please retry after 2.5 seconds', 2_500],
    ['RETRY AFTER 1', 1_000],
    ['{"retry-after":"12"}', 12_000],
    ['overloaded (retry-after=0)', 0],
  ])('reads %j', (text, ms) => {
    expect(retryAfterMs(text)).toBe(ms);
  });

  it.each(['', 'overloaded', 'retry later', 'after 5 seconds, retry', 'retry-after: soon, maybe in 10'])(
    'finds no hint in %j',
    (text) => {
      expect(retryAfterMs(text)).toBeUndefined();
    },
  );
});

describe('isTransientStatus', () => {
  it.each([429, 500, 502, 503, 529, 599])('%i is transient', (status) => {
    expect(isTransientStatus(status)).toBe(true);
  });

  it.each([200, 400, 401, 403, 404, 413, 499, 600])('%i is not transient', (status) => {
    expect(isTransientStatus(status)).toBe(false);
  });

  it('treats a missing status as not transient', () => {
    expect(isTransientStatus(null)).toBe(false);
    expect(isTransientStatus(undefined)).toBe(false);
  });
});

describe('classify: structured output', () => {
  const schema = JSON.stringify({ type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] });

  it('is a success when the structured output matches the schema', () => {
    const result = { ...success, structured_output: { n: 3 } };
    expect(classify(end({ result, jsonSchema: schema }))).toEqual({ status: 'success', error: null, transient: false });
  });

  it('fails an answer without structured output, saying whether the model tried', () => {
    expect(classify(end({ jsonSchema: schema }))).toEqual({
      status: 'failure',
      error: 'no structured output: the model never called the StructuredOutput tool that the json-schema asks for',
      transient: false,
    });
    const rejection = "Output does not match required schema: root: must have required property 'n'";
    expect(classify(end({ jsonSchema: schema, structuredRejection: rejection })).error).toBe(
      `no structured output: the model's last try did not match the json-schema (${rejection})`,
    );
  });

  it('fails a structured output that does not match, whatever the CLI let through', () => {
    const result = { ...success, structured_output: { n: 'three' } };
    expect(classify(end({ result, jsonSchema: schema }))).toEqual({
      status: 'failure',
      error: 'structured output does not match the json-schema: output/n must be integer',
      transient: false,
    });
  });

  it('judges a failed run as before, schema or not', () => {
    const verdict = classify(end({ exitCode: 1, result: undefined, jsonSchema: schema, stderrTail: 'boom' }));
    expect(verdict.error).toBe('exited 1 without a result: boom');
  });
});

/** The result event of a stream captured from a real CLI (see events.test.ts). */
function capturedResult(version: string, name: string): ResultEvent {
  const reader = new EventReader();
  reader.push(fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', version, name)));
  reader.end();
  return reader.result!;
}

describe.each(['2.1.332', '2.1.100', '2.1.197'])('classify: the errors of CLI %s', (version) => {
  it.each(['429-final.jsonl', '529-final.jsonl', '529-repeated.jsonl'])(
    'retries the rate limit or overload in %s',
    (name) => {
      const verdict = classify(end({ exitCode: 1, result: capturedResult(version, name) }));
      expect(verdict).toMatchObject({ status: 'failure', transient: true });
      expect(verdict.error).toMatch(/^API Error: .*(429|529)/);
    },
  );

  it('names the budget the agent reached, and does not retry it', () => {
    const verdict = classify(end({ exitCode: 1, result: capturedResult(version, 'budget.jsonl'), maxBudgetUsd: 0.05 }));
    expect(verdict.status).toBe('failure');
    expect(verdict.transient).toBe(false);
    expect(verdict.error).toMatch(/^budget of \$0\.05 reached \(\$0\.\d\d spent\)$/);
  });
});

describe('classify: the errors only the older CLI (2.1.100) words differently', () => {
  it('retries a 500 whose status is only in the text', () => {
    const verdict = classify(end({ exitCode: 1, result: capturedResult('2.1.100', '500-final.jsonl') }));
    expect(verdict).toMatchObject({ status: 'failure', transient: true });
  });

  it('retries a connection that failed, said only in the text', () => {
    const verdict = classify(end({ exitCode: 1, result: capturedResult('2.1.100', 'connection-failed.jsonl') }));
    expect(verdict).toEqual({
      status: 'failure',
      error: 'API Error: Unable to connect to API (UND_ERR_SOCKET)',
      transient: true,
    });
  });

  it('does not retry an answer that merely mentions an API error', () => {
    const answer = { ...success, is_error: true, result: 'I looked: the API Error: 429 docs say wait' };
    expect(classify(end({ exitCode: 1, result: answer })).transient).toBe(false);
  });
});

describe('classify: a budget without its amount', () => {
  it('still says the budget was reached', () => {
    const result: ResultEvent = { type: 'result', subtype: 'error_max_budget_usd', is_error: true };
    expect(classify(end({ exitCode: 1, result })).error).toBe('budget reached');
  });
});
