import { aspectRatio, platformFits, type VideoFacts } from '../../../../nodes/Aog/media/platforms';

const MB = 1024 * 1024;
/** What Wan makes at 1080P 9:16: a 5 s H.264 MP4 at 30 fps, moov first. */
const vertical: VideoFacts = {
	durationSeconds: 5,
	width: 1080,
	height: 1920,
	frameRate: 30,
	videoCodec: 'h264',
	fileSize: 6 * MB,
	faststart: true,
};

describe('aspectRatio', () => {
	it.each([
		[1080, 1920, '9:16'],
		[720, 1280, '9:16'],
		[1920, 1080, '16:9'],
		[854, 480, '16:9'], // 1.779: within 1 % of 16:9
		[1440, 1440, '1:1'],
		[1632, 1248, '17:13'], // not near a common ratio: the exact one
		[832, 480, '26:15'],
	])('%i×%i is %s', (width, height, expected) => {
		expect(aspectRatio(width, height)).toBe(expected);
	});

	it('is null without both sides', () => {
		expect(aspectRatio(undefined, 1080)).toBeNull();
		expect(aspectRatio(1920, 0)).toBeNull();
	});
});

describe('platformFits', () => {
	it('a 1080×1920 5 s short fits Shorts, Reels, TikTok and Telegram, not X (at most 1280×1024)', () => {
		expect(platformFits(vertical)).toEqual({
			youtubeShorts: true,
			instagramReels: true,
			tiktok: true,
			telegram: true,
			x: false,
		});
	});

	it('a 1280×720 landscape clip fits X and TikTok, not Shorts (vertical or square only)', () => {
		const landscape = { ...vertical, width: 1280, height: 720 };
		expect(platformFits(landscape)).toMatchObject({
			youtubeShorts: false,
			x: true,
			tiktok: true,
			instagramReels: true,
		});
	});

	/** 720×1280, which X takes. */
	const small = { width: 720, height: 1280 };

	it.each<[string, Partial<VideoFacts>, string]>([
		['over 50 MB', { fileSize: 51 * MB }, 'telegram'],
		['over 140 s', { durationSeconds: 141 }, 'x'],
		['over 60 fps', { frameRate: 90 }, 'x'],
		['over 3 minutes', { durationSeconds: 181 }, 'youtubeShorts'],
		['moov after the media data', { faststart: false }, 'instagramReels'],
		['under 23 fps', { frameRate: 15 }, 'tiktok'],
		['HEVC', { videoCodec: 'hevc' }, 'telegram'],
		['under 360 px', { width: 320, height: 568 }, 'tiktok'],
	])('%s: not %s', (_what, change, platform) => {
		const base = platform === 'x' ? { ...vertical, ...small } : vertical;
		expect(platformFits(base)[platform as keyof ReturnType<typeof platformFits>]).toBe(true);
		expect(platformFits({ ...base, ...change })[platform as keyof ReturnType<typeof platformFits>]).toBe(false);
	});

	it('unknown facts prove nothing: every platform false', () => {
		const fits = platformFits({ ...vertical, durationSeconds: undefined });
		expect(Object.values(fits)).toEqual([false, false, false, false, false]);
	});
});
