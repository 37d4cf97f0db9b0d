import { categoryAt, getColumn, makeSyntheticBinary } from '@ratchet/ml';

/** A CSV of `makeSyntheticBinary` rows (features x1..x3, color, region; label y = yes|no), missing cells empty. */
export function syntheticCsv(nRows: number, seed: number, missingRate = 0.05): string {
  const { table, schema } = makeSyntheticBinary({ nRows, seed, missingRate });
  const names = [...schema.features.map((f) => f.name), schema.label];
  const columns = names.map((name) => getColumn(table, name));
  const lines = [names.join(',')];
  for (let i = 0; i < nRows; i++) {
    lines.push(
      columns
        .map((c) => {
          if (c.type === 'numeric') return Number.isNaN(c.values[i]) ? '' : String(c.values[i]);
          return categoryAt(c, i) ?? '';
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
