import nx from '@nx/eslint-plugin';

const depConstraints = [
  // Pure libraries (statistics, training, routing math) may import only other pure libs.
  { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'] },
  // I/O libraries (bus, registry, contracts, service-kit) may use pure libs and each other.
  { sourceTag: 'scope:io', onlyDependOnLibsWithTags: ['scope:io', 'scope:pure'] },
  // A lib never imports an app.
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // Services depend on libs only, never on each other.
  { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['type:lib'] },
  // Benchmarks drive services and libs from outside, like a user would.
  { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: ['type:lib', 'scope:service'] },
  // The CLI is the composition root: it may wire services together.
  { sourceTag: 'scope:cli', onlyDependOnLibsWithTags: ['type:lib', 'scope:service'] },
];

/** End-to-end tests of a service may start the other real services it talks to. */
const e2eConstraints = depConstraints.map((c) =>
  c.sourceTag === 'scope:service' ? { ...c, onlyDependOnLibsWithTags: ['type:lib', 'scope:service'] } : c,
);

const boundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    // Plain ESM with hand-written types: usable without a build step.
    allow: ['@ratchet/kafka-broker'],
    depConstraints: constraints,
  },
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/out-tsc', '**/src/gen/**', 'node_modules', 'var', 'bench/.venv'] },
  {
    files: ['**/src/**/*.ts', '**/e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
    },
  },
  {
    files: ['**/e2e/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(e2eConstraints),
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
