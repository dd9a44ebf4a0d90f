/**
 * Tests run as CommonJS through ts-jest (transpile only; `npm run lint` type-checks them with test/tsconfig.json): the tests themselves never import NestJS (whose packages are
 * ESM-only). Unit tests import the pure libraries; end-to-end tests start the built service as a
 * separate process and talk to it over HTTP and socket.io, as real clients do. That keeps Jest off
 * the experimental VM-modules loader and tests the service exactly as it runs in production.
 * The medium tests (services on a real PostgreSQL, test/medium) import the service's ESM and so run
 * under node:test instead (test/medium/run.mjs), before Jest in `npm test`.
 */
const tsJest = [
  'ts-jest',
  {
    isolatedModules: true,
    tsconfig: {
      module: 'commonjs',
      moduleResolution: 'node',
      target: 'es2022',
      experimentalDecorators: true,
      emitDecoratorMetadata: false,
      esModuleInterop: true,
      isolatedModules: true,
    },
  },
];

const shared = {
  transform: { '^.+\\.ts$': tsJest },
  moduleNameMapper: {
    '^#vitals$': '<rootDir>/libs/vitals/src/index.ts',
    '^#contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], slowTestThreshold: 30 },
    // Crashes, database restarts, dropped connections and hostile input (`npm run test:resilience`).
    {
      ...shared,
      displayName: 'resilience',
      testMatch: ['<rootDir>/test/resilience/**/*.resilience-spec.ts'],
      slowTestThreshold: 120,
    },
  ],
  testTimeout: 60000,
};
