import * as core from '@actions/core';
import type { ArtifactClient, UploadArtifactOptions } from '@actions/artifact';
import { isNameTaken } from './upload-errors.js';

/** What landed: the name it landed under (another one when the name stayed taken), and its id. */
export interface Sent {
  name: string;
  id?: number;
}

type Client = Pick<ArtifactClient, 'uploadArtifact' | 'deleteArtifact'>;

/**
 * Uploads `files` as the artifact `name` so that no 409 of its own making reaches the user. GitHub keeps names
 * unique per workflow run, across jobs and attempts, and a name is taken from the moment an upload creates it:
 * - a failed try is tried once more; if the first had taken the name before failing (created, not finalized),
 *   the second meets a 409 and the half-made artifact is dealt with as below;
 * - in a re-run (`attempt` > 1), the name may hold the artifact an earlier attempt of this step uploaded: it is
 *   deleted and the new one uploaded, as upload-artifact's `overwrite` does.
 * Deleting finds only finished artifacts; when it finds none, the artifact goes up under the name
 * `<name>-attempt-<attempt>` and the log says so. A 409 in a first attempt that no try of ours caused is another
 * step's artifact: that error is thrown, untouched.
 */
export async function uploadReplacing(
  client: Client,
  send: { name: string; files: string[]; root: string; options?: UploadArtifactOptions },
  attempt: number,
): Promise<Sent> {
  const { name, files, root, options } = send;
  const upload = async (as: string): Promise<Sent> => ({
    name: as,
    id: (await client.uploadArtifact(as, files, root, options)).id,
  });
  let taken: unknown;
  try {
    return await upload(name);
  } catch (first) {
    if (isNameTaken(first)) {
      if (attempt === 1) throw first;
      taken = first;
    }
  }
  let halfMade = false;
  if (taken === undefined) {
    try {
      return await upload(name);
    } catch (second) {
      if (!isNameTaken(second)) throw second;
      taken = second;
      halfMade = true;
    }
  }
  try {
    await client.deleteArtifact(name);
  } catch (err) {
    const other = `${name}-attempt-${attempt}`;
    const why = halfMade ? 'an interrupted try of this upload' : 'an earlier attempt of this run';
    core.warning(
      `Artifact ${name} is held by an unfinished artifact left by ${why}, which cannot be deleted ` +
        `(${err instanceof Error ? err.message : String(err)}); uploading it as ${other} instead.`,
    );
    return upload(other);
  }
  core.info(
    halfMade
      ? `Artifact ${name}: deleted the half-made artifact an interrupted try left, and uploaded it again`
      : `Artifact ${name}: replaced the one an earlier attempt of this run uploaded`,
  );
  return upload(name);
}
