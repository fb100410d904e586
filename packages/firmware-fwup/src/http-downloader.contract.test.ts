import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import { downloaderContract } from "@nerves-hub-ts/port-contracts";
import { HttpDownloader } from "./http-downloader.js";
import { startRangeServer } from "./test-support/range-server.js";

const content = firmwareBytes(300_000, 3);

downloaderContract("HttpDownloader", async () => {
  const server = await startRangeServer(content);
  return {
    downloader: new HttpDownloader({ proxy: null, retryDelayMs: 10, maxRetryDelayMs: 50 }),
    url: `${server.url()}?token=signed-credential`,
    content,
    missingUrl: server.url("/missing"),
    cutNextAnswer: (bytes) => {
      server.behaviour.endFirstBodyAfter = bytes;
    },
    teardown: () => server.close(),
  };
});
