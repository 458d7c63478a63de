// n8n-node lint's template configuration, unchanged (`config` from @n8n/node-cli/eslint: typescript-eslint's
// parser for package.json and the TypeScript sources, n8n's community-node rules, eslint-plugin-n8n-nodes-base).
// `npm run lint` (n8n-node lint, which is `eslint .`) applies it to what ships: package.json, nodes/ and
// credentials/. Everything else in the repository is dev tooling (tests, dev servers, scripts) that may use
// Node's APIs freely, so it is ignored here; this is why package.json's n8n section has "strict": false
// (docs/VERIFICATION.md).
import { config } from '@n8n/node-cli/eslint';
import { globalIgnores } from 'eslint/config';

export default [
	globalIgnores([
		'dist/**',
		'node_modules/**',
		'.cache/**',
		'.tmp/**',
		'coverage/**',
		'test/**',
		'tools/**',
		'scripts/**',
		'examples/**',
		'docs/**',
		'*.js',
		'*.mjs',
	]),
	...config,
];
