// One jest run covers every workspace; each project picks its own environment.
const transform = { '^.+\\.(t|j)sx?$': ['@swc/jest'] };
const common = { transform, testMatch: ['**/*.test.ts', '**/*.test.tsx'], testPathIgnorePatterns: ['/node_modules/', '/dist/'] };

module.exports = {
  projects: [
    { ...common, displayName: 'common', rootDir: '<rootDir>/common', testEnvironment: 'node' },
    { ...common, displayName: 'server', rootDir: '<rootDir>/server', testEnvironment: 'node' },
    { ...common, displayName: 'webapp', rootDir: '<rootDir>/webapp', testEnvironment: 'jsdom' },
    { ...common, displayName: 'sdk', rootDir: '<rootDir>/sdk', testEnvironment: 'node' },
  ],
};
