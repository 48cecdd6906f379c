import * as fs from "node:fs";
import * as path from "node:path";

/** The notebooks of the collection, in reading order: notebooks/*.ipynb, sorted by name. */
export function listNotebooks(root: string): string[] {
  const dir = path.join(root, "notebooks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .sort()
    .map((f) => path.join(dir, f));
}
