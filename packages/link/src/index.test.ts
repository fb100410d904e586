import { expect, it } from "vitest";
import { greet } from "./index.js";
it("resolves sibling source", () => expect(greet()).toBe("hi"));
