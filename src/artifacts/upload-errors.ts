/** The warning for an upload that failed, saying what to change where the cause is known. */
export function describeUploadFailure(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isNameTaken(error)) {
    return (
      `Artifact ${name} was not uploaded: an artifact of that name already exists in this workflow run (409 Conflict). ` +
      `Set a different \`artifact-prefix\` input (for example one that includes the job name) for each use of the action ` +
      `(a re-run replaces the artifacts of earlier attempts of its own step, but not another step's).`
    );
  }
  return `Artifact ${name} was not uploaded: ${message}`;
}

/** The client reports a 409 only in the message: "Failed to CreateArtifact: ... (409) Conflict: ...". */
export function isNameTaken(error: unknown): boolean {
  return /\(409\)/.test(error instanceof Error ? error.message : String(error));
}
