// What a media input is (image, video or audio), read from its bytes, or for a URL from its file extension, and the
// limits DashScope documents per kind (docs/DASHSCOPE-API.md, "Temporary storage", and the modes' sections).
import { sniffImage } from './image';

export type MediaKind = 'image' | 'video' | 'audio';

export interface MediaType {
	kind: MediaKind;
	mimeType: string;
	/** The extension a file of this type is stored under (DashScope's storage reads the type from the name). */
	extension: string;
}

/** The largest file DashScope takes per kind: images 10 MB, audio 15 MB, video clips 100 MB. */
export const MAX_MEDIA_BYTES: Record<MediaKind, number> = {
	image: 10 * 1024 * 1024,
	audio: 15 * 1024 * 1024,
	video: 100 * 1024 * 1024,
};

/** What each kind may be, as the error texts name it. */
export const MEDIA_FORMATS: Record<MediaKind, string> = {
	image: 'JPEG, PNG, BMP or WEBP',
	video: 'MP4 or MOV',
	audio: 'WAV or MP3',
};

const ascii = (bytes: Uint8Array, start: number, end: number) =>
	String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));

/** The type the first bytes show, or undefined for anything DashScope does not take. */
export function sniffMedia(head: Uint8Array): MediaType | undefined {
	const image = sniffImage(head);
	if (image.mimeType) {
		const extension = image.format === 'jpeg' ? 'jpg' : image.format;
		return { kind: 'image', mimeType: image.mimeType, extension };
	}
	if (ascii(head, 4, 8) === 'ftyp') {
		const brand = ascii(head, 8, 12);
		if (brand === 'qt  ') return { kind: 'video', mimeType: 'video/quicktime', extension: 'mov' };
		if (!/^(avif|avis|hei|mif)/.test(brand)) return { kind: 'video', mimeType: 'video/mp4', extension: 'mp4' };
	}
	if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WAVE') {
		return { kind: 'audio', mimeType: 'audio/wav', extension: 'wav' };
	}
	// An ID3 tag, or an MPEG audio frame sync (11 set bits) of layer III.
	if (ascii(head, 0, 3) === 'ID3' || (head[0] === 0xff && (head[1] & 0xe6) === 0xe2)) {
		return { kind: 'audio', mimeType: 'audio/mpeg', extension: 'mp3' };
	}
	return undefined;
}

const EXTENSIONS: Record<string, MediaKind> = {
	jpg: 'image',
	jpeg: 'image',
	png: 'image',
	bmp: 'image',
	webp: 'image',
	mp4: 'video',
	mov: 'video',
	wav: 'audio',
	mp3: 'audio',
};

/** The kind a URL's path names by its extension (query and fragment ignored), or undefined. */
export function kindFromUrl(url: string): MediaKind | undefined {
	let path: string;
	try {
		path = new URL(url).pathname;
	} catch {
		return undefined;
	}
	const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1].toLowerCase();
	return extension ? EXTENSIONS[extension] : undefined;
}

/** The kind a Content-Type names, or undefined. */
export function kindFromContentType(contentType: string): MediaKind | undefined {
	const type = contentType.split(';')[0].trim().toLowerCase();
	const family = type.split('/')[0];
	return family === 'image' || family === 'video' || family === 'audio' ? family : undefined;
}

/** One media input as read from the item: a URL DashScope fetches itself, or a file's bytes to upload. */
export type MediaInput =
	| { kind: MediaKind; url: string }
	| { kind: MediaKind; file: { fileName: string; mimeType: string; bytes: Uint8Array } };
