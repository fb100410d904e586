import { describe, expect, it } from "vitest";
import { jsonSyntaxErrorAt } from "./json-syntax.js";

describe("jsonSyntaxErrorAt", () => {
  it("finds nothing wrong where JSON.parse finds nothing wrong", () => {
    for (const text of [
      "{}",
      " [ ] ",
      '{"a": [1, -2.5e+3, 0, true, false, null, "x\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"], "b": {"c": {}}}',
      '"just a string"',
      "\n\t42\r\n",
    ]) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(jsonSyntaxErrorAt(text)).toBeUndefined();
    }
  });

  it("points at the first character that breaks the grammar", () => {
    const cases: Array<[string, number, number]> = [
      ["", 1, 1],
      ["{ nope", 1, 3],
      ['{"a": 1,}', 1, 9],
      ['{"a": 1 "b": 2}', 1, 9],
      ['{"a" 1}', 1, 6],
      ['{\n  "a": tru\n}', 2, 8],
      ['["x\\q"]', 1, 5],
      ['["\\u12g4"]', 1, 4],
      ["[01]", 1, 3],
      ["[-]", 1, 2],
      ["[1.]", 1, 3],
      ['{"a": "open', 1, 12],
      ["{} {}", 1, 4],
      ["\uFEFF{}", 1, 1],
    ];
    for (const [text, line, column] of cases) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(jsonSyntaxErrorAt(text), text).toEqual({ line, column });
    }
  });
});
