import type { Credentials, Identity, SigningHint } from "@nerves-hub-ts/ports";

/** An Identity returning fixed credentials and recording the hints it got; also a test double. */
export class StaticIdentity implements Identity {
  readonly hints: (SigningHint | undefined)[] = [];
  /** When set, the next `credentials` call rejects with it (once). */
  failNext?: Error;

  constructor(
    readonly credentialsValue: Credentials = { path: "/socket/websocket", headers: {} },
    readonly kind: Identity["kind"] = "certificate",
    private readonly id = "test-device",
  ) {}

  identifier(): string {
    return this.id;
  }

  async credentials(hint?: SigningHint): Promise<Credentials> {
    this.hints.push(hint);
    const failure = this.failNext;
    if (failure) {
      this.failNext = undefined;
      throw failure;
    }
    return structuredClone(this.credentialsValue);
  }
}
