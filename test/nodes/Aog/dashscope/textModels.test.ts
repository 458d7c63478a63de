// Text to Video's checks and body per model, against the documented values (docs/DASHSCOPE-API.md, "The rest of the
// Wan video family").
import type { INodeProperties } from 'n8n-workflow';

import { dashScopeTextToVideoBody, type DashScopeVideoOptions } from '../../../../nodes/Aog/dashscope/models';
import { DASHSCOPE_TEXT_MODELS } from '../../../../nodes/Aog/dashscope/modelTable';
import { checkTextToVideo } from '../../../../nodes/Aog/dashscope/textModels';
import { DEFAULT_TEXT_MODEL } from '../../../../nodes/Aog/dashscope/modelTable';
import { properties } from '../../../../nodes/Aog/operations/textToVideo.properties';
import { InputError } from '../../../../nodes/Aog/run/failures';

const PROMPT = 'a lighthouse at dusk';
const WAN22_SIZES = ['832*480', '480*832', '624*624', '1920*1080', '1080*1920', '1440*1440', '1632*1248', '1248*1632'];

function inputError(model: string, options: DashScopeVideoOptions, prompt = PROMPT): InputError {
	try {
		checkTextToVideo(model, prompt, options);
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error(`no InputError for ${model} ${JSON.stringify(options)}`);
}
const body = (model: string, options: DashScopeVideoOptions = {}, prompt = PROMPT) =>
	JSON.parse(dashScopeTextToVideoBody(model, prompt, options));

describe('DASHSCOPE_TEXT_MODELS', () => {
	it('knows the documented text-to-video models, the default among them, by both 2.1 spellings', () => {
		expect(Object.keys(DASHSCOPE_TEXT_MODELS).sort()).toEqual(
			[
				'wan2.2-t2v-plus',
				'wan2.5-t2v-preview',
				'wan2.6-t2v',
				'wan2.7-t2v',
				'wanx2.1-t2v-turbo',
				'wanx2.1-t2v-plus',
				'wan2.1-t2v-turbo',
				'wan2.1-t2v-plus',
			].sort(),
		);
		expect(DASHSCOPE_TEXT_MODELS[DEFAULT_TEXT_MODEL]).toBeDefined();
	});

	it('holds the documented sizes and durations', () => {
		expect([...DASHSCOPE_TEXT_MODELS['wan2.2-t2v-plus'].sizes!].sort()).toEqual([...WAN22_SIZES].sort());
		expect(DASHSCOPE_TEXT_MODELS['wan2.2-t2v-plus'].durations).toBe('fixed 5');
		expect(DASHSCOPE_TEXT_MODELS['wan2.5-t2v-preview'].durations).toEqual([5, 10]);
		expect(DASHSCOPE_TEXT_MODELS['wan2.6-t2v'].durations).toEqual(Array.from({ length: 14 }, (_, i) => i + 2));
		expect(DASHSCOPE_TEXT_MODELS['wan2.6-t2v'].shotType).toBe(true);
		expect(DASHSCOPE_TEXT_MODELS['wan2.7-t2v'].sizes).toBeUndefined();
		expect(DASHSCOPE_TEXT_MODELS['wan2.7-t2v'].bodyShape).toBe('media');
	});
});

describe('checkTextToVideo', () => {
	it.each(WAN22_SIZES)('wan2.2-t2v-plus makes %s', (size) => {
		expect(() => checkTextToVideo('wan2.2-t2v-plus', PROMPT, { size })).not.toThrow();
	});

	it('refuses a size the model does not make, naming the option and the allowed sizes', () => {
		const error = inputError('wan2.2-t2v-plus', { size: '1280*720' });
		expect(error.message).toBe('Options → Size is 1280*720, which wan2.2-t2v-plus does not make');
		for (const size of WAN22_SIZES) expect(error.description).toContain(size);
		expect(error.description).toContain('Models that offer 1280*720: wan2.5-t2v-preview, wan2.6-t2v');
		expect(inputError('wan2.6-t2v', { size: '832*480' }).message).toMatch(/Options → Size is 832\*480/);
		expect(inputError('wanx2.1-t2v-plus', { size: '1920*1080' }).description).toMatch(/1280\*720/);
	});

	it('refuses what is not a size at all, for any model', () => {
		expect(inputError('wan9.9-t2v-next', { size: '1080P' }).message).toBe('Options → Size is 1080P, not a size');
	});

	it.each([
		['wan2.2-t2v-plus', 10, /5 s videos only/],
		['wan2.5-t2v-preview', 7, /5 or 10 s videos/],
		['wan2.6-t2v', 16, /2–15 s videos/],
		['wanx2.1-t2v-turbo', 3, /5 s videos only/],
	])('%s refuses %i s', (model, duration, allowed) => {
		const error = inputError(model, { duration });
		expect(error.message).toBe(`Options → Duration (Seconds) is ${duration}, which ${model} does not make`);
		expect(error.description).toMatch(allowed);
	});

	it('allows the documented durations', () => {
		for (const duration of [5, 10]) checkTextToVideo('wan2.5-t2v-preview', PROMPT, { duration });
		for (const duration of [2, 15]) checkTextToVideo('wan2.6-t2v', PROMPT, { duration });
		checkTextToVideo('wan2.2-t2v-plus', PROMPT, { duration: 5 });
	});

	it('audio switch, audio track and shot type only where the model has them', () => {
		expect(inputError('wan2.2-t2v-plus', { audio: true }).message).toBe(
			'Options → Audio is not available for wan2.2-t2v-plus',
		);
		expect(inputError('wan2.5-t2v-preview', { audio: false }).description).toMatch(
			/Models that offer the switch: wan2\.6-t2v/,
		);
		checkTextToVideo('wan2.6-t2v', PROMPT, { audio: false, shotType: 'multi' });
		expect(inputError('wan2.2-t2v-plus', { audioUrl: 'https://example.com/a.mp3' }).message).toBe(
			'Audio Source is not available for wan2.2-t2v-plus',
		);
		checkTextToVideo('wan2.5-t2v-preview', PROMPT, { audioUrl: 'https://example.com/a.mp3' });
		expect(inputError('wan2.5-t2v-preview', { shotType: 'multi' }).message).toBe(
			'Options → Shot Type is not available for wan2.5-t2v-preview',
		);
		expect(inputError('wan2.6-t2v', { shotType: 'multi', promptExtend: false }).message).toMatch(
			/needs Options → Prompt Extend/,
		);
	});

	it('the prompt: required, and at most what the model takes', () => {
		expect(inputError('wan2.2-t2v-plus', {}, '  ').message).toBe('Prompt is empty');
		expect(inputError('wan2.2-t2v-plus', {}, 'x'.repeat(801)).message).toMatch(
			/801 characters; wan2\.2-t2v-plus takes at most 800/,
		);
		checkTextToVideo('wan2.6-t2v', 'x'.repeat(2000), {});
		expect(inputError('wan2.6-t2v', {}, 'x'.repeat(2001)).message).toMatch(/at most 2000/);
	});

	it('an image-to-video model is refused, an unknown one passes with generic checks only', () => {
		expect(inputError('wan2.6-i2v', {}).message).toBe('wan2.6-i2v is an image-to-video model');
		checkTextToVideo('wan3.0-t2v', PROMPT, { size: '4096*2160', duration: 30, audio: true, shotType: 'multi' });
		expect(inputError('wan3.0-t2v', { seed: -1 }).message).toMatch(/Options → Seed/);
		expect(inputError('wan3.0-t2v', { duration: 2.5 }).message).toMatch(/not a whole number/);
		expect(inputError('wan3.0-t2v', { audioUrl: 'ftp://x' }).message).toBe('Audio URL is not an http(s) URL');
		expect(inputError('wan3.0-t2v', { audioUrl: '' }).message).toBe('Audio URL is empty');
	});
});

describe('dashScopeTextToVideoBody', () => {
	it('sends the prompt and nothing the user left unset (DashScope applies its defaults)', () => {
		expect(body('wan2.2-t2v-plus')).toEqual({ model: 'wan2.2-t2v-plus', input: { prompt: PROMPT }, parameters: {} });
	});

	it('sends every option set, size as "W*H", the audio track as audio_url', () => {
		const options: DashScopeVideoOptions = {
			size: '1080*1920',
			duration: 10,
			negativePrompt: 'blur',
			promptExtend: false,
			seed: 7,
			watermark: true,
			audio: false,
			shotType: 'single',
			audioUrl: ' https://example.com/a.mp3 ',
		};
		expect(body('wan2.6-t2v', options)).toEqual({
			model: 'wan2.6-t2v',
			input: { prompt: PROMPT, negative_prompt: 'blur', audio_url: 'https://example.com/a.mp3' },
			parameters: {
				size: '1080*1920',
				duration: 10,
				prompt_extend: false,
				seed: 7,
				watermark: true,
				audio: false,
				shot_type: 'single',
			},
		});
	});

	it('Wan 2.7 and later: the audio track as a driving_audio media entry', () => {
		for (const model of ['wan2.7-t2v', 'wan2.8-t2v'])
			expect(body(model, { audioUrl: 'https://example.com/a.mp3' }).input).toEqual({
				prompt: PROMPT,
				media: [{ type: 'driving_audio', url: 'https://example.com/a.mp3' }],
			});
	});
});

describe("Text to Video's fields", () => {
	const field = (name: string) => properties.find((property) => property.name === name)!;
	const option = (name: string) =>
		(field('options').options as INodeProperties[]).find((entry) => entry.name === name)!;

	it("Size offers DashScope's own strings, labelled for people, every size a known model makes", () => {
		const sizes = option('size').options as Array<{ name: string; value: string }>;
		expect(sizes).toContainEqual({ name: '1080×1920 (9:16, Shorts/Reels/TikTok)', value: '1080*1920' });
		expect(sizes).toContainEqual({ name: '1920×1080 (16:9, YouTube)', value: '1920*1080' });
		expect(sizes).toContainEqual({ name: '1440×1440 (1:1)', value: '1440*1440' });
		const offered = sizes.map((size) => size.value);
		for (const model of Object.values(DASHSCOPE_TEXT_MODELS))
			for (const size of model.sizes ?? []) expect(offered).toContain(size);
	});

	it('Audio Source: none, a binary file (uploaded to the temporary storage) or a URL; the other options as listed', () => {
		expect((field('audioSource').options as Array<{ value: string }>).map((entry) => entry.value)).toEqual([
			'none',
			'binary',
			'url',
		]);
		expect(field('audioSource').default).toBe('none');
		expect(field('audioBinaryPropertyName').default).toBe('audio');
		expect(field('audioBinaryPropertyName').description).toMatch(/temporary storage/);
		for (const name of ['duration', 'audio', 'shotType', 'negativePrompt', 'promptExtend', 'seed', 'watermark'])
			expect(option(name)).toBeDefined();
		for (const name of ['timeout', 'pollInterval', 'waitForCompletion', 'downloadVideo', 'fileName'])
			expect(option(name)).toBeDefined();
		expect(field('prompt').required).toBe(true);
		expect(field('model').default).toEqual({ mode: 'list', value: 'wan2.2-t2v-plus' });
	});
});
