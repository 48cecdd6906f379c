/**
 * Tversky projection layers (Doumbouya, Jurafsky, Manning, arXiv 2506.11035; notes
 * docs/notes/tversky.md). Import from here in notebooks:
 * `import { ... } from "../dist/lib/tversky/index"`.
 */
export * from "./types";
export * from "./similarity";
export * from "./init";
export * from "./params";
export * from "./layer";
export * from "./adam";
export * from "./xor";
export * from "./grid";
export * from "./xor-experiments";
export * from "./classifier";
export * from "./digits";
export * from "./digits-experiments";
export * from "./fashion";
export * from "./fashion-experiments";
export * from "./gradcheck";
export * from "./layer-checks";
export * from "./stats";
export * from "./figures";
export * from "./tables";
export * from "./dense";
