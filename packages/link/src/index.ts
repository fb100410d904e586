import { hello } from "@nerves-hub-ts/protocol";
export const greet = (): string => hello();
