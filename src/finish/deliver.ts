import path from 'node:path';
import * as core from '@actions/core';
import { reportArtifactName } from '../artifacts/names.js';
import { uploadFiles } from '../artifacts/upload.js';
import type { Publisher } from '../publish/publisher.js';
import { writeOutput } from '../report/outputs.js';
import type { ReportInput } from '../types.js';
import { runPage } from '../util/runner.js';

export interface DeliverOptions {
  /** `artifact-prefix`: the report's artifact is `<prefix>-report`. */
  prefix: string;
  /** False with `upload: none`. */
  uploadReport: boolean;
  retentionDays?: number;
  artifactsDir: string;
  secrets: readonly string[];
  /** The run was cancelled: no time is left for the report's artifact. */
  cancelled: boolean;
}

/**
 * What a finished run hands on, for the main action and the aggregate one alike: report.md as the artifact
 * `<prefix>-report` (skipped once cancelled: there is no time for it), then the final comment and the issue, and
 * their outputs. Failures here are warnings; they never fail the step.
 */
export async function deliver(
  report: ReportInput,
  reportFile: string,
  publisher: Publisher | undefined,
  o: DeliverOptions,
): Promise<void> {
  const uploaded =
    !o.uploadReport || o.cancelled
      ? undefined
      : await uploadFiles(reportArtifactName(o.prefix), path.dirname(reportFile), [reportFile], o);
  if (uploaded?.warning) core.warning(uploaded.warning);
  const links = {
    run: runPage(),
    report: uploaded && !uploaded.warning ? { name: uploaded.artifactName, url: uploaded.artifactUrl } : undefined,
  };
  const published = await publisher?.finish(report, links);
  if (published?.commentUrl) writeOutput('comment-url', published.commentUrl);
  if (published?.issueUrl) writeOutput('issue-url', published.issueUrl);
  if (published?.reviewUrl) writeOutput('review-url', published.reviewUrl);
}
