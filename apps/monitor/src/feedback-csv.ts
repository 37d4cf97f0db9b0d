import type { LabelObserved } from '@ratchet/contracts';
import { parseCsvRecords } from '@ratchet/ml';

/** Options of {@link labelsFromCsv}. */
export interface LabelsFromCsvOptions {
  /** Model name written into every record (optional in the CSV's contract). */
  readonly model?: string;
  readonly source?: string;
  readonly timestampMs?: number;
}

/**
 * Label records from CSV text with a header `request_id,label[,row]` (any column order; `row`
 * defaults to 0, the single-row case). Consecutive lines of one request with consecutive rows
 * become one `LabelObserved` (labels[i] is row row_offset + i), so a batch request labelled in
 * row order is one record. Throws naming the line of a bad value.
 */
export function labelsFromCsv(text: string, options: LabelsFromCsvOptions = {}): LabelObserved[] {
  const records = parseCsvRecords(text).filter((r) => r.some((f) => f.trim() !== ''));
  const header = records[0]?.map((h) => h.trim().toLowerCase());
  if (!header) return [];
  const idCol = header.indexOf('request_id');
  const labelCol = header.indexOf('label');
  const rowCol = header.indexOf('row');
  if (idCol < 0 || labelCol < 0) throw new Error(`feedback CSV: the header must name request_id and label (got ${header.join(',')})`);
  const out: LabelObserved[] = [];
  let last: LabelObserved | undefined;
  for (let i = 1; i < records.length; i++) {
    const r = records[i] as string[];
    const line = i + 1;
    const requestId = (r[idCol] ?? '').trim();
    if (!requestId) throw new Error(`feedback CSV line ${line}: empty request_id`);
    const label = Number((r[labelCol] ?? '').trim());
    if ((r[labelCol] ?? '').trim() === '' || !Number.isFinite(label)) throw new Error(`feedback CSV line ${line}: label '${r[labelCol] ?? ''}' is not a number`);
    const rowText = rowCol >= 0 ? (r[rowCol] ?? '').trim() : '';
    const row = rowText === '' ? 0 : Number(rowText);
    if (!Number.isInteger(row) || row < 0) throw new Error(`feedback CSV line ${line}: row '${rowText}' is not a non-negative integer`);
    if (last && last.requestId === requestId && last.rowOffset + last.labels.length === row) {
      last.labels.push(label);
      continue;
    }
    last = { requestId, model: options.model ?? '', rowOffset: row, labels: [label], timestampMs: options.timestampMs ?? Date.now(), source: options.source ?? 'csv' };
    out.push(last);
  }
  return out;
}
