/**
 * The paper, and the numbers transcribed from it (notes §3, from the official README, training logs,
 * results CSV and figures). The ImageNet / FGVC numbers are context only: a ViT-B/16 pretrained on
 * ImageNet-21K, not the tiny ViT trained here, so no claim compares with them one to one.
 */
import { definePaper, type Paper, type Transcribed } from "../../core/paper";

export const PAPER: Paper = definePaper({
  slug: "moment-probing",
  title: "Tuning Pre-trained Model via Moment Probing",
  authors: ["Mingze Gao", "Qilong Wang", "Zhenyi Lin", "Pengfei Zhu", "Qinghua Hu", "Jingbo Zhou"],
  venue: "ICCV 2023",
  arxiv: "2307.11342",
  code: "github.com/mingzeG/Moment-Probing",
  notes: "docs/notes/moment-probing.md",
});

export type PaperMethod = "LP" | "MP" | "MP+" | "FT";

const t = <T>(value: T, where: string): Transcribed<T> => ({ value, where });

/** Top-1 on ImageNet-1K, ViT-B/16 (IN-21K), and #params as the README gives them. Notes §3.1. */
export const IMAGENET: Record<PaperMethod, { top1: Transcribed; params: Transcribed<string> }> = {
  LP: { top1: t(82.04, "README, ImageNet-1K table; Table 1 row 1"), params: t("0.77M", "README #Params") },
  MP: { top1: t(83.15, "README, ImageNet-1K table"), params: t("3.65M", "README #Params") },
  "MP+": { top1: t(83.62, "README, ImageNet-1K table"), params: t("4.10M", "README #Params") },
  FT: { top1: t(83.58, "README, ImageNet-1K table"), params: t("86.57M", "README #Params") },
};

/** FGVC and CIFAR-100, ViT-B/16: MP and MP+ means over 3 seeds; LP and FT from the MindSpore README. Notes §3.2. */
export const FGVC = {
  datasets: ["CIFAR-100", "CUB-200", "NABirds", "Flowers", "Dogs", "Cars"] as const,
  MP: t([93.8, 89.3, 84.9, 99.6, 89.5, 83.6], "results/vit/fgvc/results.csv, mean of 3 seeds"),
  "MP+": t([94.2, 89.9, 86.1, 99.7, 90.2, 89.4], "results/vit/fgvc/results.csv, mean of 3 seeds"),
  LP: t<(number | null)[]>([88.7, 85.3, 75.9, null, null, null], "MindSpore port README"),
  FT: t<(number | null)[]>([93.8, 89.5, 85.7, null, null, null], "MindSpore port README"),
};

/** Few-shot curve digitised from figures/few-shot.png (±0.5; the figure names no dataset or backbone). Notes §3.5. */
export const FEW_SHOT = {
  shots: [1, 2, 4, 8, 16],
  LP: t([28.6, 49.2, 61.7, 69.4, 73.5], "Fig. few-shot (figures/few-shot.png), digitised ±0.5"),
  MP: t([38.7, 56.3, 66.2, 72.5, 75.7], "Fig. few-shot (figures/few-shot.png), digitised ±0.5"),
  "MP+": t([43.9, 59.7, 68.6, 74.4, 77.0], "Fig. few-shot (figures/few-shot.png), digitised ±0.5"),
  FT: t([9.4, 34.7, 56.1, 67.5, 72.9], "Fig. few-shot (figures/few-shot.png), digitised ±0.5"),
};

/** Training time per iteration read off figures/Train_cost.png (±3 ms; batch and GPU not given). Notes §3.3. */
export const TRAIN_COST_MS: Record<PaperMethod, Transcribed> = {
  LP: t(60, "Fig. Train_cost, read off ±3 ms; Table 1 row 1 '60 ms'"),
  MP: t(72, "Fig. Train_cost, read off ±3 ms"),
  "MP+": t(140, "Fig. Train_cost, read off ±3 ms"),
  FT: t(157, "Fig. Train_cost, read off ±3 ms"),
};

/** MAE ViT-B/16 top-1 read off figures/sup_mae_clip.png (±0.3). Notes §3.4: the backdrop of P3. */
export const MAE_B16: Record<PaperMethod, Transcribed> = {
  LP: t(67.8, "Fig. sup_mae_clip, MAE B/16, read off ±0.3"),
  MP: t(73.8, "Fig. sup_mae_clip, MAE B/16, read off ±0.3"),
  "MP+": t(78.8, "Fig. sup_mae_clip, MAE B/16, read off ±0.3"),
  FT: t(83.6, "Fig. sup_mae_clip, MAE B/16, read off ±0.3"),
};

/** #Params strings of the README that U2 rebuilds from the layers (ViT-B/16, K = 1000). */
export const README_PARAMS = {
  lp: t("0.77M", "README #Params, LP"),
  mpClassifiersOnly: t("3.65M", "README #Params, MP"),
  mpPlus: t("4.10M", "README #Params, MP+"),
  ft: t("86.57M", "README #Params, full fine-tuning"),
};
