/**
 * Schemas: which columns are features (and of what type), which is the label, which value of
 * the label is the positive class, and optionally which columns hold sample weights and time.
 */
import { type ColumnType, type Table, findColumn } from './table.js';

/** One feature column. */
export interface FeatureSpec {
  readonly name: string;
  readonly type: ColumnType;
}

/** The role of every column a model cares about. */
export interface Schema {
  readonly features: readonly FeatureSpec[];
  /** Label column (categorical, or numeric 0/1). */
  readonly label: string;
  /** Label value counted as y = 1, e.g. `'>50K'` or `'1'`. */
  readonly positiveClass: string;
  /** Optional numeric column of non-negative sample weights. */
  readonly weight?: string;
  /** Optional numeric column giving event time, used for temporal splits and batches. */
  readonly time?: string;
}

/** Options for {@link inferSchema}. */
export interface InferSchemaOptions {
  readonly label: string;
  readonly positiveClass: string;
  readonly weight?: string;
  readonly time?: string;
  /** Further columns that are not features (ids, leakage). */
  readonly exclude?: readonly string[];
}

/**
 * A schema whose features are every column other than label, weight, time and `exclude`,
 * typed as the table stores them.
 */
export function inferSchema(table: Table, options: InferSchemaOptions): Schema {
  const skip = new Set<string>([options.label, ...(options.exclude ?? [])]);
  if (options.weight !== undefined) skip.add(options.weight);
  if (options.time !== undefined) skip.add(options.time);
  const schema: Schema = {
    features: table.columns.filter((c) => !skip.has(c.name)).map((c) => ({ name: c.name, type: c.type })),
    label: options.label,
    positiveClass: options.positiveClass,
    ...(options.weight !== undefined ? { weight: options.weight } : {}),
    ...(options.time !== undefined ? { time: options.time } : {}),
  };
  validateSchema(table, schema);
  return schema;
}

/**
 * Checks that every column the schema names exists with the declared type (weight and time
 * numeric) and that no column has two roles. Throws one error listing every problem.
 */
export function validateSchema(table: Table, schema: Schema): void {
  const problems: string[] = [];
  const roles = new Map<string, string>();
  const claim = (name: string, role: string): void => {
    const previous = roles.get(name);
    if (previous !== undefined) problems.push(`column '${name}' is both ${previous} and ${role}`);
    roles.set(name, role);
  };
  for (const f of schema.features) {
    claim(f.name, 'feature');
    const column = findColumn(table, f.name);
    if (column === undefined) problems.push(`feature '${f.name}' is missing`);
    else if (column.type !== f.type) problems.push(`feature '${f.name}' is ${column.type}, schema says ${f.type}`);
  }
  claim(schema.label, 'label');
  if (findColumn(table, schema.label) === undefined) problems.push(`label '${schema.label}' is missing`);
  for (const role of ['weight', 'time'] as const) {
    const name = schema[role];
    if (name === undefined) continue;
    claim(name, role);
    const column = findColumn(table, name);
    if (column === undefined) problems.push(`${role} column '${name}' is missing`);
    else if (column.type !== 'numeric') problems.push(`${role} column '${name}' must be numeric`);
  }
  if (problems.length > 0) throw new Error(`schema does not fit table: ${problems.join('; ')}`);
}
