// n8n's verified-community-node rules, over exactly what ships: package.json, nodes/ and credentials/.
import communityNodes from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

const legacy = (config) => ({ 'n8n-nodes-base': n8nNodesBase, ...config });

export default [
	{ ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test/**', 'scripts/**', 'examples/**', 'docs/**'] },
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: legacy({}),
		rules: n8nNodesBase.configs.community.rules,
	},
	{
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { project: './tsconfig.json', sourceType: 'module' },
		},
		...communityNodes.configs.recommended,
		ignores: [],
	},
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: communityNodes.configs.recommended.plugins,
		rules: Object.fromEntries(
			Object.entries(communityNodes.configs.recommended.rules).filter(([name]) =>
				/package|dependencies|lifecycle|overrides|author|version|homepage|files-array/.test(name),
			),
		),
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		plugins: legacy({}),
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two predate NodeConnectionTypes and contradict the newer community rule
			// node-connection-type-literal, which requires NodeConnectionTypes.Main.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tseslint.parser },
		plugins: legacy({}),
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// Meant for n8n's own docs slugs; a community credential must link a full URL
			// (@n8n/community-nodes/credential-documentation-url).
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
];
