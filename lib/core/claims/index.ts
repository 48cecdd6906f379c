/**
 * Claims as tested library code (see claim.ts for the verdict rule, checks.ts for the typed checks,
 * provenance.ts for where expected values come from, registry.ts for the notebook side).
 */
export { paper, derived, prototype, design, describeProvenance, BASES } from "./provenance";
export type { Provenance, Basis } from "./provenance";
export { close, atMost, atLeast, inInterval, ordered, monotone, proportion, pairedDifference, monteCarlo, equals, describeCheck } from "./checks";
export type { Check, Named } from "./checks";
export { claim, sanityCheck, countVerdicts, verdictMark, CLAIM_VERDICTS, CHECK_VERDICTS } from "./claim";
export type { ClaimRecord, PartRecord, Part, Role, Verdict, ClaimVerdict, CheckVerdict, Counts } from "./claim";
export { Claims, readStudyClaims, summarizeCounts, summarizeByBasis } from "./registry";
export type { StudyClaims } from "./registry";
export { fmt, pct } from "../format";
