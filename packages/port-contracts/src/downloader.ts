// The Downloader contract: what `Downloader` and `DownloadRequest` in @nerves-hub-ts/ports promise,
// as tests, against a server the fixture runs.
import type { ConnectionInfo, Downloader, DownloadRequest } from "@nerves-hub-ts/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collect, sameBytes } from "./bytes.js";

export interface DownloaderFixture {
  downloader: Downloader;
  /** A URL that serves `content` and honours Range requests; it may carry a query string. */
  url: string;
  content: Uint8Array;
  /** A URL the server refuses for good (404). */
  missingUrl: string;
  /** Makes the server end its next answer after `bytes` body bytes, when it can (a cut to resume from). */
  cutNextAnswer?(bytes: number): void;
  teardown?(): Promise<void>;
}

/** An UpdateError from @nerves-hub-ts/update, told by its shape (this package depends on ports only). */
const anUpdateError = { name: "UpdateError", failure: { kind: expect.any(String) } };

/** Registers the Downloader contract for the downloader `setup` builds (once per test). */
export function downloaderContract(name: string, setup: () => Promise<DownloaderFixture>): void {
  describe(`${name} (Downloader contract)`, () => {
    let fixture: DownloaderFixture;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });

    const download = async (request: Partial<DownloadRequest> = {}) => {
      const connections: ConnectionInfo[] = [];
      const bytes = await collect(
        fixture.downloader.download({
          url: fixture.url,
          ...request,
          onConnection: (info) => connections.push(info),
        }),
      );
      return { bytes, connections };
    };
    const failure = (request: Partial<DownloadRequest>) =>
      collect(fixture.downloader.download({ url: fixture.url, ...request })).then(
        () => undefined,
        (e: unknown) => e,
      );
    const withoutQuery = (url: string) => url.split("?")[0];

    it("yields exactly the whole file, reporting its connection without the query string", async () => {
      const { bytes, connections } = await download({ totalSize: fixture.content.length });
      expect(bytes.length).toBe(fixture.content.length);
      expect(sameBytes(bytes, fixture.content)).toBe(true);
      expect(connections).toHaveLength(1);
      expect(connections[0]).toMatchObject({ url: withoutQuery(fixture.url), offset: 0, attempt: 0 });
      expect(connections[0]?.url).not.toContain("?");
    });

    it("yields exactly the bytes from an offset to the end", async () => {
      const offset = Math.floor(fixture.content.length / 3);
      const { bytes, connections } = await download({ offset });
      expect(sameBytes(bytes, fixture.content.subarray(offset))).toBe(true);
      expect(connections[0]).toMatchObject({ offset, attempt: 0 });
    });

    it("yields exactly the bytes of an inclusive range", async () => {
      const offset = 100;
      const end = Math.floor(fixture.content.length / 2);
      const { bytes } = await download({ offset, end, totalSize: fixture.content.length });
      expect(sameBytes(bytes, fixture.content.subarray(offset, end + 1))).toBe(true);
    });

    it("stopping early ends the download without an error", async () => {
      let seen = 0;
      for await (const chunk of fixture.downloader.download({ url: fixture.url })) {
        seen += chunk.length;
        break;
      }
      expect(seen).toBeGreaterThan(0);
      // The downloader is still usable afterwards.
      expect(sameBytes((await download()).bytes, fixture.content)).toBe(true);
    });

    it("an aborted signal stops the download with an error", async () => {
      const already = new AbortController();
      already.abort(new Error("contract: stopped"));
      expect(await failure({ signal: already.signal })).toBeInstanceOf(Error);

      const midway = new AbortController();
      const stopped = (async () => {
        for await (const _ of fixture.downloader.download({ url: fixture.url, signal: midway.signal })) {
          midway.abort(new Error("contract: stopped"));
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(await stopped).toBeInstanceOf(Error);
    });

    it("a URL the server refuses for good fails with an UpdateError", async () => {
      expect(await failure({ url: fixture.missingUrl })).toMatchObject(anUpdateError);
    });

    it("a file whose size contradicts totalSize fails with an UpdateError", async () => {
      expect(await failure({ totalSize: fixture.content.length + 1 })).toMatchObject(anUpdateError);
    });

    it("resumes after a cut, yielding each byte once and reporting the new connection", async (ctx) => {
      if (!fixture.cutNextAnswer) return ctx.skip();
      const cutAt = Math.floor(fixture.content.length / 4);
      fixture.cutNextAnswer(cutAt);
      const { bytes, connections } = await download({ totalSize: fixture.content.length });
      expect(sameBytes(bytes, fixture.content)).toBe(true);
      expect(connections.length).toBeGreaterThanOrEqual(2);
      expect(connections[0]).toMatchObject({ offset: 0, attempt: 0 });
      expect(connections[1]).toMatchObject({ offset: cutAt, attempt: 1 });
    });
  });
}
