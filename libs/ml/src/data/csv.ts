/**
 * CSV text → {@link Table}. Pure: the caller reads the file and passes its contents.
 *
 * Follows RFC 4180 (quoted fields, `""` as an escaped quote, delimiters and newlines inside
 * quotes, CRLF or LF line ends), plus what real datasets need: trimmed cells, configurable
 * missing-value tokens (default empty and `?`, as in the UCI files) and a trailing newline.
 */
import {
  type CategoricalColumn,
  type Column,
  type ColumnType,
  type NumericColumn,
  type Table,
  MISSING_CODE,
  compareStrings,
  createTable,
} from './table.js';

/** Options for {@link parseCsv}. */
export interface ParseCsvOptions {
  /** Field separator, one character. Default `,`. */
  readonly delimiter?: string;
  /** Whether the first record holds column names. Default true. */
  readonly header?: boolean;
  /** Column names when there is no header (required then). */
  readonly columnNames?: readonly string[];
  /** Cell values (after trimming) that mean "missing". Default `['', '?']`. */
  readonly missingTokens?: readonly string[];
  /** Declared column types; undeclared columns are inferred (numeric if every present cell is a number). */
  readonly columnTypes?: Readonly<Record<string, ColumnType>>;
  /** Trim spaces and tabs around unquoted cells. Default true. */
  readonly trim?: boolean;
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Splits CSV text into records of raw string fields (no trimming, no typing). Throws on an
 * unterminated quote, naming the line where the quote opened.
 */
export function parseCsvRecords(text: string, delimiter = ','): string[][] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`parseCsv: delimiter must be one character other than quote or newline, got '${delimiter}'`);
  }
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let inQuotes = false;
  let quoteLine = 0;
  let line = 1;
  let fieldStarted = false;
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  const endRecord = (): void => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
    fieldStarted = false;
  };
  for (; i < n; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      // An opening quote (spaces before it are dropped, as most writers emit none).
      inQuotes = true;
      quoteLine = line;
      field = '';
      fieldStarted = true;
    } else if (ch === delimiter) {
      record.push(field);
      field = '';
      fieldStarted = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      endRecord();
    } else {
      field += ch;
      fieldStarted = true;
    }
  }
  if (inQuotes) throw new Error(`parseCsv: unterminated quoted field starting on line ${quoteLine}`);
  if (fieldStarted || field !== '' || record.length > 0) endRecord();
  // Drop blank lines (a record of one empty field).
  return records.filter((r) => !(r.length === 1 && (r[0] as string).trim() === ''));
}

/**
 * Parses CSV text into a typed columnar table.
 *
 * Numeric cells become `Float64Array` values; categorical cells become codes into a sorted
 * dictionary of the distinct values. Missing tokens become `NaN` / `-1`. A record with the
 * wrong number of fields throws with its record number.
 */
export function parseCsv(text: string, options: ParseCsvOptions = {}): Table {
  const { delimiter = ',', header = true, missingTokens = ['', '?'], columnTypes = {}, trim = true } = options;
  const records = parseCsvRecords(text, delimiter);
  let names: readonly string[];
  let start: number;
  if (header) {
    const first = records[0];
    if (first === undefined) throw new Error('parseCsv: no header row');
    names = first.map((s) => s.trim());
    start = 1;
  } else {
    if (options.columnNames === undefined) throw new Error('parseCsv: columnNames is required when header is false');
    names = options.columnNames;
    start = 0;
  }
  for (const declared of Object.keys(columnTypes)) {
    if (!names.includes(declared)) throw new Error(`parseCsv: declared column '${declared}' is not in the file`);
  }
  const nCols = names.length;
  const nRows = records.length - start;
  const missing = new Set(missingTokens);
  // Column-major cells; null = missing.
  const cells: (string | null)[][] = names.map(() => new Array<string | null>(nRows));
  for (let r = 0; r < nRows; r++) {
    const record = records[r + start] as string[];
    if (record.length !== nCols) {
      throw new Error(`parseCsv: record ${r + 1} has ${record.length} fields, expected ${nCols}`);
    }
    for (let c = 0; c < nCols; c++) {
      const raw = record[c] as string;
      const value = trim ? raw.trim() : raw;
      (cells[c] as (string | null)[])[r] = missing.has(value) ? null : value;
    }
  }
  const columns: Column[] = names.map((name, c) => {
    const values = cells[c] as (string | null)[];
    const type = columnTypes[name] ?? inferType(values);
    return type === 'numeric' ? toNumeric(name, values) : toCategorical(name, values);
  });
  return createTable(columns, nRows);
}

function inferType(values: readonly (string | null)[]): ColumnType {
  for (const v of values) if (v !== null && !NUMBER_PATTERN.test(v)) return 'categorical';
  return 'numeric';
}

function toNumeric(name: string, values: readonly (string | null)[]): NumericColumn {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      out[i] = Number.NaN;
    } else if (NUMBER_PATTERN.test(v)) {
      out[i] = Number(v);
    } else {
      throw new Error(`parseCsv: column '${name}' is numeric but record ${i + 1} holds '${v}'`);
    }
  }
  return { type: 'numeric', name, values: out };
}

function toCategorical(name: string, values: readonly (string | null)[]): CategoricalColumn {
  const distinct = new Set<string>();
  for (const v of values) if (v !== null) distinct.add(v);
  const categories = [...distinct].sort(compareStrings);
  const index = new Map<string, number>();
  categories.forEach((c, i) => index.set(c, i));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    codes[i] = v === null || v === undefined ? MISSING_CODE : (index.get(v) as number);
  }
  return { type: 'categorical', name, codes, categories };
}
