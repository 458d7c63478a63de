// The model list (resource locator "From List") runs in n8n-core's real LoadOptionsContext, with the real
// credential and httpRequestWithAuthentication, against the dev server and against gateways whose discovery fails.
import '../../../../tools/harness/setup';

import http from 'node:http';

import { searchModels, startAogServer, type AogServer } from '../support';

/** A gateway answering every request with the given status, content type and body. */
async function fakeGateway(answer: (path: string) => { status: number; type: string; body: string }) {
	const seen: string[] = [];
	const server = http.createServer((request, response) => {
		seen.push(request.url ?? '');
		const { status, type, body } = answer(request.url ?? '');
		response.writeHead(status, { 'Content-Type': type });
		response.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}`,
		seen,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

let aog: AogServer;
beforeAll(async () => {
	aog = await startAogServer({ port: 0 });
});
afterAll(async () => await aog.close());
beforeEach(() => aog.reset());

it('lists the image-to-video models of the control panel list and of /aog/v0.2/model, once each', async () => {
	const { results } = await searchModels(aog.url);
	expect(results).toEqual([{ name: 'wan2.2-i2v-plus', value: 'wan2.2-i2v-plus' }]);
	expect(aog.counters).toMatchObject({ modelList: 1, models: 1 });
	const request = aog.lastRequests.find((logged) => logged.path.startsWith('/aog/v0.2/control_panel/modellist'))!;
	expect(request.path).toMatch(/^\/aog\/v0\.2\/control_panel\/modellist\?/);
	expect(request.path).toContain('service_name=image-to-video');
});

it('shows registered models the control panel leaves out (it lists only the catalogue model), marking which are usable', async () => {
	const gateway = await fakeGateway((path) => {
		if (path.startsWith('/aog/v0.2/control_panel/modellist')) {
			const rows = [{ name: 'wan2.2-i2v-plus', service_name: 'image-to-video', can_select: true }];
			return {
				status: 200,
				type: 'application/json; charset=utf-8',
				body: JSON.stringify({
					business_code: 30000,
					message: 'ok',
					data: { data: rows, page: 1, page_size: 50, total: 1, total_page: 1 },
				}),
			};
		}
		const rows = [
			{ model_name: 'wan2.2-i2v-plus', service_name: 'image-to-video', status: 'downloaded' },
			{ model_name: 'wan2.2-i2v-flash', service_name: 'image-to-video', status: 'downloaded' },
			{ model_name: 'wan2.5-i2v-preview', service_name: 'image-to-video', status: 'downloading' },
			{ model_name: 'qwen-max', service_name: 'chat', status: 'downloaded' },
		];
		return {
			status: 200,
			type: 'application/json; charset=utf-8',
			body: JSON.stringify({ business_code: 30000, message: 'ok', data: rows }),
		};
	});
	try {
		const { results } = await searchModels(gateway.url);
		expect(results).toEqual([
			{ name: 'wan2.2-i2v-plus', value: 'wan2.2-i2v-plus' },
			{ name: 'wan2.2-i2v-flash', value: 'wan2.2-i2v-flash' },
			{ name: 'wan2.5-i2v-preview (not installed)', value: 'wan2.5-i2v-preview' },
		]);
	} finally {
		await gateway.close();
	}
});

it('filters by the search text', async () => {
	expect((await searchModels(aog.url, { filter: 'I2V' })).results).toHaveLength(1);
	expect((await searchModels(aog.url, { filter: 'kling' })).results).toHaveLength(0);
});

it('falls back to /aog/v0.2/model, keeping only image-to-video models and marking ones not downloaded', async () => {
	const gateway = await fakeGateway((path) =>
		path.startsWith('/aog/v0.2/model')
			? {
					status: 200,
					type: 'application/json; charset=utf-8',
					body: JSON.stringify({
						business_code: 30000,
						message: 'ok',
						data: [
							{ model_name: 'wan2.2-i2v-plus', service_name: 'image-to-video', status: 'downloaded' },
							{ model_name: 'wan2.5-i2v-preview', service_name: 'image-to-video', status: 'downloading' },
							{ model_name: 'qwen-max', service_name: 'chat', status: 'downloaded' },
						],
					}),
				}
			: { status: 404, type: 'application/json', body: '{}' },
	);
	try {
		const { results } = await searchModels(gateway.url);
		expect(results).toEqual([
			{ name: 'wan2.2-i2v-plus', value: 'wan2.2-i2v-plus' },
			{ name: 'wan2.5-i2v-preview (not installed)', value: 'wan2.5-i2v-preview' },
		]);
		expect(gateway.seen.map((path) => path.split('?')[0])).toEqual([
			'/aog/v0.2/control_panel/modellist',
			'/aog/v0.2/model',
		]);
	} finally {
		await gateway.close();
	}
});

it('says why the list is empty when discovery fails (HTML answers), still offering the default model', async () => {
	const gateway = await fakeGateway(() => ({
		status: 200,
		type: 'text/html; charset=utf-8',
		body: '<!doctype html><title>AOG</title>',
	}));
	try {
		const { results } = await searchModels(gateway.url);
		expect(results).toHaveLength(1);
		expect(results[0].value).toBe('wan2.2-i2v-plus');
		expect(results[0].name).toContain('model list unavailable');
		expect(results[0].name).toContain('answered 200 without JSON');
		expect(results[0].name).toContain('use "By Name"');
	} finally {
		await gateway.close();
	}
});

it('says so when the gateway cannot be reached at all', async () => {
	const gateway = await fakeGateway(() => ({ status: 200, type: 'text/plain', body: '' }));
	await gateway.close();
	const { results } = await searchModels(gateway.url);
	expect(results).toHaveLength(1);
	expect(results[0].name).toMatch(/model list unavailable: \/aog\/v0\.2\/control_panel\/modellist failed: .*refused/i);
});
