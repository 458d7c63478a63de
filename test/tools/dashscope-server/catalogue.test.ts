// The DashScope dev server's model catalogue (GET /api/v1/models), by real HTTP calls: the region's video models, the
// account-only one and the other kinds, in pages, with the region's key only.
import {
	ACCOUNT_ONLY_VIDEO_MODEL,
	modelsOf,
	startDashScopeServer,
	type DashScopeServer,
} from '../../../tools/dashscope-server';

let beijing: DashScopeServer;
let singapore: DashScopeServer;

beforeAll(async () => {
	beijing = await startDashScopeServer({});
	singapore = await startDashScopeServer({ region: 'singapore' });
});
afterAll(async () => {
	await beijing.close();
	await singapore.close();
});

async function models(server: DashScopeServer, query: string, key = server.apiKey) {
	const response = await fetch(`${server.url}/api/v1/models${query}`, { headers: { authorization: `Bearer ${key}` } });
	return { status: response.status, json: (await response.json()) as any };
}

test("one page of 100: the region's video models, the account-only one and other kinds, with their modalities", async () => {
	const { status, json } = await models(beijing, '?page_no=1&page_size=100');
	expect(status).toBe(200);
	const ids = json.output.models.map((entry: { model: string }) => entry.model);
	expect(ids).toEqual(['qwen-plus', ...modelsOf('beijing'), ACCOUNT_ONLY_VIDEO_MODEL, 'wan2.6-t2i', 'wan2.2-s2v']);
	expect(json.output).toMatchObject({ total: ids.length, page_no: 1, page_size: 100 });
	expect(json.output.models[1]).toMatchObject({
		model: 'wan2.2-i2v-plus',
		inference_metadata: { request_modality: ['Text', 'Image'], response_modality: ['Video'] },
	});
	expect(ids).toContain('wanx2.1-i2v-turbo');
	expect(ids).not.toContain('wan2.1-i2v-turbo');
});

test('pages of 5 cover the whole catalogue once, the last one short', async () => {
	const { json: first } = await models(singapore, '?page_no=1&page_size=5');
	const total: number = first.output.total;
	const seen: string[] = [];
	for (let page = 1; page <= Math.ceil(total / 5); page++) {
		const { json } = await models(singapore, `?page_no=${page}&page_size=5`);
		seen.push(...json.output.models.map((entry: { model: string }) => entry.model));
	}
	expect(seen).toHaveLength(total);
	expect(new Set(seen).size).toBe(total);
	expect(seen).toContain('wan2.1-i2v-turbo');
	expect((await models(singapore, `?page_no=${Math.ceil(total / 5) + 1}&page_size=5`)).json.output.models).toEqual([]);
});

test("another region's key or none: 401 InvalidApiKey", async () => {
	const other = await models(beijing, '', 'sk-test-singapore');
	expect(other).toMatchObject({ status: 401, json: { code: 'InvalidApiKey' } });
	const response = await fetch(`${beijing.url}/api/v1/models`);
	expect(response.status).toBe(401);
});
