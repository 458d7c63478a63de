// The kind of a media input, from its bytes (never its name) or a URL's extension or Content-Type; checked against
// files the media kit and ffmpeg make, not hand-written headers alone.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { kindFromContentType, kindFromUrl, sniffMedia } from '../../../../nodes/Aog/media/mediaKind';
import { makeImage, runFfmpegSync } from '../../../../tools/media';
import { wavBytes } from '../support';

const encoded = (args: string[], name: string) => {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'aog-kind-')), name);
	runFfmpegSync([...args, file]);
	return readFileSync(file);
};

describe('sniffMedia', () => {
	test.each(['jpeg', 'png', 'webp', 'bmp'] as const)('a %s picture is an image', (format) => {
		const type = sniffMedia(makeImage({ width: 400, height: 400, format }));
		expect(type).toMatchObject({ kind: 'image', mimeType: `image/${format}` });
	});

	test('MP4 and MOV clips are videos; WAV and MP3 are audio (files made by ffmpeg)', () => {
		const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];
		const colour = ['-f', 'lavfi', '-i', 'color=c=red:s=320x240:d=1', '-pix_fmt', 'yuv420p'];
		expect(sniffMedia(encoded(colour, 'a.mp4'))).toEqual({ kind: 'video', mimeType: 'video/mp4', extension: 'mp4' });
		expect(sniffMedia(encoded(colour, 'a.mov'))).toEqual({
			kind: 'video',
			mimeType: 'video/quicktime',
			extension: 'mov',
		});
		expect(sniffMedia(wavBytes(1))).toEqual({ kind: 'audio', mimeType: 'audio/wav', extension: 'wav' });
		expect(sniffMedia(encoded([...tone, '-id3v2_version', '0'], 'a.mp3'))).toMatchObject({
			kind: 'audio',
			extension: 'mp3',
		});
		expect(sniffMedia(encoded(tone, 'b.mp3'))).toMatchObject({ kind: 'audio', mimeType: 'audio/mpeg' });
	});

	test('what DashScope does not take is nothing: GIF, PDF, AVIF, text', () => {
		expect(sniffMedia(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toBeUndefined();
		expect(sniffMedia(Buffer.from('%PDF-1.7\n'))).toBeUndefined();
		expect(sniffMedia(Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavif')]))).toBeUndefined();
		expect(sniffMedia(Buffer.from('hello world'))).toBeUndefined();
	});
});

describe('kindFromUrl and kindFromContentType', () => {
	test.each([
		['https://example.com/a/photo.JPG?x=1', 'image'],
		['https://example.com/clip.mov#t=2', 'video'],
		['https://example.com/voice.mp3', 'audio'],
		['https://example.com/clip', undefined],
		['https://example.com/doc.pdf', undefined],
		['not a url', undefined],
	])('%s → %s', (url, kind) => expect(kindFromUrl(url)).toBe(kind));

	test.each([
		['video/mp4', 'video'],
		['image/png; charset=binary', 'image'],
		['Audio/MPEG', 'audio'],
		['application/octet-stream', undefined],
		['', undefined],
	])('%j → %s', (type, kind) => expect(kindFromContentType(type)).toBe(kind));
});
