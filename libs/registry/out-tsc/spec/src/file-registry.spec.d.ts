export {};
//# sourceMappingURL=file-registry.spec.d.ts.map