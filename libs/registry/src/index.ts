export * from './errors.js';
export * from './semver.js';
export * from './file-registry.js';
