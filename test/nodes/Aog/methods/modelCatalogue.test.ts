// The account's model catalogue, read and merged without a request: the mode of a model by its name, the catalogue's
// answer shapes, its pages, and the list a field shows. An account-only model then passes the node's checks with the
// body of its family.
import {
	CATALOGUE_MAX_PAGES,
	CATALOGUE_PAGE_SIZE,
	collectCatalogue,
	familyOf,
	mergeWithTable,
	modelsOfFamily,
	readCataloguePage,
	type TableModel,
} from '../../../../nodes/Aog/methods/modelCatalogue';
import { checkDashScopeOptions, dashScopeImageToVideoBody } from '../../../../nodes/Aog/dashscope/models';
import { checkTextToVideo } from '../../../../nodes/Aog/dashscope/textModels';

describe('familyOf: the video mode by the model name', () => {
	it.each([
		['wan2.2-i2v-plus', 'i2v'],
		['wan2.6-i2v-flash', 'i2v'],
		['wan2.7-i2v', 'i2v'],
		['wan2.8-i2v-preview', 'i2v'],
		['wanx2.1-i2v-turbo', 'i2v'],
		['wan2.6-i2v-us', 'i2v'],
		['WAN2.6-I2V ', 'i2v'],
		['wan2.2-t2v-plus', 't2v'],
		['wanx2.1-t2v-turbo', 't2v'],
		['wan2.7-t2v', 't2v'],
		['wanx2.1-kf2v-plus', 'kf2v'],
		['wan2.2-kf2v-flash', 'kf2v'],
		['wan2.6-r2v', 'r2v'],
		['wan2.6-r2v-flash', 'r2v'],
		['wan2.7-r2v', 'r2v'],
		['wan2.7-videoedit', 'videoedit'],
		['wan2.9-video-edit', 'videoedit'],
	])('%s is %s', (model, family) => {
		expect(familyOf(model)).toBe(family);
	});

	it.each([
		'qwen-plus',
		'wan2.6-t2i',
		'wan2.2-s2v',
		'wan2.2-animate-move',
		'wan2.1-vace-plus',
		'happyhorse-1.0-t2v',
		'qwen-i2v',
		'wan2.6-i2vx',
		'wan2.6-xi2v',
		'',
	])('%s is no video mode of the node', (model) => {
		expect(familyOf(model)).toBeUndefined();
	});

	it('modelsOfFamily keeps one mode, in order, each once', () => {
		const ids = ['wan2.6-t2v', 'wan2.8-i2v-preview', 'qwen-plus', 'wan2.6-i2v', ' wan2.8-i2v-preview', 'wan2.6-r2v'];
		expect(modelsOfFamily(ids, 'i2v')).toEqual(['wan2.8-i2v-preview', 'wan2.6-i2v']);
		expect(modelsOfFamily(ids, 't2v')).toEqual(['wan2.6-t2v']);
		expect(modelsOfFamily(ids, 'r2v')).toEqual(['wan2.6-r2v']);
		expect(modelsOfFamily(ids, 'kf2v')).toEqual([]);
	});
});

describe('readCataloguePage: the answer of GET /api/v1/models', () => {
	it("reads Model Studio's shape: output.models[].model and output.total", () => {
		const answer = {
			request_id: 'r',
			output: { total: 3, page_no: 1, page_size: 100, models: [{ model: 'qwen-plus' }, { model: 'wan2.6-i2v' }] },
		};
		expect(readCataloguePage(answer)).toEqual({ modelIds: ['qwen-plus', 'wan2.6-i2v'], total: 3 });
	});

	it('reads data instead of models, a list at the top level, and OpenAI-style ids', () => {
		expect(readCataloguePage({ output: { data: [{ model: 'a' }] } })).toEqual({ modelIds: ['a'] });
		expect(readCataloguePage({ data: [{ id: 'b', object: 'model' }] })).toEqual({ modelIds: ['b'] });
		expect(readCataloguePage({ models: [{ model: ' c ' }, { name: 'no id' }, { model: 7 }, null] })).toEqual({
			modelIds: ['c'],
		});
	});

	it.each([
		['nothing', undefined],
		['a text', '<html>Welcome</html>'],
		['an error body', { code: 'InvalidApiKey', message: 'Invalid API-key provided.' }],
		['a list of another field', { output: { tasks: [] } }],
		['models that are no list', { output: { models: 'wan2.6-i2v' } }],
		['an array', [{ model: 'wan2.6-i2v' }]],
	])('%s is not the catalogue', (_, answer) => {
		expect(readCataloguePage(answer)).toBeUndefined();
	});
});

