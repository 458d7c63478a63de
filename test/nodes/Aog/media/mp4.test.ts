import * as fs from 'fs';

import { Mp4Error, Mp4Inspector, type VideoMetadata } from '../../../../nodes/Aog/media/mp4';
import { cachedFile, frameRate, probe, type ProbeResult } from '../../../../tools/media/ffmpeg';
import { basicImage } from '../../../support/images';
import { findBox, topLevelBoxes, videoBytes, videoFile, videoName, type VideoSpec } from '../../../support/media';

/** Feeds `bytes` in chunks of `chunkSize` and returns the metadata (or throws what the inspector throws). */
function inspect(bytes: Uint8Array, chunkSize = bytes.length): VideoMetadata {
	const inspector = new Mp4Inspector();
	for (let offset = 0; offset < bytes.length; offset += chunkSize)
		inspector.push(bytes.subarray(offset, offset + chunkSize));
	expect(inspector.bytesReceived).toBe(bytes.length);
	return inspector.finish();
}

function inspectError(bytes: Uint8Array, chunkSize = bytes.length): Mp4Error {
	try {
		inspect(bytes, chunkSize);
	} catch (error) {
		expect(error).toBeInstanceOf(Mp4Error);
		return error as Mp4Error;
	}
	throw new Error('the inspector accepted the bytes');
}

const SPECS: VideoSpec[] = [
	{ width: 640, height: 360, rate: '30', seconds: 2, codec: 'libx264', faststart: true },
	{ width: 640, height: 360, rate: '30', seconds: 2, codec: 'libx264', faststart: false },
	{ width: 1920, height: 1080, rate: '24', seconds: 1, codec: 'libx264', faststart: true },
	{ width: 1920, height: 1080, rate: '25', seconds: 1, codec: 'libx264', faststart: false },
	{ width: 1080, height: 1920, rate: '30000/1001', seconds: 1, codec: 'libx264', faststart: false },
	{ width: 1080, height: 1920, rate: '30', seconds: 1, codec: 'libx264', faststart: true },
	{ width: 320, height: 240, rate: '60', seconds: 1, codec: 'libx264', faststart: true },
	{ width: 1280, height: 720, rate: '30', seconds: 5, codec: 'libx264', faststart: true },
	{ width: 640, height: 360, rate: '25', seconds: 3, codec: 'mpeg4', faststart: false },
	{ width: 854, height: 480, rate: '30000/1001', seconds: 2, codec: 'mpeg4', faststart: true },
	{ width: 640, height: 360, rate: '25', seconds: 1, codec: 'libx265', faststart: false },
	{ width: 640, height: 360, rate: '30', seconds: 2, codec: 'libx264', faststart: true, audioFirst: true },
];

const small: VideoSpec = SPECS[1]; // 640x360 moov-last
const smallFaststart: VideoSpec = SPECS[0];

interface Reference {
	spec: VideoSpec;
	bytes: Buffer;
	probe: ProbeResult;
}

const references = new Map<string, Reference>();

beforeAll(async () => {
	await Promise.all(
		SPECS.map(async (spec) => {
			const file = videoFile(spec);
			references.set(videoName(spec), { spec, bytes: fs.readFileSync(file), probe: await probe(file) });
		}),
	);
}, 120000);

function expectSameAsFfprobe(metadata: VideoMetadata, reference: ProbeResult) {
	const video = reference.streams.find((stream) => stream.codec_type === 'video')!;
	expect(metadata.width).toBe(video.width);
	expect(metadata.height).toBe(video.height);
	expect(metadata.videoCodec).toBe(video.codec_name);
	expect(metadata.frameRate).toBeCloseTo(frameRate(video.avg_frame_rate), 2);
	expect(metadata.frameRate).toBeCloseTo(frameRate(video.r_frame_rate), 2);
	// A sound track exactly when ffprobe sees one, with ffprobe's codec name.
	const audio = reference.streams.find((stream) => stream.codec_type === 'audio');
	expect(metadata.hasAudio).toBe(audio !== undefined);
	expect(metadata.audioCodec).toBe(audio?.codec_name);
	// Within one frame of ffprobe's container duration.
	expect(Math.abs(metadata.durationSeconds! - Number(reference.format.duration))).toBeLessThan(
		1 / frameRate(video.r_frame_rate),
	);
}

