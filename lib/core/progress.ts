/**
 * Progress of long library loops, printed into the notebook output at fixed fractions of the
 * work (not on a clock), so re-running a deterministic notebook prints the same lines.
 */
export interface Progress {
  /** Marks `done` units finished (cumulative) with an optional status text. */
  update(done: number, status?: string): void;
}

export function progress(label: string, total: number, options: { steps?: number; quiet?: boolean } = {}): Progress {
  const steps = Math.max(1, Math.min(options.steps ?? 5, total));
  const threshold = (mark: number) => Math.ceil((mark * total) / steps);
  let nextMark = 1;
  return {
    update(done: number, status?: string) {
      if (options.quiet || nextMark > steps || done < threshold(nextMark)) return;
      while (nextMark <= steps && done >= threshold(nextMark)) nextMark++;
      console.log(`${label}: ${done}/${total}${status ? `  ${status}` : ""}`);
    },
  };
}
