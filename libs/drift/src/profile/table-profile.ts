import { ReferenceProfile, type ProfileOptions } from './reference-profile.js';
import { type Schema, type Table, categoryAt, getColumn } from '@ratchet/ml';

/**
 * The reference profile of a training table, as a publisher stores it in the manifest report
 * `drift_profile` (JSON of `toJSON()`): one summary per schema feature, the label prior with
 * labels coded as the monitor sees them in feedback (1 = the schema's positive class, else 0),
 * and, when given, the training scores (positive-class probabilities).
 */
export function referenceProfileFromTable(table: Table, schema: Schema, options: ProfileOptions & { scores?: ArrayLike<number> } = {}): ReferenceProfile {
  const numeric: Record<string, ArrayLike<number>> = {};
  const categorical: Record<string, (string | null)[]> = {};
  for (const f of schema.features) {
    const col = getColumn(table, f.name);
    if (col.type === 'numeric') numeric[f.name] = col.values;
    else categorical[f.name] = Array.from({ length: table.nRows }, (_, i) => categoryAt(col, i));
  }
  let labels: number[] | undefined;
  if (schema.label) {
    const col = getColumn(table, schema.label);
    labels =
      col.type === 'categorical'
        ? Array.from({ length: table.nRows }, (_, i) => (categoryAt(col, i) === (schema.positiveClass ?? col.categories[1]) ? 1 : 0))
        : Array.from(col.values);
  }
  const { scores, ...profileOptions } = options;
  return ReferenceProfile.build({ numeric, categorical, ...(labels ? { labels } : {}), ...(scores ? { scores } : {}) }, profileOptions);
}
