#!/usr/bin/env node
// A stand-in for `fwup --apply --framing --exit-handshake` when the real fwup is not installed.
// It reads framed stdin and answers in fwup's framed format, with the behaviour observed from
// fwup 1.16.0 (observed-tokens-and-fwup.md): PR records, then OK or ER, then the unframed
// handshake 0x1A <status>, then it waits for stdin to close before exiting with that status.
//
// Environment:
//   FAKE_FWUP_SIZE      archive size: OK as soon as this many bytes arrived (fwup knows the end)
//   FAKE_FWUP_SHA256    expected hex SHA-256 of the input; a mismatch answers ER (like a bad CRC)
//   FAKE_FWUP_KEY       the key the "archive" is signed with; given keys that miss it answer ER
//   FAKE_FWUP_UNSIGNED  "1": the archive is unsigned; any --public-key answers ER
//   FAKE_FWUP_MODE      ok | warn | error | exit-early | hang | hang-ignore-term
//   FAKE_FWUP_OUTPUT    write the received bytes to this file
//   FAKE_FWUP_ARGS_FILE write {argv, env} as JSON to this file
//   FAKE_FWUP_FRAMES_FILE write the input frames' lengths as a JSON array to this file
// With `-i <file>` the archive is read from the file and stdin only carries the end of the session.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, writeFileSync } from "node:fs";

const env = process.env;
const argv = process.argv.slice(2);
const mode = env.FAKE_FWUP_MODE ?? "ok";
if (env.FAKE_FWUP_ARGS_FILE) {
  const picked = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("FWUP_TEST_")));
  writeFileSync(env.FAKE_FWUP_ARGS_FILE, JSON.stringify({ argv, env: picked }));
}

function record(type, code, text = "") {
  const msg = Buffer.from(text, "utf8");
  const out = Buffer.alloc(8 + msg.length);
  out.writeUInt32BE(4 + msg.length, 0);
  out.write(type, 4, 2, "latin1");
  out.writeUInt16BE(code, 6);
  msg.copy(out, 8);
  process.stdout.write(out);
}

let finished = false;
let stdinEnded = false;
const frames = [];
function finish(ok, text = "") {
  if (finished) return;
  finished = true;
  if (env.FAKE_FWUP_FRAMES_FILE) writeFileSync(env.FAKE_FWUP_FRAMES_FILE, JSON.stringify(frames));
  if (ok) record("OK", 0, "");
  else {
    record("ER", 0, text);
    process.stderr.write("\n");
  }
  const status = ok ? 0 : 1;
  process.stdout.write(Buffer.from([0x1a, status]), () => {
    // Like fwup: block until stdin reaches EOF, then exit with the status.
    if (stdinEnded) process.exit(status);
    process.stdin.on("end", () => process.exit(status));
    process.stdin.resume();
  });
}

if (mode === "hang" || mode === "hang-ignore-term") {
  if (mode === "hang-ignore-term") process.on("SIGTERM", () => {});
  record("PR", 0); // after the handler, so a test can wait for it
  process.stdin.pause();
  setInterval(() => {}, 1 << 30);
} else {
  const need = (flag) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const keys = argv.flatMap((a, i) => (a === "--public-key" ? [argv[i + 1]] : []));
  const required = ["--framing", "--exit-handshake", "--apply", "--no-unmount"];
  const size = env.FAKE_FWUP_SIZE ? Number(env.FAKE_FWUP_SIZE) : undefined;
  const hash = env.FAKE_FWUP_SHA256 ? createHash("sha256") : undefined;
  const sink = env.FAKE_FWUP_OUTPUT ? createWriteStream(env.FAKE_FWUP_OUTPUT) : undefined;
  let received = 0;
  let lastPercent = 0;
  let frameLeft = 0;
  let header = Buffer.alloc(0);

  record("PR", 0);
  if (required.some((f) => !argv.includes(f)) || !need("-d") || !need("--task"))
    finish(false, "Invalid arguments");
  else if (need("--task") === "nosuchtask")
    finish(
      false,
      "Couldn't find applicable task 'nosuchtask'. If task is available, the task's requirements may not be met.",
    );
  else if (keys.length > 0 && env.FAKE_FWUP_UNSIGNED === "1")
    finish(false, "Expecting signed firmware archive.");
  else if (keys.length > 0 && env.FAKE_FWUP_KEY && !keys.includes(env.FAKE_FWUP_KEY))
    finish(false, "Firmware archive's meta.conf fails digital signature verification.");
  else if (mode === "warn") record("WN", 0, "hello from fwup.conf");

  const verdict = () => {
    const digest = hash?.digest("hex");
    if (digest && digest !== env.FAKE_FWUP_SHA256.toLowerCase())
      finish(false, `ZIP bad CRC: 0x${digest.slice(0, 8)} should be 0x${env.FAKE_FWUP_SHA256.slice(0, 8)}`);
    else {
      if (lastPercent < 100) record("PR", 100);
      finish(true);
    }
  };
  let completing = false;
  const complete = () => {
    if (completing) return;
    completing = true;
    // The output file must be on disk before OK, as fwup's writes are before its OK.
    if (sink) sink.end(verdict);
    else verdict();
  };
  const take = (bytes) => {
    if (finished || completing) return;
    received += bytes.length;
    hash?.update(bytes);
    sink?.write(bytes);
    if (mode === "exit-early") process.exit(3);
    if (mode === "error") return finish(false, "refusing on purpose");
    if (size) {
      const percent = Math.min(100, Math.floor((received / size) * 100));
      if (percent > lastPercent) record("PR", percent);
      lastPercent = Math.max(lastPercent, percent);
      if (received >= size) complete();
    }
  };
  const endOfInput = () => {
    if (finished || completing) return;
    if (received === 0) finish(false, "Error reading stdin");
    else if (size && received < size) finish(false, "Truncated ZIP file body");
    else complete();
  };

  const inputFile = need("-i");
  if (inputFile !== undefined) {
    createReadStream(inputFile)
      .on("data", (chunk) => take(chunk))
      .on("end", endOfInput)
      .on("error", (e) => finish(false, e.message));
    process.stdin.on("end", () => {
      stdinEnded = true;
    });
  } else {
    process.stdin.on("data", (chunk) => {
      let at = 0;
      while (at < chunk.length && !finished && !completing) {
        if (frameLeft === 0) {
          const want = 4 - header.length;
          header = Buffer.concat([header, chunk.subarray(at, at + want)]);
          at += Math.min(want, chunk.length - at);
          if (header.length < 4) return;
          frameLeft = header.readUInt32BE(0);
          frames.push(frameLeft);
          header = Buffer.alloc(0);
          if (frameLeft === 0) return endOfInput();
          continue;
        }
        const n = Math.min(frameLeft, chunk.length - at);
        take(chunk.subarray(at, at + n));
        frameLeft -= n;
        at += n;
      }
    });
    process.stdin.on("end", () => {
      stdinEnded = true;
      endOfInput();
    });
  }
}