describe('Mp4Inspector on ffmpeg-made MP4s, cross-checked with ffprobe', () => {
	it.each(SPECS.map((spec) => [videoName(spec), spec] as const))('%s', (name, spec) => {
		const { bytes, probe: reference } = references.get(name)!;
		const boxes = topLevelBoxes(bytes).map((box) => box.type);
		// The files really have the layout the test claims.
		expect(boxes.indexOf('moov') < boxes.indexOf('mdat')).toBe(spec.faststart);
		const chunkSizes = bytes.length < 1024 * 1024 ? [1, 7, 64 * 1024, bytes.length] : [7, 64 * 1024, bytes.length];
		const results = chunkSizes.map((size) => inspect(bytes, size));
		for (const result of results) expect(result).toEqual(results[0]);
		const metadata = results[0];
		expect(metadata.faststart).toBe(spec.faststart);
		expectSameAsFfprobe(metadata, reference);
		// And what we asked ffmpeg for.
		expect(metadata).toMatchObject({ width: spec.width, height: spec.height });
		expect(metadata.frameRate).toBeCloseTo(frameRate(spec.rate), 2);
		expect(metadata.durationSeconds).toBeCloseTo(spec.seconds, 1);
	});

	it('reads 29.97 fps as 30000/1001 rounded, not as 30', () => {
		const metadata = inspect(references.get(videoName(SPECS[4]))!.bytes);
		expect(metadata.frameRate).toBe(29.97);
	});

	it('names the codecs as ffprobe does', () => {
		const codecs = SPECS.map((spec) => inspect(references.get(videoName(spec))!.bytes).videoCodec);
		expect(new Set(codecs)).toEqual(new Set(['h264', 'mpeg4', 'hevc']));
	});

	it('reads the video track when an audio track comes first', () => {
		const { bytes, probe: reference } = references.get(videoName(SPECS[SPECS.length - 1]))!;
		expect(reference.streams.map((stream) => stream.codec_type)).toEqual(['audio', 'video']);
		expectSameAsFfprobe(inspect(bytes), reference);
		expect(inspect(bytes)).toMatchObject({ hasAudio: true, audioCodec: 'aac' });
	});
});

describe('truncated downloads', () => {
	const moovLast = () => references.get(videoName(small))!.bytes;
	const faststart = () => references.get(videoName(smallFaststart))!.bytes;

	it.each([
		[
			'cut in mdat',
			() => {
				const b = moovLast();
				const mdat = findBox(b, 'mdat');
				return b.subarray(0, mdat.start + Math.floor(mdat.size / 2));
			},
			'mdat',
		],
		[
			'cut in moov',
			() => {
				const b = moovLast();
				return b.subarray(0, findBox(b, 'moov').start + 20);
			},
			'moov',
		],
		['cut one byte before the end', () => moovLast().subarray(0, moovLast().length - 1), 'moov'],
		['cut in mdat of a faststart file', () => faststart().subarray(0, faststart().length - 1000), 'mdat'],
		[
			'cut in moov of a faststart file',
			() => {
				const b = faststart();
				return b.subarray(0, findBox(b, 'moov').start + 100);
			},
			'moov',
		],
		[
			'cut inside a box header',
			() => {
				const b = moovLast();
				return b.subarray(0, findBox(b, 'mdat').start + 4);
			},
			undefined,
		],
		['cut inside the ftyp box', () => moovLast().subarray(0, 12), 'ftyp'],
		['cut after 3 bytes', () => moovLast().subarray(0, 3), undefined],
	])('%s: finish() throws "incomplete"', (_name, make, box) => {
		const bytes = make();
		for (const chunkSize of [7, 64 * 1024, bytes.length]) {
			const error = inspectError(bytes, chunkSize);
			expect(error.message).toMatch(/the download is incomplete/);
			expect(error.message).toContain(`after ${bytes.length} bytes`);
			if (box) expect(error.message).toContain(`"${box}" box`);
		}
	});

	it('does not throw while the bytes so far are a valid beginning', () => {
		const bytes = moovLast().subarray(0, 100000);
		const inspector = new Mp4Inspector();
		expect(() => inspector.push(bytes)).not.toThrow();
		expect(() => inspector.finish()).toThrow(Mp4Error);
	});

	it('says what is missing when the cut falls exactly on a box boundary', () => {
		const bytes = moovLast();
		expect(inspectError(bytes.subarray(0, findBox(bytes, 'moov').start)).message).toBe(
			'the file has no index (moov box)',
		);
		expect(inspectError(bytes.subarray(0, findBox(bytes, 'ftyp').size)).message).toBe(
			'the file has no media data (mdat box)',
		);
		const fast = faststart();
		expect(inspectError(fast.subarray(0, findBox(fast, 'mdat').start)).message).toBe(
			'the file has no media data (mdat box)',
		);
	});

	it('says an empty download is empty', () => {
		expect(() => new Mp4Inspector().finish()).toThrow(new Mp4Error('the download is empty'));
	});
});

