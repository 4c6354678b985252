/**
 * Jest projects, one per suite (house style §11). `npm test` runs them all; each suite
 * fails loudly when its prerequisite (emulators, chromium, soffice) is missing.
 * @swc/jest transpiles TypeScript without the TypeScript compiler API.
 */
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
};
// @middy/*, echarts and zrender ship ESM only; jest's module system needs them transpiled to CommonJS like our own code.
const base = { transform, transformIgnorePatterns: ['/node_modules/(?!(@middy|echarts|zrender)/)'], testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  // Jest 30 reads testTimeout only at the top level (a project's own value is ignored); suites
  // that need longer (infra synth, browser) set jest.setTimeout in their files.
  testTimeout: 60_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...base, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...base, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
