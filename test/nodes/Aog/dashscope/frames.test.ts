// First and Last Frame's checks and request per model (docs/DASHSCOPE-API.md, "First and last frame"), and Image to
// Video's wan2.7 extras.
import { checkFrames, framesRequest } from '../../../../nodes/Aog/dashscope/frames';
import { checkImageExtras, extraMedia } from '../../../../nodes/Aog/dashscope/imageExtras';
import { dashScopeImageToVideoBody } from '../../../../nodes/Aog/dashscope/models';
import { InputError } from '../../../../nodes/Aog/run/failures';

const image = { kind: 'image' as const, url: 'https://example.com/a.jpg' };
const audio = { kind: 'audio' as const, url: 'https://example.com/a.wav' };
const clip = { kind: 'video' as const, url: 'https://example.com/a.mp4' };
/** The fix an InputError suggests (its description), or '' when nothing is thrown. */
function thrown(check: () => void): string {
	try {
		check();
	} catch (error) {
		return (error as InputError).description;
	}
	return '';
}

describe('checkFrames', () => {
	test('each kf2v model: its resolutions pass, others are refused naming the allowed ones and who makes them', () => {
		expect(() => checkFrames('wan2.2-kf2v-flash', '', { resolution: '480p' })).not.toThrow();
		expect(() => checkFrames('wanx2.1-kf2v-plus', '', { resolution: '1080P' })).toThrow(
			/1080P, which wanx2\.1-kf2v-plus does not make/,
		);
		expect(() => checkFrames('wan2.1-kf2v-plus', '', { resolution: '480P' })).toThrow(InputError);
	});

	test('kf2v makes 5 s only; wan2.7-i2v follows its own table (2–15 s)', () => {
		expect(() => checkFrames('wan2.2-kf2v-flash', '', { duration: 5 })).not.toThrow();
		expect(() => checkFrames('wan2.2-kf2v-flash', '', { duration: 6 })).toThrow(/5-second videos only/);
		expect(() => checkFrames('wan2.7-i2v', '', { duration: 15 })).not.toThrow();
		expect(() => checkFrames('wan2.7-i2v', '', { duration: 16 })).toThrow(InputError);
		expect(() => checkFrames('wan2.2-kf2v-flash', 'x'.repeat(801), {})).toThrow(/at most 800/);
	});
});

describe('framesRequest', () => {
	test('kf2v: its own endpoint, the two URL fields, only what was set', () => {
		const request = framesRequest('wan2.2-kf2v-flash', 'oss://a', 'https://b', '', { seed: 7 }, { H: '1' });
		expect(request.path).toBe('/api/v1/services/aigc/image2video/video-synthesis');
		expect(JSON.parse(String(request.body))).toEqual({
			model: 'wan2.2-kf2v-flash',
			input: { first_frame_url: 'oss://a', last_frame_url: 'https://b' },
			parameters: { seed: 7 },
		});
		expect(request.headers).toEqual({ H: '1' });
	});

	test('wan2.7 (and newer unknown names): media entries on the common endpoint; unknown older names: kf2v', () => {
		for (const model of ['wan2.7-i2v', 'wan2.9-i2v']) {
			const request = framesRequest(model, 'a', 'b', 'p', { resolution: '720p', duration: 4 });
			expect(request.path).toBe('/api/v1/services/aigc/video-generation/video-synthesis');
			expect(JSON.parse(String(request.body))).toMatchObject({
				input: {
					media: [
						{ type: 'first_frame', url: 'a' },
						{ type: 'last_frame', url: 'b' },
					],
					prompt: 'p',
				},
				parameters: { resolution: '720P', duration: 4 },
			});
		}
		expect(framesRequest('wan2.3-kf2v-pro', 'a', 'b', '', {}).path).toMatch(/image2video/);
	});
});

describe("Image to Video's wan2.7 extras", () => {
	test('only the media models take them, and the error points to First and Last Frame to Video', () => {
		expect(() => checkImageExtras('wan2.7-i2v', { lastFrame: image, drivingAudio: audio }, undefined)).not.toThrow();
		expect(() => checkImageExtras('wan2.6-i2v', { lastFrame: image }, undefined)).toThrow(
			'Last Frame is not available for wan2.6-i2v',
		);
		expect(thrown(() => checkImageExtras('wan2.6-i2v', { lastFrame: image }, undefined))).toMatch(
			/First and Last Frame to Video/,
		);
		expect(() => checkImageExtras('wan2.6-i2v', {}, 'https://x/a.mp3')).not.toThrow();
	});

	test('Driving Audio and Audio URL are one thing; a clip goes alone', () => {
		expect(() => checkImageExtras('wan2.7-i2v', { drivingAudio: audio }, 'https://x/a.mp3')).toThrow(/both set/);
		expect(thrown(() => checkImageExtras('wan2.7-i2v', { firstClip: clip, lastFrame: image }, undefined))).toMatch(
			/takes the clip alone/,
		);
		expect(() => checkImageExtras('wan2.7-i2v', { firstClip: clip }, undefined)).not.toThrow();
	});

	test('the body: extras after the first frame in a fixed order; a clip replaces the first frame', () => {
		const entries = extraMedia({ drivingAudio: 'oss://c', lastFrame: 'oss://b' });
		expect(entries).toEqual([
			{ type: 'last_frame', url: 'oss://b' },
			{ type: 'driving_audio', url: 'oss://c' },
		]);
		const body = JSON.parse(String(dashScopeImageToVideoBody('wan2.7-i2v', 'oss://a', '', {}, entries)));
		expect(body.input.media.map((entry: { type: string }) => entry.type)).toEqual([
			'first_frame',
			'last_frame',
			'driving_audio',
		]);
		const continuation = JSON.parse(
			String(dashScopeImageToVideoBody('wan2.7-i2v', '', '', {}, extraMedia({ firstClip: 'oss://d' }))),
		);
		expect(continuation.input.media).toEqual([{ type: 'first_clip', url: 'oss://d' }]);
	});
});
