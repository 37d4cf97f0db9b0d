export { logGamma, logBeta, logFactorial, logBinomial } from './log-gamma.js';
export { regularizedGammaP, regularizedGammaQ, chiSquareSurvival } from './incomplete-gamma.js';
export { regularizedIncompleteBeta, inverseRegularizedIncompleteBeta } from './incomplete-beta.js';
export { binomialCdf } from './binomial.js';
