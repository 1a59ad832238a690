import type { GitHubClient } from './client.js';
import type { Repo } from './event.js';
import { statusOf } from './failures.js';

export interface CommentPlace {
  repo: Repo;
  /** The issue or pull request. */
  issue: number;
  marker: string;
  /** `auto`: edit the comment an earlier run left; `new`: start a fresh one. */
  mode: 'auto' | 'new';
}

/**
 * The run's one comment. The first write finds the comment that an earlier run of this use of the action
 * left (`auto`: its body starts with the marker and this token wrote it) or creates one; every later write
 * edits that comment. Requests that fail throw; the caller decides what a failure means.
 */
export class CommentWriter {
  private id: number | undefined;
  private searched = false;
  /** What the comment holds now: an edit that would change nothing is not sent. */
  private written: string | undefined;
  url: string | undefined;

  constructor(
    private readonly client: GitHubClient,
    private readonly place: CommentPlace,
    private readonly login: Promise<string | undefined>,
  ) {}

  /** Writes the body `render` gives, rendered only once the comment is found, so it is as fresh as can be. */
  async write(render: () => string): Promise<void> {
    const { owner, repo } = this.place.repo;
    if (!this.searched && this.place.mode === 'auto') await this.find();
    this.searched = true;
    const body = render();
    if (this.id !== undefined && body === this.written) return;
    if (this.id !== undefined) {
      try {
        const { data } = await this.client.rest.issues.updateComment({ owner, repo, comment_id: this.id, body });
        this.url = data.html_url;
        this.written = body;
        return;
      } catch (error) {
        // Deleted since it was found or made: a new one takes its place.
        if (statusOf(error) !== 404) throw error;
      }
    }
    const { data } = await this.client.rest.issues.createComment({ owner, repo, issue_number: this.place.issue, body });
    this.id = data.id;
    this.url = data.html_url;
    this.written = body;
  }

  /** The newest comment with the marker that this token wrote (any author, when the login is unknown). */
  private async find(): Promise<void> {
    const login = await this.login;
    const { owner, repo } = this.place.repo;
    const pages = this.client.paginate.iterator(this.client.rest.issues.listComments, {
      owner,
      repo,
      issue_number: this.place.issue,
      per_page: 100,
    });
    for await (const { data } of pages) {
      for (const c of data) {
        if (c.body?.startsWith(this.place.marker) && (!login || c.user?.login === login)) {
          this.id = c.id;
          this.url = c.html_url;
        }
      }
    }
  }
}
