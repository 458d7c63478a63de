// Three suites: pure helpers (unit), the node inside n8n-core's engine (engine), the real n8n CLI (e2e).
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
// Only test/ is crawled: .cache/ holds the n8n CLI (hundreds of thousands of files) and generated media.
const common = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	roots: ['<rootDir>/test'],
	modulePathIgnorePatterns: ['<rootDir>/.cache/', '<rootDir>/dist/'],
};

module.exports = {
	// n8n-core keeps process-wide handles (keep-alive agents, DI singletons) open after the last test.
	forceExit: true,
	projects: [
		{
			...common,
			displayName: 'unit',
			testMatch: ['<rootDir>/test/**/*.test.ts'],
			testPathIgnorePatterns: ['\\.engine\\.test\\.ts$', '\\.e2e\\.test\\.ts$'],
		},
		{
			...common,
			displayName: 'engine',
			testMatch: ['<rootDir>/test/**/*.engine.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/setup/long-timeout.js'],
		},
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/**/*.e2e.test.ts'],
			setupFilesAfterEnv: ['<rootDir>/test/setup/long-timeout.js'],
		},
	],
};
