export {};
//# sourceMappingURL=topics.spec.d.ts.map