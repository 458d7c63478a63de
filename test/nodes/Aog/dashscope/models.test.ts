import { randomBytes } from 'node:crypto';

import {
	bodyShapeOf,
	checkDashScopeOptions,
	dashScopeImageToVideoBody,
	dashScopeModel,
	wanVersion,
	type DashScopeVideoOptions,
} from '../../../../nodes/Aog/dashscope/models';
import { DASHSCOPE_MODELS } from '../../../../nodes/Aog/dashscope/modelTable';
import { DEFAULT_MODEL } from '../../../../nodes/Aog/operations/imageToVideo.properties';
import { InputError } from '../../../../nodes/Aog/run/failures';

const FIRST_FRAME = [
	'wan2.2-i2v-plus',
	'wan2.2-i2v-flash',
	'wan2.5-i2v-preview',
	'wan2.6-i2v-flash',
	'wan2.6-i2v',
	'wan2.7-i2v',
];
const ALL_RESOLUTIONS = ['480P', '720P', '1080P', '4K'];
const IMAGE_URL = 'https://example.com/cat.jpg';

/** The InputError thrown by the check, or a failed test. */
function inputError(model: string, options: DashScopeVideoOptions, prompt = 'a cat turns its head'): InputError {
	try {
		checkDashScopeOptions(model, prompt, options);
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error(`no InputError for ${model} ${JSON.stringify(options)}`);
}

const parse = (body: string | Buffer) => JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));

describe('DASHSCOPE_MODELS', () => {
	it('knows every first-frame model, with the default among them', () => {
		for (const name of [...FIRST_FRAME, 'wanx2.1-i2v-turbo', 'wanx2.1-i2v-plus', 'wan2.1-i2v-turbo', 'wan2.1-i2v-plus'])
			expect(DASHSCOPE_MODELS[name]).toBeDefined();
		expect(DASHSCOPE_MODELS[DEFAULT_MODEL]).toBeDefined();
	});

	it.each(Object.entries(DASHSCOPE_MODELS))('%s is consistent', (_name, model) => {
		expect(model.displayName).toMatch(/^Wan \d\.\d/);
		expect(model.resolutions).toContain(model.defaultResolution);
		expect(model.maxPromptLength).toBeGreaterThanOrEqual(800);
		if (model.durations !== 'fixed 5') expect(model.durations).toContain(5);
	});

	it('holds the documented capabilities (permissive where the docs disagree)', () => {
		const summary = Object.fromEntries(
			FIRST_FRAME.map((name) => {
				const m = DASHSCOPE_MODELS[name];
				return [
					name,
					[
						m.resolutions.join('/'),
						m.durations === 'fixed 5' ? 'fixed 5' : `${m.durations[0]}-${m.durations[m.durations.length - 1]}`,
						m.audio,
						m.audioUrl,
						m.maxPromptLength,
						m.bodyShape,
					],
				];
			}),
		);
		expect(summary).toEqual({
			'wan2.2-i2v-plus': ['480P/1080P', 'fixed 5', false, false, 800, 'img_url'],
			'wan2.2-i2v-flash': ['480P/720P/1080P', 'fixed 5', false, false, 800, 'img_url'],
			'wan2.5-i2v-preview': ['480P/720P/1080P', '5-10', false, true, 2000, 'img_url'],
			'wan2.6-i2v-flash': ['720P/1080P', '2-15', true, true, 2000, 'img_url'],
			'wan2.6-i2v': ['720P/1080P', '2-15', true, true, 2000, 'img_url'],
			'wan2.7-i2v': ['720P/1080P', '2-15', false, true, 2000, 'media'],
		});
		expect(DASHSCOPE_MODELS['wan2.5-i2v-preview'].durations).toEqual([5, 10]);
		expect(DASHSCOPE_MODELS['wan2.6-i2v'].durations).toHaveLength(14);
		expect(DASHSCOPE_MODELS['wanx2.1-i2v-turbo']).toMatchObject({
			resolutions: ['480P', '720P'],
			durations: [3, 4, 5],
		});
		expect(DASHSCOPE_MODELS['wanx2.1-i2v-plus']).toMatchObject({ resolutions: ['720P'], durations: 'fixed 5' });
	});

	it("reads Virginia's -us names and any case as the base model", () => {
		expect(dashScopeModel('wan2.6-i2v-us')).toBe(DASHSCOPE_MODELS['wan2.6-i2v']);
		expect(dashScopeModel(' WAN2.2-I2V-PLUS ')).toBe(DASHSCOPE_MODELS['wan2.2-i2v-plus']);
		expect(dashScopeModel('wan2.9-i2v')).toBeUndefined();
	});
});

