// The model list with DashScope directly, in n8n-core's real LoadOptionsContext: the node's table, then the models of
// the field's mode that the account's catalogue (GET /api/v1/models on the DashScope dev server) offers and the table
// does not know. Any failure of the catalogue lists the table alone, and the key goes only to the credential's host.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { LoadOptionsContext } from 'n8n-core';
import { Workflow, type INode, type IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { AogApi } from '../../../../credentials/AogApi.credentials';
import { DashScopeApi } from '../../../../credentials/DashScopeApi.credentials';
import { Aog } from '../../../../nodes/Aog/Aog.node';
import { DASHSCOPE_MODELS, DASHSCOPE_TEXT_MODELS } from '../../../../nodes/Aog/dashscope/modelTable';
import { ACCOUNT_ONLY_VIDEO_MODEL } from '../../../../tools/dashscope-server';
import { HarnessCredentialsHelper, HarnessNodeTypes } from '../../../../tools/harness/engine';
import { closedPort, startDashScopeServer, type DashScopeServer } from '../support';

let dashScope: DashScopeServer;
/** A second host on loopback that records what reaches it: the "elsewhere" a key must never go to. */
let elsewhere: { url: string; hits: http.IncomingHttpHeaders[]; close: () => Promise<void> };

async function startRecorder(
	answer: (res: http.ServerResponse) => void,
): Promise<{ url: string; hits: http.IncomingHttpHeaders[]; close: () => Promise<void> }> {
	const hits: http.IncomingHttpHeaders[] = [];
	const server = http.createServer((req, res) => {
		hits.push(req.headers);
		answer(res);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		hits,
		close: async () => {
			server.closeAllConnections();
			await new Promise((resolve) => server.close(resolve));
		},
	};
}

beforeAll(async () => {
	dashScope = await startDashScopeServer({ timeScale: 0.01 });
	elsewhere = await startRecorder((res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'));
});
afterAll(async () => {
	await dashScope.close();
	await elsewhere.close();
});
beforeEach(() => {
	dashScope.reset();
	elsewhere.hits.length = 0;
});

interface ListOptions {
	operation?: string;
	authentication?: string;
	/** The fields of the credential of `authentication`; undefined: the node has none. */
	credentials?: Record<string, string>;
	/** A DashScope credential also set on the node (kept from an earlier choice of Connect Via). */
	dashScopeToo?: Record<string, string>;
	filter?: string;
}

/** The list search as the editor runs it; the credentials helper's record of every authenticated request. */
async function list(options: ListOptions) {
	const { operation = 'imageToVideo', authentication = 'dashScopeApi', credentials, dashScopeToo, filter } = options;
	const data: Record<string, Record<string, string>> = {
		...(dashScopeToo ? { dashScopeApi: dashScopeToo } : {}),
		...(credentials ? { [authentication]: credentials } : {}),
	};
	const node: INode = {
		id: 'aog',
		name: 'AOG',
		type: 'n8n-nodes-aog.aog',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'video', operation, authentication },
		credentials: Object.fromEntries(Object.keys(data).map((type) => [type, { id: `${type}-1`, name: type }])),
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().add(node.type, new Aog()),
	});
	const helper = new HarnessCredentialsHelper([new DashScopeApi(), new AogApi()], data);
	const additionalData = { credentialsHelper: helper } as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.model');
	const { results } = await new Aog().methods.listSearch.searchModels.call(context, filter);
	return { results, values: results.map((result) => String(result.value)), sent: helper.authenticatedRequests };
}

const devServer = () => ({ region: 'custom', baseUrl: dashScope.url, apiKey: dashScope.apiKey });
const catalogueRequests = () => dashScope.lastRequests.filter((request) => request.path.startsWith('/api/v1/models'));
const I2V_TABLE = Object.keys(DASHSCOPE_MODELS);

describe('the account catalogue joins the model list', () => {
	test('Image to Video: the table first, then the account-only i2v model; no other kind of model', async () => {
		const { results, values } = await list({ credentials: devServer() });
		expect(values).toEqual([...I2V_TABLE, ACCOUNT_ONLY_VIDEO_MODEL]);
		expect(results[0]).toMatchObject({ name: 'wan2.2-i2v-plus (Wan 2.2 Plus)', value: 'wan2.2-i2v-plus' });
		expect(results[0].description).toMatch(/your account offers it/);
		expect(results.at(-1)).toMatchObject({ name: `${ACCOUNT_ONLY_VIDEO_MODEL} (from your account)` });
		expect(results.at(-1)!.description).toMatch(/model catalogue/);
		// One page was enough, asked with the credential's key.
		expect(catalogueRequests()).toHaveLength(1);
		expect(catalogueRequests()[0]).toMatchObject({ method: 'GET', path: '/api/v1/models?page_no=1&page_size=100' });
		expect(catalogueRequests()[0].headers.authorization).toBe(`Bearer ${dashScope.apiKey}`);
	});

	test('Text to Video: its table, and none of the catalogue image-to-video models', async () => {
		const { values } = await list({ operation: 'textToVideo', credentials: devServer() });
		expect(values).toEqual(Object.keys(DASHSCOPE_TEXT_MODELS));
		expect(catalogueRequests()).toHaveLength(1);
	});

	test('the filter applies to the account models too', async () => {
		const { values } = await list({ credentials: devServer(), filter: 'PREVIEW' });
		expect(values).toEqual(['wan2.5-i2v-preview', ACCOUNT_ONLY_VIDEO_MODEL]);
	});
});

describe('any failure of the catalogue lists the table alone, never an error', () => {
	test('a refused key (401 InvalidApiKey)', async () => {
		const { values } = await list({ credentials: { ...devServer(), apiKey: 'sk-wrong' } });
		expect(values).toEqual(I2V_TABLE);
		expect(dashScope.counters.unauthorized).toBe(1);
	});

	test('no credential at all, and a credential without a key (no request then)', async () => {
		expect((await list({})).values).toEqual(I2V_TABLE);
		expect((await list({ credentials: { ...devServer(), apiKey: '' } })).values).toEqual(I2V_TABLE);
		expect(catalogueRequests()).toHaveLength(0);
	});

	test('nothing listening at the Base URL', async () => {
		const port = await closedPort();
		const { values } = await list({ credentials: { ...devServer(), baseUrl: `http://127.0.0.1:${port}` } });
		expect(values).toEqual(I2V_TABLE);
	});

	test('an answer of another shape: a web page, an error body, a list of something else', async () => {
		const bodies = ['<html>Welcome</html>', '{"code":"NotFound"}', '{"output":{"models":"none"}}', 'null'];
		const page = await startRecorder((res) =>
			res.writeHead(200, { 'Content-Type': 'text/html' }).end(bodies[page.hits.length - 1]),
		);
		try {
			for (const _ of bodies)
				expect((await list({ credentials: { ...devServer(), baseUrl: page.url } })).values).toEqual(I2V_TABLE);
			expect(page.hits).toHaveLength(bodies.length);
		} finally {
			await page.close();
		}
	});

	test('a catalogue that does not answer in time (5 s)', async () => {
		const hang = await startRecorder(() => undefined);
		try {
			const started = Date.now();
			const { values } = await list({ credentials: { ...devServer(), baseUrl: hang.url } });
			expect(values).toEqual(I2V_TABLE);
			expect(Date.now() - started).toBeLessThan(8000);
		} finally {
			await hang.close();
		}
	}, 15000);

	test('through AOG the DashScope catalogue is not asked, even with a DashScope credential on the node', async () => {
		const { values } = await list({
			operation: 'textToVideo',
			authentication: 'aogApi',
			credentials: { baseUrl: dashScope.url },
			dashScopeToo: devServer(),
		});
		expect(values).toEqual(Object.keys(DASHSCOPE_TEXT_MODELS));
		expect(catalogueRequests()).toHaveLength(0);
	});
});

describe('the key goes only to the credential host', () => {
	test('a Base URL that redirects elsewhere: not followed, no key there, the table alone', async () => {
		const redirector = await startRecorder((res) =>
			res.writeHead(302, { Location: `${elsewhere.url}/api/v1/models` }).end(),
		);
		try {
			const { values, sent } = await list({ credentials: { ...devServer(), baseUrl: redirector.url } });
			expect(values).toEqual(I2V_TABLE);
			expect(redirector.hits).toHaveLength(1);
			expect(redirector.hits[0].authorization).toBe(`Bearer ${dashScope.apiKey}`);
			expect(elsewhere.hits).toHaveLength(0);
			// Every request n8n authenticated went to the credential's own origin.
			expect(sent.map((request) => new URL(request.url).origin)).toEqual([redirector.url]);
		} finally {
			await redirector.close();
		}
	});
});
