// Reference to Video's checks and body per model, against the documented values (docs/DASHSCOPE-API.md, "Reference
// to video").
import {
	checkReferences,
	REFERENCE_MODELS,
	REFERENCE_SIZES,
	referencesRequest,
	type Reference,
} from '../../../../nodes/Aog/dashscope/references';
import type { DashScopeVideoOptions } from '../../../../nodes/Aog/dashscope/models';
import { IMAGE_TO_VIDEO_PATH } from '../../../../nodes/Aog/dashscope/request';
import { properties, REFERENCE_SLOTS } from '../../../../nodes/Aog/operations/referenceToVideo.properties';
import { inputError } from '../../../support/inputError';

const PROMPT = 'character1 waves at character2';
const picture: Reference = { kind: 'image', url: 'oss://dir/reference1.jpg' };
const clip: Reference = { kind: 'video', url: 'https://example.com/clip.mp4' };
const refused = (model: string, options: DashScopeVideoOptions, prompt = PROMPT) =>
	inputError(() => checkReferences(model, prompt, options));
const body = (model: string, references: Reference[], options: DashScopeVideoOptions = {}) =>
	JSON.parse(String(referencesRequest(model, references, PROMPT, options).body));

describe('the reference-to-video models', () => {
	it('are the three documented ones, with the ten r2v sizes and 2–10 s', () => {
		expect(Object.keys(REFERENCE_MODELS)).toEqual(['wan2.6-r2v', 'wan2.6-r2v-flash', 'wan2.7-r2v']);
		for (const model of Object.values(REFERENCE_MODELS)) {
			expect([...model.sizes].sort()).toEqual([...REFERENCE_SIZES].sort());
			expect(model.durations).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
		}
	});

	it.each(Object.keys(REFERENCE_MODELS))('%s takes every r2v size, 2 and 10 s, a shot type', (model) => {
		for (const size of REFERENCE_SIZES) expect(() => checkReferences(model, PROMPT, { size })).not.toThrow();
		expect(() => checkReferences(model, PROMPT, { duration: 2, shotType: 'multi', seed: 7 })).not.toThrow();
		expect(() => checkReferences(model, PROMPT, { duration: 10 })).not.toThrow();
	});
});

describe('checkReferences', () => {
	it('refuses a size, a length and a shot type the model does not take, naming the option and the allowed values', () => {
		const size = refused('wan2.6-r2v-flash', { size: '832*480' });
		expect(size.message).toBe('Options → Size is 832*480, which wan2.6-r2v-flash does not make');
		expect(size.description).toContain('1920*1080');
		expect(refused('wan2.7-r2v', { duration: 1 }).message).toBe(
			'Options → Duration (Seconds) is 1, which wan2.7-r2v does not make',
		);
		expect(refused('wan2.6-r2v', { duration: 11 }).description).toContain('2–10 s videos');
		expect(refused('wan2.6-r2v', { shotType: 'multi', promptExtend: false }).message).toBe(
			'Options → Shot Type needs Options → Prompt Extend',
		);
		expect(refused('wan2.6-r2v', { size: '1280x720' }).message).toBe('Options → Size is 1280x720, not a size');
	});

	it('refuses an empty prompt, one over 2000 characters, and models of the other modes', () => {
		expect(refused('wan2.6-r2v', {}, '  ').description).toContain('character1, character2');
		expect(refused('wan2.6-r2v', {}, 'x'.repeat(2001)).message).toMatch(/takes at most 2000/);
		expect(refused('wan2.2-i2v-plus', {}).message).toBe('wan2.2-i2v-plus is not a reference-to-video model');
		expect(refused('wan2.6-t2v', {}).description).toContain('Text to Video');
	});

	it('lets a model it does not know pass with any size and length: DashScope judges it', () => {
		expect(() => checkReferences('wan2.8-r2v', PROMPT, { size: '1234*567', duration: 14 })).not.toThrow();
	});
});

