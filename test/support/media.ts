// Real MP4 files made with ffmpeg for the MP4-inspector tests, cached under .cache/test-media/.
import * as fs from 'fs';

import { cachedFile, runFfmpegSync } from '../../tools/media/ffmpeg';

export interface VideoSpec {
	width: number;
	height: number;
	/** ffmpeg rate: "30", "30000/1001"… */
	rate: string;
	seconds: number;
	codec: 'libx264' | 'mpeg4' | 'libx265';
	faststart: boolean;
	/** Add an AAC audio track mapped before the video, so the video is not the first trak. */
	audioFirst?: boolean;
}

export function videoName(spec: VideoSpec): string {
	return [
		`${spec.width}x${spec.height}`,
		`r${spec.rate.replace('/', '_')}`,
		`${spec.seconds}s`,
		spec.codec,
		spec.faststart ? 'faststart' : 'moovlast',
		...(spec.audioFirst ? ['audiofirst'] : []),
	].join('-');
}

/** Path of a cached testsrc2 video (made on first use). */
export function videoFile(spec: VideoSpec): string {
	return cachedFile('test-media', `unit-${videoName(spec)}.mp4`, (temp) => {
		const video = ['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.rate}`];
		const audio = spec.audioFirst ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : [];
		const maps = spec.audioFirst ? ['-map', '1:a', '-map', '0:v', '-c:a', 'aac', '-b:a', '64k'] : [];
		const codec =
			spec.codec === 'libx264'
				? ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']
				: spec.codec === 'libx265'
					? ['-c:v', 'libx265', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-x265-params', 'log-level=error']
					: ['-c:v', 'mpeg4', '-q:v', '5', '-pix_fmt', 'yuv420p'];
		runFfmpegSync([
			...video,
			...audio,
			...maps,
			'-t',
			String(spec.seconds),
			...codec,
			...(spec.faststart ? ['-movflags', '+faststart'] : []),
			'-f',
			'mp4',
			temp,
		]);
	});
}

export function videoBytes(spec: VideoSpec): Buffer {
	return fs.readFileSync(videoFile(spec));
}

export interface TopBox {
	type: string;
	start: number;
	size: number;
	headerSize: number;
}

/** The top-level boxes of an MP4, read independently of the code under test. */
export function topLevelBoxes(bytes: Buffer): TopBox[] {
	const boxes: TopBox[] = [];
	let offset = 0;
	while (offset + 8 <= bytes.length) {
		let size = bytes.readUInt32BE(offset);
		let headerSize = 8;
		if (size === 1) {
			size = Number(bytes.readBigUInt64BE(offset + 8));
			headerSize = 16;
		} else if (size === 0) size = bytes.length - offset;
		boxes.push({ type: bytes.toString('latin1', offset + 4, offset + 8), start: offset, size, headerSize });
		offset += size;
	}
	return boxes;
}

export function findBox(bytes: Buffer, type: string): TopBox {
	const box = topLevelBoxes(bytes).find((candidate) => candidate.type === type);
	if (!box) throw new Error(`no top-level ${type} box`);
	return box;
}