describe('checkDashScopeOptions per model', () => {
	describe.each(Object.entries(DASHSCOPE_MODELS))('%s', (name, model) => {
		it('accepts each of its resolutions (any case), and refuses the others naming the allowed ones', () => {
			for (const resolution of model.resolutions) {
				expect(() => checkDashScopeOptions(name, '', { resolution })).not.toThrow();
				expect(() => checkDashScopeOptions(name, '', { resolution: resolution.toLowerCase() })).not.toThrow();
			}
			for (const resolution of ALL_RESOLUTIONS.filter((value) => !model.resolutions.includes(value))) {
				const error = inputError(name, { resolution });
				expect(error.message).toBe(`Options → Resolution is ${resolution}, which ${name} does not make`);
				for (const allowed of model.resolutions) expect(error.description).toContain(allowed);
				expect(error.description).toContain(`${name} (${model.displayName}) makes `);
			}
		});

		it('accepts each of its durations and refuses the others naming the allowed ones', () => {
			const allowed = model.durations === 'fixed 5' ? [5] : model.durations;
			for (const duration of allowed) expect(() => checkDashScopeOptions(name, '', { duration })).not.toThrow();
			for (const duration of [1, 2, 3, 4, 6, 10, 15, 16, 60].filter((value) => !allowed.includes(value))) {
				const error = inputError(name, { duration });
				expect(error.message).toBe(`Options → Duration (Seconds) is ${duration}, which ${name} does not make`);
				if (model.durations === 'fixed 5') expect(error.description).toContain('makes 5 s videos only');
				else
					expect(error.description).toMatch(
						new RegExp(
							`makes (${allowed[0]}–${allowed[allowed.length - 1]} s videos|${allowed.join(' or ')} s videos)`,
						),
					);
			}
		});

		it(`${model.audio ? 'accepts' : 'refuses'} the audio switch and ${model.audioUrl ? 'accepts' : 'refuses'} an audio track`, () => {
			for (const audio of [true, false]) {
				if (model.audio) expect(() => checkDashScopeOptions(name, '', { audio })).not.toThrow();
				else expect(inputError(name, { audio }).message).toBe(`Options → Audio is not available for ${name}`);
			}
			const audioUrl = 'https://example.com/voice.mp3';
			if (model.audioUrl) expect(() => checkDashScopeOptions(name, '', { audioUrl })).not.toThrow();
			else expect(inputError(name, { audioUrl }).message).toBe(`Options → Audio URL is not available for ${name}`);
		});

		it(`takes a prompt of ${model.maxPromptLength} characters, not one more`, () => {
			expect(() => checkDashScopeOptions(name, 'p'.repeat(model.maxPromptLength), {})).not.toThrow();
			const error = inputError(name, {}, 'p'.repeat(model.maxPromptLength + 1));
			expect(error.message).toBe(
				`The prompt has ${model.maxPromptLength + 1} characters; ${name} takes at most ${model.maxPromptLength}`,
			);
		});
	});

	it('names other models that offer a refused value', () => {
		expect(inputError('wan2.6-i2v', { resolution: '480P' }).description).toMatch(
			/Models that offer 480P: .*wan2\.2-i2v-plus.*wan2\.5-i2v-preview/,
		);
		expect(inputError('wan2.2-i2v-plus', { duration: 10 }).description).toMatch(
			/Models that offer 10 s: wan2\.5-i2v-preview, wan2\.6-i2v-flash, wan2\.6-i2v, wan2\.7-i2v\./,
		);
		expect(inputError('wan2.2-i2v-plus', { audio: false }).description).toMatch(
			/makes silent videos; it has no audio switch\. Models that offer the switch: wan2\.6-i2v-flash, wan2\.6-i2v\./,
		);
		expect(inputError('wan2.5-i2v-preview', { audio: true }).description).toMatch(
			/adds sound by itself or takes it from Options → Audio URL/,
		);
	});

	it('shot type: wan2.6 only, single or multi, and only with prompt extension', () => {
		expect(() => checkDashScopeOptions('wan2.6-i2v', '', { shotType: 'multi' })).not.toThrow();
		expect(() =>
			checkDashScopeOptions('wan2.6-i2v-flash', '', { shotType: 'single', promptExtend: true }),
		).not.toThrow();
		expect(inputError('wan2.2-i2v-plus', { shotType: 'multi' }).message).toBe(
			'Options → Shot Type is not available for wan2.2-i2v-plus',
		);
		expect(inputError('wan2.6-i2v', { shotType: 'wide' }).description).toBe(
			'wan2.6-i2v (Wan 2.6) takes "single" or "multi".',
		);
		expect(inputError('wan2.6-i2v', { shotType: 'multi', promptExtend: false }).message).toBe(
			'Options → Shot Type needs Options → Prompt Extend',
		);
		expect(() => checkDashScopeOptions('wan2.2-i2v-plus', '', { shotType: '' })).not.toThrow();
	});
});