describe('referencesRequest', () => {
	it('Wan 2.6: clips alone in reference_video_urls; with a picture, everything in reference_urls, in order', () => {
		expect(body('wan2.6-r2v', [clip, clip]).input).toEqual({
			prompt: PROMPT,
			reference_video_urls: [clip.url, clip.url],
		});
		expect(body('wan2.6-r2v-flash', [clip, picture]).input).toEqual({
			prompt: PROMPT,
			reference_urls: [clip.url, picture.url],
		});
	});

	it('Wan 2.7 and unknown newer models: media entries; an unknown 2.6 name: the URL lists', () => {
		const media = [
			{ type: 'reference_image', url: picture.url },
			{ type: 'reference_video', url: clip.url },
		];
		expect(body('wan2.7-r2v', [picture, clip]).input).toEqual({ prompt: PROMPT, media });
		expect(body('wan2.8-r2v', [picture, clip]).input).toEqual({ prompt: PROMPT, media });
		expect(body('wan2.6-r2v-us', [picture]).input).toEqual({ prompt: PROMPT, reference_urls: [picture.url] });
	});

	it('sends only the options set, under DashScope’s names, to the common endpoint with the given headers', () => {
		expect(body('wan2.6-r2v', [picture]).parameters).toEqual({});
		const request = referencesRequest(
			'wan2.6-r2v',
			[picture],
			PROMPT,
			{
				size: '1280*720',
				duration: 4,
				shotType: 'single',
				promptExtend: true,
				seed: 0,
				watermark: false,
				negativePrompt: 'blur',
			},
			{ 'X-DashScope-OssResourceResolve': 'enable' },
		);
		expect(request.path).toBe(IMAGE_TO_VIDEO_PATH);
		expect(request.headers).toEqual({ 'X-DashScope-OssResourceResolve': 'enable' });
		expect(JSON.parse(String(request.body))).toEqual({
			model: 'wan2.6-r2v',
			input: { prompt: PROMPT, reference_urls: [picture.url], negative_prompt: 'blur' },
			parameters: {
				size: '1280*720',
				duration: 4,
				shot_type: 'single',
				prompt_extend: true,
				seed: 0,
				watermark: false,
			},
		});
	});
});

describe('the fields', () => {
	it('Reference 1 is required and reads `data`; 2 and 3 default to None and read their own binary field', () => {
		expect(
			REFERENCE_SLOTS.map(({ name, required, binaryProperty, kinds }) => [name, required, binaryProperty, kinds]),
		).toEqual([
			['reference1', true, 'data', ['image', 'video']],
			['reference2', false, 'reference2', ['image', 'video']],
			['reference3', false, 'reference3', ['image', 'video']],
		]);
		const source = (n: number) => properties.find((p) => p.name === `reference${n}Source`);
		expect([1, 2, 3].map((n) => source(n)?.default)).toEqual(['binary', 'none', 'none']);
	});

	it('the prompt is required and says how to name the subjects; Size offers exactly the r2v sizes', () => {
		const prompt = properties.find((p) => p.name === 'prompt');
		expect(prompt?.required).toBe(true);
		expect(prompt?.description).toMatch(/character1, character2 and character3, in the order of Reference 1, 2 and 3/);
		const options = properties.find((p) => p.name === 'options')?.options as Array<{ name: string; options?: unknown }>;
		const size = options.find((o) => o.name === 'size') as { options: Array<{ value: string; name: string }> };
		expect(size.options.map((o) => o.value).sort()).toEqual([...REFERENCE_SIZES].sort());
		expect(size.options.find((o) => o.value === '1080*1920')?.name).toBe('1080×1920 (9:16, Shorts/Reels/TikTok)');
		expect(options.map((o) => o.name)).toEqual(
			expect.arrayContaining(['duration', 'shotType', 'negativePrompt', 'promptExtend', 'seed', 'watermark']),
		);
		expect(options.map((o) => o.name)).not.toContain('resolution');
	});
});
