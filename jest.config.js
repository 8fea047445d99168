/** Jest runs the TypeScript sources as ES modules (node --experimental-vm-modules, see package.json). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        useESM: true,
        tsconfig: { rewriteRelativeImportExtensions: false, allowImportingTsExtensions: true, noEmit: false },
      },
    ],
  },
  moduleNameMapper: {
    '^@apidevtools/json-schema-ref-parser$': '<rootDir>/test/shims/json-schema-ref-parser.cjs',
  },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30_000,
  maxWorkers: 2,
};