describe('checkDashScopeOptions, generic checks (every model, known or not)', () => {
	it.each(['wan2.2-i2v-plus', 'wan2.9-i2v', 'my-finetune'])(
		'seed must be a whole number in 0–2147483647 (%s)',
		(model) => {
			for (const seed of [0, 1, 42, 2147483647]) expect(() => checkDashScopeOptions(model, '', { seed })).not.toThrow();
			for (const seed of [-1, 2147483648, 1.5, Number.NaN]) {
				const error = inputError(model, { seed });
				expect(error.message).toBe(`Options → Seed is ${String(seed)}, not a whole number in 0–2147483647`);
			}
		},
	);

	it.each(['wan2.2-i2v-plus', 'wan2.9-i2v'])('negative prompt at most 500 characters (%s)', (model) => {
		expect(() => checkDashScopeOptions(model, '', { negativePrompt: 'n'.repeat(500) })).not.toThrow();
		expect(inputError(model, { negativePrompt: 'n'.repeat(501) }).message).toBe(
			'Options → Negative Prompt has 501 characters; DashScope takes at most 500',
		);
	});

	it('audio URL must be http(s)', () => {
		for (const audioUrl of [
			'ftp://example.com/a.mp3',
			'example.com/a.mp3',
			'data:audio/mp3;base64,AAAA',
			'/tmp/a.mp3',
			'https://',
		]) {
			expect(inputError('wan2.9-i2v', { audioUrl }).message).toBe('Options → Audio URL is not an http(s) URL');
		}
		expect(() => checkDashScopeOptions('wan2.9-i2v', '', { audioUrl: 'HTTP://example.com/a.wav' })).not.toThrow();
		expect(() => checkDashScopeOptions('wan2.2-i2v-plus', '', { audioUrl: '' })).not.toThrow();
	});

	it('duration must be a whole positive number, even for an unknown model', () => {
		for (const duration of [0, -5, 2.5])
			expect(inputError('wan2.9-i2v', { duration }).message).toBe(
				`Options → Duration (Seconds) is ${duration}, not a whole number of seconds`,
			);
	});

	it('an unknown model passes resolution, duration and audio through', () => {
		expect(() =>
			checkDashScopeOptions('wan2.9-i2v', '', {
				resolution: '4K',
				duration: 30,
				audio: true,
				audioUrl: 'https://e.com/a.mp3',
				shotType: 'multi',
			}),
		).not.toThrow();
		expect(() => checkDashScopeOptions('kling-v3', '', { resolution: '2160P', duration: 8 })).not.toThrow();
	});

	it('an unknown model takes 800 prompt characters, or 2000 from Wan 2.5 on', () => {
		expect(inputError('my-finetune', {}, 'p'.repeat(801)).message).toBe(
			'The prompt has 801 characters; my-finetune takes at most 800',
		);
		expect(inputError('wan2.3-i2v-x', {}, 'p'.repeat(801)).message).toMatch(/takes at most 800$/);
		expect(() => checkDashScopeOptions('wan2.8-i2v', 'p'.repeat(2000), {})).not.toThrow();
		expect(() => checkDashScopeOptions('wan3.0-i2v', 'p'.repeat(2000), {})).not.toThrow();
		expect(inputError('wan2.8-i2v', {}, 'p'.repeat(2001)).message).toMatch(/takes at most 2000$/);
	});
});

