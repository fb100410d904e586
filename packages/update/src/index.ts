export { type Decision, defaultDecision, type Offer } from "./decision.js";
export { Failure, type FailureTerm, UpdateError, type UpdateFailure } from "./failure.js";
export {
  currentlyDownloadingUuid,
  initialState,
  needsPublicKeys,
  type Step,
  status,
  step,
  type UpdateCommand,
  type UpdateInput,
  type UpdateNotice,
  type UpdateOutcome,
  type UpdateState,
} from "./machine.js";
export { classifyPartFile, type FileVerdict, PartLedger, type Span } from "./part-ledger.js";
export {
  normalizeSha256,
  PART_SIZE,
  type Part,
  type PartPlan,
  type PlanInput,
  planParts,
} from "./part-plan.js";
export { PartSplitter, type Piece } from "./part-splitter.js";
export { isUsablePublicKey } from "./public-keys.js";
export { pureSha256, type Sha256, type Sha256Factory } from "./sha256.js";
