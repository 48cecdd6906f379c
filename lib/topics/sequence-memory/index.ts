/**
 * sequence-memory: matrix memories written with keys and values and read with queries. Causal
 * linear attention (with decay), DeltaNet, DeltaProduct and the modern Hopfield update, as
 * Float32Array/Float64Array kernels in several algorithms with the same output; the MQAR and S₃
 * tasks; the FLOP model and CPU timing; tfjs models for training (model.ts); the chunked forms on
 * tfjs matmuls (matmul-forms.ts).
 */
export * from "./arrays";
export * from "./linear-attention";
export * from "./delta";
export * from "./matmul-forms";
export * from "./hopfield";
export * from "./hopfield-retrieval";
export * from "./tasks";
export * from "./model";
export * from "./train";
export * from "./cost";