describe('bytes that are not an MP4 are refused on the first chunk', () => {
	it.each([
		[
			'an HTML error page',
			Buffer.from('<!DOCTYPE html><html><body><h1>403 Forbidden</h1></body></html>'),
			/does not start with an MP4 "ftyp" box \(it starts with "<!DOCTYP"\)/,
		],
		[
			'an OSS XML error',
			Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code></Error>'),
			/does not start with an MP4 "ftyp" box/,
		],
		[
			'a JSON body',
			Buffer.from('{"code":"InvalidParameter","message":"url expired"}'),
			/does not start with an MP4 "ftyp" box/,
		],
		['a PNG', basicImage(641, 363, 'png'), /bytes at offset 0 are not an MP4 box/],
		['a JPEG', basicImage(641, 363, 'jpeg'), /not an MP4 box/],
		[
			'a box other than ftyp first',
			Buffer.from([0, 0, 0, 8, 0x66, 0x72, 0x65, 0x65, 0, 0, 0, 0x10, 0x66, 0x74, 0x79, 0x70]),
			/does not start with an MP4 "ftyp" box \(it starts with "\.\.\.\.free"\)/,
		],
	])('%s', (_name, bytes, message) => {
		const inspector = new Mp4Inspector();
		expect(() => inspector.push(bytes)).toThrow(Mp4Error);
		expect(() => new Mp4Inspector().push(bytes)).toThrow(message);
	});

	it('refuses within the first 8 bytes when fed byte by byte', () => {
		const bytes = Buffer.from('<!DOCTYPE html><html></html>');
		const inspector = new Mp4Inspector();
		for (let i = 0; i < 7; i++) inspector.push(bytes.subarray(i, i + 1));
		expect(() => inspector.push(bytes.subarray(7, 8))).toThrow(Mp4Error);
	});

	it('refuses a box whose size is smaller than its header', () => {
		const bytes = Buffer.concat([
			videoBytes(small).subarray(0, findBox(videoBytes(small), 'ftyp').size),
			Buffer.from([0, 0, 0, 4, 0x6d, 0x64, 0x61, 0x74]),
		]);
		expect(() => new Mp4Inspector().push(bytes)).toThrow(/the "mdat" box at offset \d+ has an impossible size 4/);
	});

	it('refuses a second moov box and a moov too large to be real', () => {
		const bytes = videoBytes(smallFaststart);
		const moov = findBox(bytes, 'moov');
		const twice = Buffer.concat([bytes, bytes.subarray(moov.start, moov.start + moov.size)]);
		expect(() => new Mp4Inspector().push(twice)).toThrow('the file has two moov boxes');

		const ftyp = bytes.subarray(0, findBox(bytes, 'ftyp').size);
		const huge = Buffer.alloc(8);
		huge.writeUInt32BE(100 * 1024 * 1024, 0);
		huge.write('moov', 4, 'latin1');
		expect(() => new Mp4Inspector().push(Buffer.concat([ftyp, huge]))).toThrow(/the moov box is 104857600 bytes/);
	});
});

