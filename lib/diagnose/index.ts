// Diagnoses: known failure signatures mapped to a cause and a fix in Portuguese, shown under a failed check.
export { diagnose, type DiagnoseOptions } from "./diagnose.js";
export { contextFromParams } from "./context.js";
export { tokenClaimFindings } from "./signatures/token.js";
export { SIGNATURES } from "./signatures/index.js";
export type { DiagnoseContext, DiagnoseInput, DiagnosedCommand, Finding, Signature, SignatureInput } from "./types.js";
