// Where a JSON text first breaks the grammar, as a line and column. JSON.parse's own message quotes
// the text around the mistake, and in a config file that text may be an unquoted secret.

export interface TextPosition {
  line: number;
  column: number;
}

/** The 1-based line and column of the first syntax error; undefined when the text is valid JSON. */
export function jsonSyntaxErrorAt(text: string): TextPosition | undefined {
  let offset: number | undefined;
  try {
    offset = firstErrorOffset(text);
  } catch (e) {
    if (e instanceof RangeError) return undefined; // nested too deeply to scan
    throw e;
  }
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

class SyntaxStop {
  constructor(readonly offset: number) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

function firstErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxStop(i);
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const expect = (c: string) => {
    space();
    if (text[i] !== c) fail();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < " ") fail();
      i++;
      if (c === '"') return;
      if (c !== "\\") continue;
      const e = text[i];
      if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else if (e === "u" && HEX4.test(text.slice(i + 1, i + 5))) i += 5;
      else fail();
    }
  };
  /** Items separated by commas up to `close`; `item` reads one. */
  const sequence = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      const c = text[i];
      if (c !== "," && c !== close) fail();
      i++;
      if (c === close) return;
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      sequence("}", () => {
        string();
        expect(":");
        value();
      });
    } else if (c === "[") {
      sequence("]", value);
    } else if (c === '"') {
      string();
    } else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      NUMBER.lastIndex = i;
      if (word) i += word.length;
      else if (NUMBER.test(text)) i = NUMBER.lastIndex;
      else fail();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (e) {
    if (e instanceof SyntaxStop) return e.offset;
    throw e;
  }
}
