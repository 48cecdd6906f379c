/**
 * Moment Probing (Gao et al., ICCV 2023): the study library. Notes:
 * docs/notes/moment-probing.md. Notebooks import from here:
 * `import { ... } from "../dist/lib/probing/index"`.
 */
export * from "./init";
export * from "./moments";
export * from "./conv";
export * from "./fastops";
export * from "./layer";
export * from "./mhc3";
export * from "./heads";
export * from "./psrp";
export * from "./vit";
export * from "./optim";
export * from "./train";
export * from "./linalg";
export * from "./stats";
export * from "./synthetic";
export * from "./features";
export * from "./linear";
export * from "./digits";
export * from "./runs";
export * from "./flops";
export * from "./checks";
export * from "./paper";
export * from "./figures";
export * from "./exp-synthetic";
export * from "./exp-digits";
export * from "./exp-vit";
export * from "./tables";
export * from "./params";
