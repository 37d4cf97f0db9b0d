export {};
//# sourceMappingURL=semver.spec.d.ts.map