describe('collectCatalogue: every page, then stop', () => {
	const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `model-${from + i}`);
	const page = (modelIds: string[], total?: number) => ({
		output: { total, models: modelIds.map((model) => ({ model })) },
	});

	it('reads pages until a short one, asking page_no 1, 2… with the page size', async () => {
		const asked: Array<[number, number]> = [];
		const all = await collectCatalogue(async (pageNo, pageSize) => {
			asked.push([pageNo, pageSize]);
			return page(pageNo < 3 ? ids((pageNo - 1) * pageSize, pageSize) : ids(200, 5));
		});
		expect(asked).toEqual([
			[1, CATALOGUE_PAGE_SIZE],
			[2, CATALOGUE_PAGE_SIZE],
			[3, CATALOGUE_PAGE_SIZE],
		]);
		expect(all).toHaveLength(2 * CATALOGUE_PAGE_SIZE + 5);
	});

	it('stops at the total it reports, and after the last page allowed', async () => {
		let calls = 0;
		await collectCatalogue(async (pageNo, size) => (calls++, page(ids(pageNo * size, size), size)));
		expect(calls).toBe(1);
		calls = 0;
		const endless = await collectCatalogue(async (pageNo, size) => (calls++, page(ids(pageNo * size, size))));
		expect(calls).toBe(CATALOGUE_MAX_PAGES);
		expect(endless).toHaveLength(CATALOGUE_MAX_PAGES * CATALOGUE_PAGE_SIZE);
	});

	it('one page of another shape, or a failed one, and there is no catalogue', async () => {
		const full = page(ids(0, CATALOGUE_PAGE_SIZE));
		expect(await collectCatalogue(async (pageNo) => (pageNo === 1 ? full : '<html>'))).toBeUndefined();
		await expect(
			collectCatalogue(async () => {
				throw new Error('refused');
			}),
		).rejects.toThrow('refused');
	});
});

describe('mergeWithTable: the list a field shows', () => {
	const table: TableModel[] = [
		{ id: 'wan2.6-i2v', displayName: 'Wan 2.6' },
		{ id: 'wan2.2-i2v-plus', displayName: 'Wan 2.2 Plus' },
	];
	const account = ['qwen-plus', 'wan2.6-t2v', 'wan2.8-i2v-preview', 'WAN2.6-I2V', 'wan2.9-i2v'];

	it('the table first, described, then the account-only models of the mode, marked', () => {
		expect(mergeWithTable(table, account, 'i2v')).toEqual([
			{
				name: 'wan2.6-i2v (Wan 2.6)',
				value: 'wan2.6-i2v',
				description: 'Wan 2.6: the node knows its limits, and your account offers it',
			},
			{
				name: 'wan2.2-i2v-plus (Wan 2.2 Plus)',
				value: 'wan2.2-i2v-plus',
				description: expect.not.stringMatching(/account/),
			},
			{
				name: 'wan2.8-i2v-preview (from your account)',
				value: 'wan2.8-i2v-preview',
				description: expect.stringMatching(/DashScope checks/),
			},
			{ name: 'wan2.9-i2v (from your account)', value: 'wan2.9-i2v', description: expect.any(String) },
		]);
	});

	it('without a catalogue: the table alone', () => {
		expect(mergeWithTable(table, undefined, 'i2v').map((choice) => choice.value)).toEqual([
			'wan2.6-i2v',
			'wan2.2-i2v-plus',
		]);
		expect(mergeWithTable(table, undefined, 'i2v')[0].description).toBe('Wan 2.6: the node knows its limits');
	});

	it('the filter matches ids and model names, in any case', () => {
		expect(mergeWithTable(table, account, 'i2v', 'PLUS').map((choice) => choice.value)).toEqual(['wan2.2-i2v-plus']);
		expect(mergeWithTable(table, account, 'i2v', 'wan 2.6').map((choice) => choice.value)).toEqual(['wan2.6-i2v']);
		expect(mergeWithTable(table, account, 'i2v', 'account').map((choice) => choice.value)).toEqual([
			'wan2.8-i2v-preview',
			'wan2.9-i2v',
		]);
	});

	it("a new mode's field lists its own family from the same catalogue", () => {
		const ids = ['wan2.2-kf2v-flash', 'wan2.6-i2v', 'wanx2.1-kf2v-plus'];
		expect(mergeWithTable([], ids, 'kf2v').map((choice) => choice.value)).toEqual([
			'wan2.2-kf2v-flash',
			'wanx2.1-kf2v-plus',
		]);
	});
});

describe('an account-only model passes with the body of its family', () => {
	it('a newer image-to-video model is not refused, and gets the media body of Wan 2.7 and later', () => {
		expect(() =>
			checkDashScopeOptions('wan2.8-i2v-preview', 'a cat', { resolution: '4K', duration: 12 }),
		).not.toThrow();
		const body = JSON.parse(
			String(dashScopeImageToVideoBody('wan2.8-i2v-preview', 'https://x.test/a.png', 'a cat', {})),
		);
		expect(body.input).toEqual({ media: [{ type: 'first_frame', url: 'https://x.test/a.png' }], prompt: 'a cat' });
	});

	it('a newer text-to-video model is not refused', () => {
		expect(() => checkTextToVideo('wan2.8-t2v', 'a cat', { size: '3840*2160', duration: 12 })).not.toThrow();
	});
});
