// The fwup command line, in nerves_hub_link's exact order (device-client.md §4.6). Keys go as
// `--public-key <base64>` (what fwup takes inline); `-p` would need each key written to a file.

export interface FwupArgsOptions {
  /** Block device (or image file) to write, e.g. /dev/mmcblk0. */
  devpath: string;
  /** fwup.conf task; default `upgrade`. */
  task?: string;
  /** Read the archive from this file instead of framed stdin. */
  inputPath?: string;
  /** Passed through before the keys, e.g. `--unsafe`. */
  extraOptions?: readonly string[];
  /** Base64 Ed25519 public keys; fwup then refuses archives they did not sign. */
  publicKeys?: readonly string[];
}

export function fwupArgs(options: FwupArgsOptions): string[] {
  if (!options.devpath) throw new TypeError("fwup needs a devpath");
  return [
    "--framing",
    "--exit-handshake",
    "--apply",
    "--no-unmount",
    "-d",
    options.devpath,
    "--task",
    options.task ?? "upgrade",
    ...(options.inputPath ? ["-i", options.inputPath] : []),
    ...(options.extraOptions ?? []),
    ...(options.publicKeys ?? []).flatMap((k) => ["--public-key", k]),
  ];
}
