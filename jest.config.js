// Three suites: pure helpers (unit), the node inside n8n-core's engine (engine), the real n8n CLI (e2e).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];
const common = { testEnvironment: 'node', transform: { '^.+\\.ts$': tsJest } };

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/**/*.test.ts'], testPathIgnorePatterns: ['\\.engine\\.test\\.ts$', '\\.e2e\\.test\\.ts$'] },
		{ ...common, displayName: 'engine', testMatch: ['<rootDir>/test/**/*.engine.test.ts'], testTimeout: 120000 },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.test.ts'], testTimeout: 900000 },
	],
};
