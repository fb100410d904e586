/** Sends `<name>:<event>` on the `extensions` topic; false when not attached or not joined. */
export type ExtensionPush = (event: string, payload: unknown) => boolean;

/**
 * Port: one NervesHub extension (health, geo, ...). The link joins `extensions` when the hub asks,
 * attaches the extensions the hub accepts, and routes `<name>:<event>` messages to `handle`.
 */
export interface Extension {
  /** The name the hub knows it by, e.g. `health`. */
  readonly name: string;
  /** The version offered in the `extensions` join, e.g. `0.0.1`. */
  readonly version: string;
  /** The hub accepted the extension; `push` sends `<name>:<event>` events. */
  attached(push: ExtensionPush): void;
  /** A server event for this extension, with the `<name>:` prefix removed. */
  handle(event: string, payload: unknown): void;
  /** The hub detached the extension or the topic went away. */
  detached(): void;
}
