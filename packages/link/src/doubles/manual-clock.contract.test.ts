import { clockContract, randomContract } from "@nerves-hub-ts/port-contracts";
import { ManualClock, SequenceRandom } from "./manual-clock.js";

clockContract("ManualClock", async () => {
  const clock = new ManualClock();
  return { clock, advance: async (ms) => clock.advance(ms) };
});

randomContract("SequenceRandom", async () => ({ random: new SequenceRandom([0, 0.5, 0.999_999]) }));
