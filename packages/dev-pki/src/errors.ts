/** Thrown when dev-pki is given input it cannot turn into a certificate (bad key, bad dates, bad names). */
export class DevPkiError extends Error {
  override readonly name = "DevPkiError";
}
