// Where the next attempt goes: the configured hub, or where a 3xx upgrade response sent us
// (device-client.md §1.5). nerves_hub_link stops for good after too many redirects; we go back
// to the configured hub instead, as we do when a redirect target fails or gives no location.

import type { ConnectError, Logger } from "@nerves-hub-ts/ports";
import type { LinkError } from "./link-state.js";
import { loggableUrl, redirectUrl } from "./socket-url.js";

/** The URL attempts go to, following redirects. */
export class ConnectTarget {
  private current: URL;
  private redirectedNow = false;
  /** Consecutive redirects since the last connection. */
  private redirects = 0;

  constructor(
    private readonly configured: URL,
    private readonly maxRedirects: number,
    private readonly log: Logger,
  ) {
    this.current = configured;
  }

  get url(): URL {
    return this.current;
  }

  /** True while attempts go to a redirect target rather than the configured hub. */
  get redirected(): boolean {
    return this.redirectedNow;
  }

  /** A connection opened: the redirect chain, if any, ended well. */
  connected(): void {
    this.redirects = 0;
  }

  /** An attempt failed: follow a 3xx, or leave a redirect target that failed. May amend `error`. */
  failed(e: ConnectError, error: LinkError): void {
    const status = e.details.status;
    if (e.kind === "http" && status !== undefined && status >= 300 && status < 400) {
      this.follow(e, error);
    } else if (this.redirectedNow) {
      this.log.info("redirect target failed; going back to the configured hub");
      this.reset();
    }
  }

  private follow(e: ConnectError, error: LinkError): void {
    const target = e.details.location ? redirectUrl(this.current.toString(), e.details.location) : undefined;
    if (!target) {
      error.message = `${error.message} without a usable location header`;
      this.reset();
      return;
    }
    this.redirects++;
    if (this.redirects > this.maxRedirects) {
      this.log.error("too many redirects; going back to the configured hub", { redirects: this.redirects });
      this.reset();
      return;
    }
    this.log.info("hub redirected the connection", { to: loggableUrl(target), status: e.details.status });
    this.current = target;
    this.redirectedNow = true;
  }

  private reset(): void {
    this.current = this.configured;
    this.redirectedNow = false;
    this.redirects = 0;
  }
}
