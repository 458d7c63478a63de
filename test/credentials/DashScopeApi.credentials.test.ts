// The region hosts are one table (DASHSCOPE_REGION_HOSTS): the node's requests (dashScopeBaseUrl), the Region list and
// the credential test's base URL expression all come from it. Each region's host is checked here, the expression
// evaluated by n8n-workflow's own expression engine.
import { Workflow, type INode } from 'n8n-workflow';

import {
	DASHSCOPE_REGION_HOSTS,
	DASHSCOPE_TEST_BASE_URL_EXPRESSION,
	DashScopeApi,
	dashScopeBaseUrl,
} from '../../credentials/DashScopeApi.credentials';
import { createInjectNodeType, HarnessNodeTypes, INJECT_NODE_TYPE } from '../../tools/harness/engine';

const EXPECTED_HOSTS = {
	beijing: 'https://dashscope.aliyuncs.com',
	singapore: 'https://dashscope-intl.aliyuncs.com',
	virginia: 'https://dashscope-us.aliyuncs.com',
};

/** The test request's base URL for these credential fields, as n8n resolves it. */
function testBaseUrl(credentials: Record<string, string>): unknown {
	const node: INode = { id: 'n', name: 'N', type: INJECT_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().add(INJECT_NODE_TYPE, createInjectNodeType([])),
	});
	return workflow.expression.getSimpleParameterValue(
		node,
		new DashScopeApi().test.request.baseURL!,
		'internal',
		{ $credentials: credentials },
		undefined,
		'',
	);
}

describe('DashScope region hosts: one table', () => {
	it('the table holds exactly the documented regions (docs/DASHSCOPE-API.md)', () => {
		expect(DASHSCOPE_REGION_HOSTS).toEqual(EXPECTED_HOSTS);
	});

	it.each(Object.entries(EXPECTED_HOSTS))('%s: the node and the credential test use %s', (region, host) => {
		expect(dashScopeBaseUrl({ region })).toBe(host);
		expect(testBaseUrl({ region, apiKey: 'k' })).toBe(host);
		const option = new DashScopeApi().properties[0].options!.find(
			(entry) => 'value' in entry && entry.value === region,
		) as { description?: string };
		expect(option.description).toContain(new URL(host).host);
	});

	it('the test expression is built from the table, not a copy of it', () => {
		// Each host once (Beijing twice: also the fallback), inside the table's own JSON.
		expect(DASHSCOPE_TEST_BASE_URL_EXPRESSION).toContain(JSON.stringify(DASHSCOPE_REGION_HOSTS));
		for (const [region, host] of Object.entries(DASHSCOPE_REGION_HOSTS))
			expect(DASHSCOPE_TEST_BASE_URL_EXPRESSION.split(host)).toHaveLength(region === 'beijing' ? 3 : 2);
		expect(new DashScopeApi().test.request.baseURL).toBe(DASHSCOPE_TEST_BASE_URL_EXPRESSION);
	});

	it('a custom region uses its Base URL, trimmed and without trailing slashes, in both places', () => {
		const credentials = { region: 'custom', baseUrl: ' https://proxy.example.com/ds// ', apiKey: 'k' };
		expect(dashScopeBaseUrl(credentials)).toBe('https://proxy.example.com/ds');
		expect(testBaseUrl(credentials)).toBe('https://proxy.example.com/ds');
	});

	it('an unknown region falls back to Beijing in both places', () => {
		expect(dashScopeBaseUrl({ region: 'mars' })).toBe(EXPECTED_HOSTS.beijing);
		expect(testBaseUrl({ region: 'mars', apiKey: 'k' })).toBe(EXPECTED_HOSTS.beijing);
	});
});
