/**
 * Shared vitest settings. Tests run on TypeScript sources: the `@ratchet/source`
 * export condition resolves workspace packages to `src/` without a build.
 */
declare const _default: import("vite").UserConfig;
export default _default;
//# sourceMappingURL=vitest.shared.d.ts.map