import { readFile } from "node:fs/promises";
import { IdentityError } from "@nerves-hub-ts/ports";

/** PEM text given inline, or the path of a file holding it. */
export type PemSource = { pem: string } | { path: string };

export interface LoadedPem {
  text: string;
  /** Where the text came from, for error messages: the file path or the config field. */
  origin: string;
}

export async function readPemSource(source: PemSource, field: string): Promise<LoadedPem> {
  if ("pem" in source) return { text: source.pem, origin: `config.${field} (inline PEM)` };
  try {
    return { text: await readFile(source.path, "utf8"), origin: source.path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "read error";
    throw new IdentityError("missing_file", `cannot read ${field} file ${source.path} (${code})`);
  }
}
