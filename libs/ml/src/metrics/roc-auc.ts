/**
 * Area under the ROC curve, optionally weighted.
 *
 * Sweeps the threshold down through the distinct scores; tied scores move the curve by one
 * diagonal segment, so the trapezoid area equals the Mann–Whitney U statistic with average
 * ranks for ties: AUC = P(s⁺ > s⁻) + ½ P(s⁺ = s⁻) (Hanley & McNeil 1982; Fawcett 2006, alg. 2).
 */
import { checkBinary, checkLengths } from './check-inputs.js';

/** ROC-AUC of scores against 0/1 labels. Throws unless both classes have positive weight. */
export function rocAuc(yTrue: ArrayLike<number>, scores: ArrayLike<number>, weights?: ArrayLike<number>): number {
  checkLengths('rocAuc', yTrue, scores, weights);
  checkBinary('rocAuc', 'yTrue', yTrue);
  const n = yTrue.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(scores[i] as number)) throw new RangeError(`rocAuc: score NaN at row ${i}`);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let tp = 0;
  let fp = 0;
  let area = 0;
  let k = 0;
  while (k < n) {
    const s = scores[order[k] as number] as number;
    let dtp = 0;
    let dfp = 0;
    for (; k < n && scores[order[k] as number] === s; k++) {
      const i = order[k] as number;
      const w = weights === undefined ? 1 : (weights[i] as number);
      if (yTrue[i] === 1) dtp += w;
      else dfp += w;
    }
    area += dfp * (tp + dtp / 2); // trapezoid between (fp, tp) and (fp + dfp, tp + dtp)
    tp += dtp;
    fp += dfp;
  }
  if (!(tp > 0) || !(fp > 0)) throw new RangeError('rocAuc: needs both positive and negative rows');
  return area / (tp * fp);
}
