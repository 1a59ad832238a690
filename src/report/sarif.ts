import fs from 'node:fs';
import path from 'node:path';
import { ACTION_NAME, ACTION_SLUG } from '../config/action-interface.js';
import type { Severity } from '../types.js';
import type { MergedFinding } from './findings.js';
import { fingerprint } from './review-body.js';

const LEVELS: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * The findings as a SARIF 2.1.0 log, one result per finding (duplicates already merged), so that
 * `github/codeql-action/upload-sarif` shows them in code scanning. Each reviewer is a rule; a result's level
 * follows its severity, which it also keeps as a property with every reviewer that made it.
 */
export function renderSarif(findings: readonly MergedFinding[]): object {
  const reviewers = [...new Set(findings.flatMap((f) => f.notes.map((n) => n.reviewer)))];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: ACTION_SLUG,
            fullName: ACTION_NAME,
            rules: reviewers.map((id) => ({ id, shortDescription: { text: `Findings of the reviewer ${id}` } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.notes[0]!.reviewer,
          ruleIndex: reviewers.indexOf(f.notes[0]!.reviewer),
          level: LEVELS[f.severity],
          message: { text: [f.title, ...f.notes.map((n) => `${n.reviewer}: ${n.body}`.trim())].join('\n\n') },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.path },
                region: { startLine: f.startLine ?? f.line, endLine: f.line },
              },
            },
          ],
          partialFingerprints: { [`${ACTION_SLUG}/v1`]: fingerprint(f, undefined) },
          properties: { severity: f.severity, reviewers: f.notes.map((n) => n.reviewer) },
        })),
      },
    ],
  };
}

/** findings.sarif in the run folder; its path. */
export function writeSarif(runDir: string, findings: readonly MergedFinding[]): string {
  const file = path.join(runDir, 'findings.sarif');
  fs.writeFileSync(file, `${JSON.stringify(renderSarif(findings), null, 2)}\n`);
  return file;
}
