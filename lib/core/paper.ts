/**
 * What a study says about its paper, in one place: each study folder has a `paper.ts` exporting a
 * `Paper`, and the claims registry, the notebook title and README's status table read the citation
 * from it, so a title is typed once.
 */

export interface Paper {
  /** The study's slug: names its notebook, study folder, notes, figures, tests and bench. */
  slug: string;
  title: string;
  /** Surnames (or full names) in the paper's order. */
  authors: string[];
  /** Venue and year as the paper gives them, e.g. "ICLR 2024" or "arXiv 2506.11035". */
  venue: string;
  /** arXiv identifier without prefix, e.g. "2307.03576", when there is one. */
  arxiv?: string;
  /** Official code, e.g. "github.com/owner/repo", when there is one. */
  code?: string;
  /** The study notes, repository-relative, e.g. "docs/notes/one-step-gd.md". */
  notes: string;
}

/**
 * A number transcribed from the paper (or its official code / logs), with where it was read.
 * `where` names the table, figure, theorem or file, e.g. "Table 2, ETTh1, horizon 96".
 */
export interface Transcribed<T = number> {
  value: T;
  where: string;
}

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Checks a Paper's fields; throws naming the field and the fix. Returns the paper for chaining. */
export function definePaper(p: Paper): Paper {
  if (!SLUG.test(p.slug)) throw new Error(`paper slug ${JSON.stringify(p.slug)}: use lower-case words joined by '-' (e.g. "one-step-gd")`);
  if (!p.title.trim()) throw new Error(`paper ${p.slug}: title is empty`);
  if (p.authors.length === 0) throw new Error(`paper ${p.slug}: list at least one author`);
  if (!p.venue.trim()) throw new Error(`paper ${p.slug}: venue is empty (e.g. "ICLR 2024" or "arXiv 2506.11035")`);
  if (p.notes !== `docs/notes/${p.slug}.md`)
    throw new Error(`paper ${p.slug}: notes must be docs/notes/${p.slug}.md (one slug names everything), got ${p.notes}`);
  return p;
}

/** "Surname, Surname, Surname. Title (Venue)"; more than four authors become "First et al.". */
export function citation(p: Paper): string {
  const who = p.authors.length > 4 ? `${p.authors[0]} et al.` : p.authors.join(", ");
  // "et al." already ends the author list with a full stop
  return `${who}${who.endsWith(".") ? "" : "."} ${p.title} (${p.venue})`;
}

/** Markdown link to the paper (arXiv when known), for notebook headers. */
export function paperLink(p: Paper): string {
  return p.arxiv ? `[arXiv ${p.arxiv}](https://arxiv.org/abs/${p.arxiv})` : p.venue;
}
