/**
 * In-context linear regression with linear self-attention: the topic library shared by the ICL
 * studies (one-step-gd, trained-transformers-icl; von Oswald, Akyürek next). Notes:
 * docs/notes/icl-linear-regression.md. Imports only lib/core.
 */

// tasks: sampling prompts (covariates, weight priors, teachers)
export * from "../../core/linalg";
export * from "../../core/normal";
export * from "./teachers";
export * from "./tasks";

// the model: tokens, the LSA layer, its reduction to (a, B), von Oswald's construction
export * from "./lsa";
export * from "./task-stats";
export * from "./reduce";
export * from "./construct";

// theory: closed forms (float), exact fractions and the symbolic η* check (mathjs)
export * from "./closed-forms";
export * from "./exact";
// Zhang, Frei, Bartlett: Γ, the global minimum, Thm 4.2/4.5, the reduced gradient flow of Lemma 5.2
export * from "./zhang";
export * from "./zhang-flow";

// predictors and Monte Carlo estimators (η*, preconditioner fit, paired risks)
export * from "./predictors";
export * from "./monte-carlo";
export * from "./metrics";
// distribution shifts: redrawn queries, slope/MSE evaluation on shared tasks
export * from "./shift";

// training: reduced loss, the training loop (core Adam), train-then-evaluate
export * from "./reduced-loss";
export * from "./train";
export * from "./evaluate";

// von Oswald et al. (icl-by-gd): float64 attention stacks (separate W_K/W_Q/W_V/P, heads, K layers,
// recurrence, dampening, softmax), GD/GD++ constructions and line searches, the alignment metrics,
// the code's data and OOD inputs, and the code's training protocol
export * from "./lsa-stack";
export * from "./gd-plus";
export * from "./alignment";
export * from "./vo-data";
export * from "./train-stack";
