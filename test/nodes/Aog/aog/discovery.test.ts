import { mergeModelLists, modelsFromControlPanel, modelsFromModelList } from '../../../../nodes/Aog/aog/discovery';

describe('modelsFromControlPanel (GET /aog/v0.2/control_panel/modellist)', () => {
	const page = (rows: unknown[]) => ({
		business_code: 30000,
		message: 'success',
		data: { data: rows, page: 1, page_size: 50, total: rows.length, total_page: 1 },
	});

	it('reads the models of the image-to-video service and whether they can be selected', () => {
		const json = page([
			{ name: 'wan2.2-i2v-plus', service_name: 'image-to-video', flavor: 'aliyun', can_select: true },
			{ name: 'wan2.1-i2v-turbo', service_name: 'image-to-video', flavor: 'aliyun', can_select: false },
			{ name: 'qwen-max', service_name: 'chat', can_select: true },
			{ name: 'unlabelled-model', can_select: true },
			{ name: 42, service_name: 'image-to-video', can_select: true },
			null,
			'wan2.2-i2v-plus',
		]);
		expect(modelsFromControlPanel(json)).toEqual([
			{ name: 'wan2.2-i2v-plus', installed: true },
			{ name: 'wan2.1-i2v-turbo', installed: false },
			{ name: 'unlabelled-model', installed: true },
		]);
	});

	it('treats anything but can_select: true as not installed', () => {
		expect(
			modelsFromControlPanel(
				page([
					{ name: 'm', service_name: 'image-to-video', can_select: 'true' },
					{ name: 'n', service_name: 'image-to-video' },
				]),
			),
		).toEqual([
			{ name: 'm', installed: false },
			{ name: 'n', installed: false },
		]);
	});

	it('returns [] for an empty page', () => {
		expect(modelsFromControlPanel(page([]))).toEqual([]);
	});

	it.each([
		['null', null],
		['a string', '<!DOCTYPE html>'],
		['no data', { business_code: 30000 }],
		['data without data[]', { data: { page: 1 } }],
		['data.data not an array', { data: { data: { name: 'x' } } }],
		['the /model answer shape', { data: [{ model_name: 'wan2.2-i2v-plus' }] }],
	])('returns undefined for %s (discovery not available)', (_name, json) => {
		expect(modelsFromControlPanel(json)).toBeUndefined();
	});
});

describe('modelsFromModelList (GET /aog/v0.2/model)', () => {
	it('filters on service_name itself, since the server ignores filters, and reads status', () => {
		const json = {
			business_code: 30000,
			message: 'success',
			data: [
				{
					model_name: 'wan2.2-i2v-plus',
					provider_name: 'remote_aliyun_image-to-video',
					status: 'downloaded',
					service_name: 'image-to-video',
				},
				{
					model_name: 'wan2.1-i2v-plus',
					provider_name: 'remote_aliyun_image-to-video',
					status: 'downloading',
					service_name: 'image-to-video',
				},
				{ model_name: 'qwen2.5:0.5b', provider_name: 'local_ollama_chat', status: 'downloaded', service_name: 'chat' },
				{ model_name: 'no-service', status: 'downloaded' },
				{ model_name: 7, status: 'downloaded', service_name: 'image-to-video' },
				null,
			],
		};
		expect(modelsFromModelList(json)).toEqual([
			{ name: 'wan2.2-i2v-plus', installed: true },
			{ name: 'wan2.1-i2v-plus', installed: false },
		]);
	});

	it.each([
		['null', null],
		['no data', { business_code: 30000 }],
		['data not an array', { data: { data: [] } }],
	])('returns undefined for %s', (_name, json) => {
		expect(modelsFromModelList(json)).toBeUndefined();
	});

	it('returns [] when no image-to-video model is listed', () => {
		expect(modelsFromModelList({ data: [] })).toEqual([]);
	});
});

describe('mergeModelLists', () => {
	it('keeps the first-seen order, lists each model once, and a model usable in any list is usable', () => {
		const merged = mergeModelLists([
			[{ name: 'wan2.2-i2v-plus', installed: true }],
			[
				{ name: 'wan2.2-i2v-plus', installed: false },
				{ name: 'wan2.2-i2v-flash', installed: true },
				{ name: 'wan2.5-i2v-preview', installed: false },
			],
		]);
		expect(merged).toEqual([
			{ name: 'wan2.2-i2v-plus', installed: true },
			{ name: 'wan2.2-i2v-flash', installed: true },
			{ name: 'wan2.5-i2v-preview', installed: false },
		]);
		expect(mergeModelLists([[{ name: 'a', installed: false }], [{ name: 'a', installed: true }]])).toEqual([
			{ name: 'a', installed: true },
		]);
	});
});
