import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The notebooks of the collection, in reading order: notebooks/*.ipynb sorted by name, without the
 * partial copies a failed in-place run leaves (`<name>.failed.ipynb`).
 */
export function listNotebooks(root: string): string[] {
  const dir = path.join(root, "notebooks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb") && !f.endsWith(".failed.ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}
