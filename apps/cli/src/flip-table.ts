/**
 * Human-readable flip reports: one column per comparison (e.g. "B vs A", "gated vs A").
 */
import type { FlipReport } from '@ratchet/pareto';

/** Aligned text table: first column left-aligned, others right-aligned. */
export function textTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const pct = (v: number, digits = 2) => `${(100 * v).toFixed(digits)}%`;

/**
 * Flip reports side by side: accuracy of A and of the candidate, regressions, gains, NFR,
 * NFI, McNemar p and the Clopper–Pearson upper bound on the regression rate.
 */
export function formatFlipReports(columns: readonly { readonly title: string; readonly report: FlipReport }[]): string {
  const row = (name: string, cell: (r: FlipReport) => string) => [name, ...columns.map((c) => cell(c.report))];
  const first = columns[0]?.report;
  return textTable(
    ['', ...columns.map((c) => c.title)],
    [
      row('rows', (r) => String(r.n)),
      row('accuracy A', (r) => r.accuracyA.toFixed(4)),
      row('accuracy candidate', (r) => r.accuracyB.toFixed(4)),
      row('regressions (A right, candidate wrong)', (r) => String(r.regressions)),
      row('gains (A wrong, candidate right)', (r) => String(r.gains)),
      row('NFR', (r) => pct(r.nfr)),
      row('NFI', (r) => pct(r.nfi)),
      row('McNemar p', (r) => r.mcnemar.pValue.toPrecision(3)),
      row(`regression-rate upper bound (${first ? pct(first.confidence, 0) : ''})`, (r) => pct(r.regressionUpperBound, 3)),
    ],
  );
}
