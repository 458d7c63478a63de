// The output file name: the user's, made to end in .mp4, or one named after the video's source and its id.
import { InputError } from '../run/failures';

const OTHER_VIDEO_EXTENSION = /\.(mov|m4v|webm|mkv|avi|gif)$/i;

/** `source` names where the video came from: `aog-video-<result id>.mp4`, `dashscope-video-<task id>.mp4`. */
export function outputFileName(
	requested: string,
	source: 'aog' | 'dashscope',
	resultId: string,
	itemIndex: number,
): string {
	const name = checkFileName(requested);
	if (name === '') {
		const safeId = resultId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
		return `${source}-video-${safeId || `item-${itemIndex}`}.mp4`;
	}
	return name;
}

/** The File Name option, checked before any request (a bad one must not fail after the video is billed): '' or a name ending in .mp4. */
export function checkFileName(requested: string): string {
	const name = requested.trim();
	if (name === '') return '';
	if (/[/\\]/.test(name)) {
		throw new InputError(
			`The file name "${name}" contains a path separator`,
			'Give a file name only (for example product-1.mp4); choose the folder in the node that saves the file.',
		);
	}
	if (OTHER_VIDEO_EXTENSION.test(name)) {
		throw new InputError(
			`The file name "${name}" has a different video extension`,
			'The node delivers MP4 video: end the name in .mp4 (or leave the extension off and the node adds it).',
		);
	}
	return /\.mp4$/i.test(name) ? name : `${name}.mp4`;
}