describe('box size forms: 64-bit largesize and size 0 (to the end of the file)', () => {
	/** Rewrites ffmpeg's 8-byte "free" + 8-byte mdat header into one 16-byte largesize mdat header: no offset moves. */
	function withLargesizeMdat(bytes: Buffer): Buffer {
		const boxes = topLevelBoxes(bytes);
		const mdatIndex = boxes.findIndex((box) => box.type === 'mdat');
		const free = boxes[mdatIndex - 1];
		const mdat = boxes[mdatIndex];
		expect(free).toMatchObject({ type: 'free', size: 8 });
		const header = Buffer.alloc(16);
		header.writeUInt32BE(1, 0);
		header.write('mdat', 4, 'latin1');
		header.writeBigUInt64BE(BigInt(mdat.size + 8), 8);
		return Buffer.concat([bytes.subarray(0, free.start), header, bytes.subarray(mdat.start + 8)]);
	}

	/** Sets the last top-level box's 32-bit size to 0, meaning "runs to the end of the file". */
	function withLastBoxSizeZero(bytes: Buffer, type: string): Buffer {
		const boxes = topLevelBoxes(bytes);
		const last = boxes[boxes.length - 1];
		expect(last.type).toBe(type);
		const copy = Buffer.from(bytes);
		copy.writeUInt32BE(0, last.start);
		return copy;
	}

	async function probeBytes(name: string, bytes: Buffer): Promise<ProbeResult> {
		return probe(cachedFile('test-media', `unit-${name}-${bytes.length}.mp4`, (temp) => fs.writeFileSync(temp, bytes)));
	}

	it.each([
		['moov-last', small],
		['faststart', smallFaststart],
	])('reads a %s file whose mdat has a 64-bit largesize, which ffprobe also plays', async (_name, spec) => {
		const bytes = withLargesizeMdat(videoBytes(spec));
		const mdat = findBox(bytes, 'mdat');
		expect(bytes.readUInt32BE(mdat.start)).toBe(1);
		expect(mdat.headerSize).toBe(16);
		const reference = await probeBytes(`largesize-${videoName(spec)}`, bytes);
		for (const chunkSize of [1, 5, 13, 64 * 1024, bytes.length]) {
			const metadata = inspect(bytes, chunkSize);
			expect(metadata.faststart).toBe(spec.faststart);
			expectSameAsFfprobe(metadata, reference);
		}
		expect(inspectError(bytes.subarray(0, mdat.start + 12), 1).message).toMatch(/incomplete/);
	});

	it('reads a faststart file whose last box (mdat) has size 0', async () => {
		const bytes = withLastBoxSizeZero(videoBytes(smallFaststart), 'mdat');
		const reference = await probeBytes('mdat-size0', bytes);
		for (const chunkSize of [7, bytes.length]) {
			const metadata = inspect(bytes, chunkSize);
			expect(metadata.faststart).toBe(true);
			expectSameAsFfprobe(metadata, reference);
		}
	});

	it('reads a moov-last file whose last box (moov) has size 0', async () => {
		const bytes = withLastBoxSizeZero(videoBytes(small), 'moov');
		const reference = await probeBytes('moov-size0', bytes);
		for (const chunkSize of [7, bytes.length]) {
			const metadata = inspect(bytes, chunkSize);
			expect(metadata.faststart).toBe(false);
			expectSameAsFfprobe(metadata, reference);
		}
	});

	it('still caps a size-0 moov at 64 MB, as its bytes arrive', () => {
		const bytes = videoBytes(small);
		const inspector = new Mp4Inspector();
		inspector.push(bytes.subarray(0, findBox(bytes, 'moov').start));
		inspector.push(Buffer.from([0, 0, 0, 0, 0x6d, 0x6f, 0x6f, 0x76]));
		const megabyte = Buffer.alloc(1024 * 1024);
		for (let i = 0; i < 64; i++) inspector.push(megabyte);
		expect(() => inspector.push(Buffer.alloc(1))).toThrow(
			new Mp4Error('the moov box is over 67108864 bytes, larger than any real video index'),
		);
	});
});
