/**
 * End-to-end tests (`npm run test:e2e`): one shared local stack (test/local-stack/) and the
 * scenarios run against it in order, so they run in band with generous timeouts. Every wait in
 * the tests polls with a deadline; the timeouts here are only the outer bound.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  maxWorkers: 1,
  // Print each test as it runs: a slow scenario is visible in CI output while it runs.
  verbose: true,
};
