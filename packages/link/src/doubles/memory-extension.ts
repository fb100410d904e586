import type { Extension, ExtensionPush } from "@nerves-hub-ts/ports";

/** An Extension that records what the link routes to it and can push; also a test double. */
export class MemoryExtension implements Extension {
  readonly handled: { event: string; payload: unknown }[] = [];
  attachments = 0;
  detachments = 0;
  private pushFn?: ExtensionPush;

  constructor(
    readonly name: string,
    readonly version = "0.0.1",
  ) {}

  attached(push: ExtensionPush): void {
    this.attachments++;
    this.pushFn = push;
  }
  handle(event: string, payload: unknown): void {
    this.handled.push({ event, payload });
  }
  detached(): void {
    this.detachments++;
    this.pushFn = undefined;
  }
  /** Pushes `<name>:<event>`; false when not attached (or the topic is not joined). */
  push(event: string, payload: unknown): boolean {
    return this.pushFn?.(event, payload) ?? false;
  }
}