describe('wanVersion and bodyShapeOf', () => {
	it('reads the version from the name', () => {
		expect(wanVersion('wan2.2-i2v-plus')).toEqual({ major: 2, minor: 2 });
		expect(wanVersion('wanx2.1-i2v-turbo')).toEqual({ major: 2, minor: 1 });
		expect(wanVersion('wan2.10-i2v')).toEqual({ major: 2, minor: 10 });
		expect(wanVersion('kling-v1')).toBeUndefined();
	});

	it.each([
		['wan2.2-i2v-plus', 'img_url'],
		['wan2.6-i2v', 'img_url'],
		['wan2.6-i2v-us', 'img_url'],
		['wanx2.1-i2v-turbo', 'img_url'],
		['wan2.4-i2v-new', 'img_url'],
		['wanx2.3-i2v', 'img_url'],
		['my-finetune', 'img_url'],
		['wan2.7-i2v', 'media'],
		['wan2.7-i2v-flash', 'media'],
		['wan2.8-i2v', 'media'],
		['wan2.10-i2v', 'media'],
		['wan3.0-i2v', 'media'],
	] as const)('%s → %s', (model, shape) => {
		expect(bodyShapeOf(model)).toBe(shape);
	});
});

describe('dashScopeImageToVideoBody', () => {
	it('img_url shape for wan2.2-i2v-plus: the default resolution, no duration (fixed 5 s)', () => {
		expect(parse(dashScopeImageToVideoBody('wan2.2-i2v-plus', IMAGE_URL, 'a cat turns its head', {}))).toEqual({
			model: 'wan2.2-i2v-plus',
			input: { img_url: IMAGE_URL, prompt: 'a cat turns its head' },
			parameters: { resolution: '1080P' },
		});
	});

	it('omits the duration of a fixed-length model even when the user set 5', () => {
		for (const model of ['wan2.2-i2v-plus', 'wan2.2-i2v-flash', 'wanx2.1-i2v-plus']) {
			expect(parse(dashScopeImageToVideoBody(model, IMAGE_URL, '', { duration: 5 })).parameters).not.toHaveProperty(
				'duration',
			);
		}
	});

	it('img_url shape with every option (wan2.6-i2v)', () => {
		const options: DashScopeVideoOptions = {
			resolution: '720p',
			duration: 12,
			negativePrompt: 'blur',
			seed: 7,
			promptExtend: true,
			watermark: false,
			audio: false,
			audioUrl: ' https://example.com/voice.mp3 ',
			shotType: 'multi',
		};
		expect(parse(dashScopeImageToVideoBody('wan2.6-i2v', IMAGE_URL, 'p', options))).toEqual({
			model: 'wan2.6-i2v',
			input: { img_url: IMAGE_URL, audio_url: 'https://example.com/voice.mp3', prompt: 'p', negative_prompt: 'blur' },
			parameters: {
				resolution: '720P',
				duration: 12,
				prompt_extend: true,
				seed: 7,
				watermark: false,
				audio: false,
				shot_type: 'multi',
			},
		});
	});

	it('fills the default duration of a model with a choice, and keeps falsy options that were set', () => {
		expect(
			parse(dashScopeImageToVideoBody('wan2.5-i2v-preview', IMAGE_URL, '', { seed: 0, promptExtend: false }))
				.parameters,
		).toEqual({ resolution: '1080P', duration: 5, seed: 0, prompt_extend: false });
		expect(parse(dashScopeImageToVideoBody('wan2.2-i2v-flash', IMAGE_URL, '', {})).parameters).toEqual({
			resolution: '720P',
		});
	});

	it('media shape for wan2.7: first frame and driving audio, no img_url', () => {
		const body = parse(
			dashScopeImageToVideoBody('wan2.7-i2v', IMAGE_URL, 'p', { audioUrl: 'https://example.com/a.wav', duration: 8 }),
		);
		expect(body).toEqual({
			model: 'wan2.7-i2v',
			input: {
				media: [
					{ type: 'first_frame', url: IMAGE_URL },
					{ type: 'driving_audio', url: 'https://example.com/a.wav' },
				],
				prompt: 'p',
			},
			parameters: { resolution: '1080P', duration: 8 },
		});
		expect(body.input).not.toHaveProperty('img_url');
		expect(body.input).not.toHaveProperty('audio_url');
	});

	it('an unknown model gets only what the user set, in the shape its version implies', () => {
		expect(parse(dashScopeImageToVideoBody('wan2.8-i2v', IMAGE_URL, '', {}))).toEqual({
			model: 'wan2.8-i2v',
			input: { media: [{ type: 'first_frame', url: IMAGE_URL }] },
			parameters: {},
		});
		expect(parse(dashScopeImageToVideoBody('wanx2.3-i2v', IMAGE_URL, '', { resolution: '4k', duration: 30 }))).toEqual({
			model: 'wanx2.3-i2v',
			input: { img_url: IMAGE_URL },
			parameters: { resolution: '4K', duration: 30 },
		});
	});

	it('passes a data URI string through unchanged', () => {
		const dataUri = `data:image/png;base64,${randomBytes(30).toString('base64')}`;
		expect(parse(dashScopeImageToVideoBody('wan2.2-i2v-plus', dataUri, '', {})).input.img_url).toBe(dataUri);
		expect(parse(dashScopeImageToVideoBody('wan2.7-i2v', dataUri, '', {})).input.media[0].url).toBe(dataUri);
	});

	it.each(['wan2.2-i2v-plus', 'wan2.7-i2v'])(
		'encodes an inline picture straight into the body bytes as a data URI (%s)',
		(model) => {
			const bytes = randomBytes(3 * 256 * 1024 + 11);
			const body = dashScopeImageToVideoBody(model, { bytes, mimeType: 'image/jpeg' }, '镜头缓缓推近 "quoted"', {
				negativePrompt: 'blur',
			});
			expect(Buffer.isBuffer(body)).toBe(true);
			const json = parse(body);
			const dataUri = `data:image/jpeg;base64,${bytes.toString('base64')}`;
			if (model === 'wan2.7-i2v') expect(json.input.media).toEqual([{ type: 'first_frame', url: dataUri }]);
			else expect(json.input.img_url).toBe(dataUri);
			expect(json.input.prompt).toBe('镜头缓缓推近 "quoted"');
			expect(json.input.negative_prompt).toBe('blur');
			expect(body.toString('utf8')).not.toContain('aog-inline-image');
		},
	);

	it('leaves out an empty prompt and empty negative prompt', () => {
		expect(parse(dashScopeImageToVideoBody('wan2.2-i2v-plus', IMAGE_URL, '', { negativePrompt: '' })).input).toEqual({
			img_url: IMAGE_URL,
		});
	});
});
