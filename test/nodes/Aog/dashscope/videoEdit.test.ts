// Edit Video's checks and body, against the documented values (docs/DASHSCOPE-API.md, "Video edit").
import { IMAGE_TO_VIDEO_PATH } from '../../../../nodes/Aog/dashscope/request';
import {
	checkVideoEdit,
	EDIT_MODELS,
	videoEditRequest,
	type EditOptions,
} from '../../../../nodes/Aog/dashscope/videoEdit';
import { properties, REFERENCE_IMAGE_SLOT, VIDEO_SLOT } from '../../../../nodes/Aog/operations/editVideo.properties';
import { inputError } from '../../../support/inputError';

const PROMPT = 'make it snow';
const refused = (options: EditOptions, model = 'wan2.7-videoedit', prompt = PROMPT) =>
	inputError(() => checkVideoEdit(model, prompt, options));
const body = (reference: string | undefined, options: EditOptions = {}, model = 'wan2.7-videoedit') =>
	JSON.parse(String(videoEditRequest(model, 'oss://dir/video.mp4', reference, PROMPT, options).body));

describe('checkVideoEdit', () => {
	it('wan2.7-videoedit takes 720P and 1080P, both audio settings, a seed', () => {
		expect(Object.keys(EDIT_MODELS)).toEqual(['wan2.7-videoedit']);
		for (const resolution of ['720P', '1080p'])
			expect(() => checkVideoEdit('wan2.7-videoedit', PROMPT, { resolution })).not.toThrow();
		for (const audioSetting of ['auto', 'origin'])
			expect(() => checkVideoEdit('wan2.7-videoedit', PROMPT, { audioSetting, seed: 1 })).not.toThrow();
	});

	it('refuses 480P, another audio setting, an empty prompt and an image-to-video model', () => {
		const resolution = refused({ resolution: '480P' });
		expect(resolution.message).toBe('Options → Resolution is 480P, which wan2.7-videoedit does not make');
		expect(resolution.description).toContain('720P or 1080P');
		expect(refused({ audioSetting: 'mute' }).message).toBe('Options → Audio Setting is mute');
		expect(refused({}, 'wan2.7-videoedit', ' ').message).toBe('Prompt is empty');
		expect(refused({}, 'wan2.7-i2v').message).toBe('wan2.7-i2v is an image-to-video model');
		expect(refused({ seed: -1 }).message).toMatch(/^Options → Seed is -1/);
	});

	it('lets a model it does not know pass with any resolution', () => {
		expect(() => checkVideoEdit('wan2.8-videoedit', PROMPT, { resolution: '480P' })).not.toThrow();
	});
});

describe('videoEditRequest', () => {
	it('one video entry, then the reference picture when there is one; only the options set', () => {
		expect(body(undefined)).toEqual({
			model: 'wan2.7-videoedit',
			input: { prompt: PROMPT, media: [{ type: 'video', url: 'oss://dir/video.mp4' }] },
			parameters: {},
		});
		expect(
			body('https://example.com/look.png', { audioSetting: 'origin', resolution: '720p', watermark: true }),
		).toEqual({
			model: 'wan2.7-videoedit',
			input: {
				prompt: PROMPT,
				media: [
					{ type: 'video', url: 'oss://dir/video.mp4' },
					{ type: 'reference_image', url: 'https://example.com/look.png' },
				],
			},
			parameters: { resolution: '720P', audio_setting: 'origin', watermark: true },
		});
	});

	it('goes to the common endpoint with the given headers, whatever the model', () => {
		const request = videoEditRequest('wan2.8-videoedit', 'u', undefined, PROMPT, {}, { a: 'b' });
		expect(request.path).toBe(IMAGE_TO_VIDEO_PATH);
		expect(request.headers).toEqual({ a: 'b' });
	});
});

describe('the fields', () => {
	it('Video is required, a clip, read from `data`; Reference Image is an optional picture', () => {
		expect(VIDEO_SLOT).toMatchObject({ name: 'video', kinds: ['video'], required: true, binaryProperty: 'data' });
		expect(REFERENCE_IMAGE_SLOT).toMatchObject({ name: 'referenceImage', kinds: ['image'], required: false });
		expect(properties.find((p) => p.name === 'videoSource')?.options).not.toContainEqual(
			expect.objectContaining({ value: 'base64' }),
		);
		expect(properties.find((p) => p.name === 'referenceImageSource')?.default).toBe('none');
		expect(properties.find((p) => p.name === 'prompt')?.required).toBe(true);
	});

	it('Audio Setting offers auto and origin', () => {
		const options = properties.find((p) => p.name === 'options')?.options as Array<{
			name: string;
			options?: Array<{ value: string }>;
		}>;
		expect(options.find((o) => o.name === 'audioSetting')?.options?.map((o) => o.value)).toEqual(['auto', 'origin']);
	});
});
