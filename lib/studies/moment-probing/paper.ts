/**
 * Numbers reported for Moment Probing (ViT-B/16, IN-21K pretraining), transcribed in the notes
 * §3 from the official README, training logs, results CSV and figures. Shown beside ours as
 * context only: different backbone, data, scale and recipe, so nothing is compared one to one.
 */

/** Top-1 on ImageNet-1K (README), #params (README, M). Notes §3.1. */
export const IMAGENET = {
  LP: { top1: 82.04, params: "0.77M" },
  MP: { top1: 83.15, params: "3.65M" },
  "MP+": { top1: 83.62, params: "4.10M" },
  FT: { top1: 83.58, params: "86.57M" },
} as const;

/** MP and MP+ means over 3 seeds (results/vit/fgvc/results.csv); LP and FT from the MindSpore README. Notes §3.2. */
export const FGVC = {
  datasets: ["CIFAR-100", "CUB-200", "NABirds", "Flowers", "Dogs", "Cars"],
  MP: [93.8, 89.3, 84.9, 99.6, 89.5, 83.6],
  "MP+": [94.2, 89.9, 86.1, 99.7, 90.2, 89.4],
  LP: [88.7, 85.3, 75.9, null, null, null],
  FT: [93.8, 89.5, 85.7, null, null, null],
} as const;

/** Few-shot curve digitised from figures/few-shot.png (±0.5; dataset and backbone not named). Notes §3.5. */
export const FEW_SHOT = {
  shots: [1, 2, 4, 8, 16],
  LP: [28.6, 49.2, 61.7, 69.4, 73.5],
  MP: [38.7, 56.3, 66.2, 72.5, 75.7],
  "MP+": [43.9, 59.7, 68.6, 74.4, 77.0],
  FT: [9.4, 34.7, 56.1, 67.5, 72.9],
} as const;

/** Training time per iteration read off figures/Train_cost.png (±3 ms; batch and GPU not given). Notes §3.3. */
export const TRAIN_COST_MS = { LP: 60, MP: 72, "MP+": 140, FT: 157 } as const;

/** Parameter counts of notes §2.9 (ViT-B/16, K = 1000). */
export const PARAM_COUNTS = {
  lpHead: 769_000,
  mpTotal: 4_047_146,
  mpClassifiersOnly: 3_653_000,
  psrpPerBlock: 36_864,
  psrp12Blocks: 442_368,
  vitBBackbone: 85_798_656,
  ftReadme: "86.57M",
} as const;
