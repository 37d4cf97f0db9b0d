/** Where progress goes: a TTY gets a redrawn bar, anything else plain lines. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress reporter for one long stage. */
export interface Progress {
  update(done: number, total: number): void;
  /** Ends the stage with a final line. */
  done(note?: string): void;
}

/**
 * A small progress bar on stderr: on a TTY `label [#####-----] 12/25  48% 3.1 s` redrawn in
 * place; otherwise a plain line at each 10% step (logs and CI stay readable).
 */
export function progressBar(label: string, stream: ProgressStream = process.stderr, width = 24): Progress {
  const t0 = performance.now();
  let lastDecile = -1;
  let lastTotal = 0;
  const seconds = () => ((performance.now() - t0) / 1000).toFixed(1);
  return {
    update(done, total) {
      lastTotal = total;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      if (stream.isTTY) {
        const filled = Math.round(frac * width);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} ${Math.round(frac * 100)}% ${seconds()} s`);
        return;
      }
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        stream.write(`${label}: ${done}/${total} (${Math.round(frac * 100)}%) ${seconds()} s\n`);
      }
    },
    done(note) {
      const tail = `${label}: done${lastTotal ? ` (${lastTotal})` : ''} in ${seconds()} s${note ? `, ${note}` : ''}\n`;
      stream.write(stream.isTTY ? `\r\x1b[2K${tail}` : tail);
    },
  };
}
