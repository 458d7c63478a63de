// Model Studio's workspace regions (Frankfurt, Hong Kong) are reached through region Custom with the workspace host as
// Base URL (README, "Regions"). The key then goes to that host and to no other: not to the region's video storage, not
// to another workspace, not to a look-alike host. The credential's own authenticate() decides, as n8n calls it for
// every request, and the credential test's base URL is resolved by n8n-workflow's expression engine.
import { Workflow, type INode, type IHttpRequestOptions } from 'n8n-workflow';

import { DashScopeApi, dashScopeBaseUrl } from '../../credentials/DashScopeApi.credentials';
import { createInjectNodeType, HarnessNodeTypes, INJECT_NODE_TYPE } from '../../tools/harness/engine';

const KEY = 'sk-workspace-key';
const FRANKFURT = 'https://ws-8f3a2c1d.eu-central-1.maas.aliyuncs.com';
const HONG_KONG = 'https://ws-5b7e9d0a.cn-hongkong.maas.aliyuncs.com';
// The host n8n's own Alibaba Cloud credential uses for Hong Kong (no workspace in it).
const HONG_KONG_N8N = 'https://cn-hongkong.dashscope.aliyuncs.com';

async function authorizationFor(baseUrl: string, url: string): Promise<unknown> {
	const request: IHttpRequestOptions = { method: 'GET', url, headers: { Accept: 'application/json' } };
	const signed = await new DashScopeApi().authenticate({ region: 'custom', baseUrl, apiKey: KEY }, request);
	return signed.headers?.Authorization;
}

/** The credential test's base URL for these fields, as n8n resolves the expression. */
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

describe.each([
	[
		'Frankfurt',
		FRANKFURT,
		'https://dashscope-result-fra.oss-eu-central-1.aliyuncs.com/1/out.mp4?Expires=1&Signature=s',
	],
	['Hong Kong', HONG_KONG, 'https://dashscope-result-hk.oss-cn-hongkong.aliyuncs.com/1/out.mp4?Expires=1&Signature=s'],
	['Hong Kong, without a workspace', HONG_KONG_N8N, 'https://dashscope-result-hk.oss-cn-hongkong.aliyuncs.com/x.mp4'],
])('%s through region Custom', (_, workspace, videoLink) => {
	const host = new URL(workspace).host;

	it('the node, the credential test and the key all use the workspace host', async () => {
		expect(dashScopeBaseUrl({ region: 'custom', baseUrl: ` ${workspace}/ ` })).toBe(workspace);
		expect(testBaseUrl({ region: 'custom', baseUrl: `${workspace}/`, apiKey: KEY })).toBe(workspace);
		for (const path of [
			'/api/v1/services/aigc/video-generation/video-synthesis',
			'/api/v1/tasks/t-1',
			'/api/v1/models',
		])
			expect(await authorizationFor(`${workspace}/`, `${workspace}${path}`)).toBe(`Bearer ${KEY}`);
	});

	it.each([
		['the video storage host', videoLink],
		['another workspace', `https://ws-00000000.${host.split('.').slice(1).join('.')}/api/v1/models`],
		['a look-alike host', `https://${host}.attacker.example/api/v1/models`],
		['a host behind user info', `https://${host}@attacker.example/api/v1/models`],
		['the same host over http', `http://${host}/api/v1/models`],
		['the same host on another port', `https://${host}:8443/api/v1/models`],
		['the Beijing host', 'https://dashscope.aliyuncs.com/api/v1/models'],
	])('no key for %s', async (__, url) => {
		expect(await authorizationFor(workspace, url)).toBeUndefined();
	});
});
