// Whether a video meets the published limits of the platforms people post to, from what the MP4 check read
// (docs/PLATFORMS.md has each limit and its source). Unknown facts never pass: `fits` says what is proven.

export interface VideoFacts {
	durationSeconds?: number;
	width?: number;
	height?: number;
	frameRate?: number;
	videoCodec?: string;
	fileSize: number;
	faststart: boolean;
}

export type Platform = 'youtubeShorts' | 'instagramReels' | 'tiktok' | 'telegram' | 'x';

interface Limits {
	codecs: readonly string[];
	seconds: [min: number, max: number];
	maxBytes: number;
	/** Width ÷ height. */
	ratio: [min: number, max: number];
	fps?: [min: number, max: number];
	/** [min, max] of each side; `maxWidth` caps the columns only. */
	side?: [min: number, max: number];
	maxWidth?: number;
	/** [longer side, shorter side] at most, either orientation. */
	box?: [long: number, short: number];
	faststart?: boolean;
}

const MB = 1024 * 1024;

export const PLATFORM_LIMITS: Readonly<Record<Platform, Limits>> = {
	youtubeShorts: {
		codecs: ['h264', 'hevc', 'vp9', 'av1'],
		seconds: [0.1, 180],
		maxBytes: 256 * 1024 * MB,
		ratio: [0, 1],
	},
	instagramReels: {
		codecs: ['h264', 'hevc'],
		seconds: [3, 900],
		maxBytes: 300 * MB,
		ratio: [0.01, 10],
		fps: [23, 60],
		maxWidth: 1920,
		faststart: true,
	},
	tiktok: {
		codecs: ['h264', 'hevc', 'vp9'],
		seconds: [3, 600],
		maxBytes: 4096 * MB,
		ratio: [0, Infinity],
		fps: [23, 60],
		side: [360, 4096],
	},
	telegram: { codecs: ['h264'], seconds: [0, Infinity], maxBytes: 50 * MB, ratio: [0, Infinity] },
	x: {
		codecs: ['h264'],
		seconds: [0.5, 140],
		maxBytes: 512 * MB,
		ratio: [1 / 3, 3],
		fps: [0, 60],
		side: [32, Infinity],
		box: [1280, 1024],
	},
};

/** One boolean per platform: true only when every limit is known to be met. */
export function platformFits(video: VideoFacts): Record<Platform, boolean> {
	return Object.fromEntries(
		(Object.keys(PLATFORM_LIMITS) as Platform[]).map((platform) => [platform, fits(video, PLATFORM_LIMITS[platform])]),
	) as Record<Platform, boolean>;
}

function fits(video: VideoFacts, limits: Limits): boolean {
	const { durationSeconds: seconds, width, height, frameRate, videoCodec } = video;
	if (seconds === undefined || !width || !height || !videoCodec) return false;
	const ratio = width / height;
	const within = (value: number, [min, max]: [number, number]) => value >= min && value <= max;
	return (
		limits.codecs.includes(videoCodec) &&
		within(seconds, limits.seconds) &&
		video.fileSize <= limits.maxBytes &&
		within(ratio, limits.ratio) &&
		(!limits.fps || (frameRate !== undefined && within(frameRate, limits.fps))) &&
		(!limits.side || (within(width, limits.side) && within(height, limits.side))) &&
		(!limits.maxWidth || width <= limits.maxWidth) &&
		(!limits.box || (Math.max(width, height) <= limits.box[0] && Math.min(width, height) <= limits.box[1])) &&
		(!limits.faststart || video.faststart)
	);
}

const COMMON_RATIOS: ReadonlyArray<[number, number]> = [
	[16, 9],
	[9, 16],
	[1, 1],
	[4, 3],
	[3, 4],
	[4, 5],
	[5, 4],
	[3, 2],
	[2, 3],
	[21, 9],
	[9, 21],
];

/** "9:16" for 1080×1920 and for 720×1280; a ratio within 1 % of a common one is named by it (854×480 is "16:9"). */
export function aspectRatio(width: number | undefined, height: number | undefined): string | null {
	if (!width || !height) return null;
	const near = COMMON_RATIOS.find(([w, h]) => Math.abs(width / height / (w / h) - 1) <= 0.01);
	if (near) return `${near[0]}:${near[1]}`;
	const divisor = gcd(width, height);
	return `${width / divisor}:${height / divisor}`;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
