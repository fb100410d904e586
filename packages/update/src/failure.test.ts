import { describe, expect, it } from "vitest";
import { Failure, failureReason, inspectTerm, UpdateError } from "./failure.js";

describe("failureReason", () => {
  it("formats download failures like nerves_hub_link", () => {
    expect(failureReason(Failure.download("max_disconnects_reached"))).toBe(
      "Download failed : :max_disconnects_reached",
    );
    expect(failureReason(Failure.download(["http_error", 404]))).toBe("Download failed : {:http_error, 404}");
  });

  it("quotes fwup messages as Elixir strings", () => {
    expect(failureReason(Failure.fwup("Invalid signature"))).toBe('FWUP error : "Invalid signature"');
    expect(failureReason(Failure.fwup('say "hi"'))).toBe('FWUP error : "say \\"hi\\""');
  });

  it("formats update and unexpected failures", () => {
    expect(failureReason(Failure.update(["part_verification_failed", 3]))).toBe(
      "Update failed : {:part_verification_failed, 3}",
    );
    expect(failureReason(Failure.unexpected("fwup exited with status 3"))).toBe(
      "Unexpected error : fwup exited with status 3",
    );
  });

  it("prints later tuple strings as strings, not atoms", () => {
    expect(inspectTerm(["bad_content_range", "bytes 5-9/10"])).toBe('{:bad_content_range, "bytes 5-9/10"}');
  });

  it("UpdateError carries the failure and its reason as message", () => {
    const e = new UpdateError(Failure.update("checksum_mismatch"));
    expect(e.failure).toEqual({ kind: "update", term: "checksum_mismatch" });
    expect(e.message).toBe("Update failed : :checksum_mismatch");
    expect(e).toBeInstanceOf(Error);
  });
});
