// Turns what the user gave (bytes, base64, a data URI, a URL, a path) into the `image` AOG expects,
// refusing anything DashScope would reject before a request is made.
import { InputError } from '../run/failures';
import { checkImageLimits, formatBytes, IMAGE_LIMITS, sniffImage, SNIFF_BYTES, type ImageInfo } from './image';

const FORMAT_NAMES: Record<ImageInfo['format'], string> = {
	jpeg: 'JPEG',
	png: 'PNG',
	bmp: 'BMP',
	webp: 'WEBP',
	gif: 'GIF',
	tiff: 'TIFF',
	svg: 'SVG',
	avif: 'AVIF',
	heic: 'HEIC/HEIF',
	pdf: 'PDF document',
	mp4: 'MP4/MOV video',
	text: 'text file',
	unknown: 'file of unknown type',
};
const ACCEPTED = 'DashScope accepts JPEG, PNG, BMP and WEBP images';

/**
 * Checks a picture's bytes (or its first bytes, with `totalSize` the whole size) and returns its MIME type.
 * With `validate` off only the format is detected; unknown formats fall back to `fallbackMimeType`.
 */
export function inspectImageBytes(
	head: Uint8Array,
	totalSize: number,
	validate: boolean,
	fallbackMimeType?: string,
): { mimeType: string; info: ImageInfo } {
	const info = sniffImage(head);
	if (!validate) {
		const mimeType = info.mimeType ?? fallbackMimeType;
		if (!mimeType) {
			throw new InputError(
				'The image type could not be recognised',
				'Give the binary a MIME type, or turn "Validate Image" on to see what is wrong with it.',
			);
		}
		return { mimeType, info };
	}
	if (totalSize === 0) {
		throw new InputError('The image is empty (0 bytes)', 'Check the node that produced the file: it wrote no data.');
	}
	if (!info.mimeType) {
		throw new InputError(
			`The input is a ${FORMAT_NAMES[info.format]}, not an image Wan can animate`,
			`${ACCEPTED}. Convert the file first (for example with the Edit Image node to JPEG), or pick the right binary field.`,
		);
	}
	// A header that runs past the bytes given (a JPEG with large metadata) is checked again on the whole file.
	if (info.corrupt && !(info.truncated && head.length < totalSize)) {
		throw new InputError(
			`The ${FORMAT_NAMES[info.format]} image is corrupt: ${info.corrupt}`,
			'Re-export or re-download the image; the file as given cannot be decoded.',
		);
	}
	const problems = checkImageLimits(info, totalSize);
	if (problems.length > 0) {
		throw new InputError(
			`The image does not meet DashScope's limits: ${problems.join('; ')}`,
			`Resize or re-encode it (JPEG, PNG without transparency, BMP or WEBP; each side ${IMAGE_LIMITS.minSide}–${IMAGE_LIMITS.maxSide} px; at most 10 MB), for example with the Edit Image node. If your gateway has other limits, turn off "Validate Image" in Options.`,
		);
	}
	return { mimeType: info.mimeType, info };
}

/**
 * Longest base64 text accepted before decoding anything: 10 MB of image wrapped with CRLF every 64 characters
 * (PEM; MIME and GNU base64 wrap at 76), plus slack. The exact size is checked once the whitespace is gone.
 */
export const MAX_BASE64_CHARS = Math.ceil(((IMAGE_LIMITS.maxBytes * 4) / 3) * (66 / 64)) + 64 * 1024;
/** Hard cap even with validation off, so a runaway expression cannot exhaust memory. */
export const ABSOLUTE_MAX_BASE64_CHARS = 64 * 1024 * 1024;

/** Normalises bare base64 or a data URI into the full data URI DashScope needs. */
export function base64ToDataUri(
	input: string,
	validate: boolean,
): { dataUri: string; mimeType: string; info: ImageInfo } {
	const trimmed = input.trim();
	if (trimmed === '') {
		throw new InputError(
			'The Image (Base64) field is empty',
			'Map the base64 text of the picture into "Image (Base64)", for example {{ $json.image }}.',
		);
	}
	let declaredMimeType: string | undefined;
	let payload = trimmed;
	if (/^data:/i.test(trimmed)) {
		const match = /^data:([^;,]*)((?:;[^;,]*)*),/i.exec(trimmed);
		if (!match) throw new InputError('The data URI is malformed', 'A data URI looks like data:image/png;base64,iVBOR…');
		declaredMimeType = match[1].toLowerCase();
		if (!/;base64$/i.test(match[2])) {
			throw new InputError(
				'The data URI is not base64-encoded',
				'Use a data URI of the form data:image/png;base64,… .',
			);
		}
		if (!declaredMimeType.startsWith('image/')) {
			throw new InputError(
				`The data URI declares "${declaredMimeType || 'no type'}", not an image`,
				`${ACCEPTED}; the data URI must start with data:image/….`,
			);
		}
		payload = trimmed.slice(match[0].length);
	}
	const limit = validate ? MAX_BASE64_CHARS : ABSOLUTE_MAX_BASE64_CHARS;
	if (payload.length > limit) {
		throw new InputError(
			`The base64 image is too large (${formatBytes(payload.length)} of text, about ${formatBytes((payload.length * 3) / 4)} decoded)`,
			validate
				? 'DashScope accepts images of at most 10 MB: resize or compress the picture first.'
				: 'Base64 input is capped at 64 MB of text.',
		);
	}
	const compact = payload.replace(/\s+/g, '');
	checkBase64Syntax(compact);
	const totalSize = (compact.length * 3) / 4 - (compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0);
	const headChars = Math.min(compact.length, Math.ceil(SNIFF_BYTES / 3) * 4);
	const head = Buffer.from(compact.slice(0, headChars), 'base64');
	let { mimeType, info } = inspectImageBytes(head, totalSize, validate, declaredMimeType);
	if (info.truncated && head.length < totalSize) {
		({ mimeType, info } = inspectImageBytes(Buffer.from(compact, 'base64'), totalSize, validate, declaredMimeType));
	}
	if (validate && declaredMimeType && !sameImageType(declaredMimeType, mimeType)) {
		throw new InputError(
			`The data URI says ${declaredMimeType} but the bytes are ${mimeType}`,
			`Correct the prefix to data:${mimeType};base64, or send the bare base64 and let the node detect the type.`,
		);
	}
	return {
		dataUri: `data:${declaredMimeType && !validate ? declaredMimeType : mimeType};base64,${compact}`,
		mimeType,
		info,
	};
}

function sameImageType(a: string, b: string) {
	const canonical = (type: string) =>
		type === 'image/jpg' || type === 'image/pjpeg' ? 'image/jpeg' : type === 'image/x-ms-bmp' ? 'image/bmp' : type;
	return canonical(a) === canonical(b);
}

function checkBase64Syntax(compact: string) {
	const bad = /[^A-Za-z0-9+/=]/.exec(compact);
	if (bad) {
		const hint =
			bad[0] === '-' || bad[0] === '_' ? ' (this looks like URL-safe base64: replace - with + and _ with /)' : '';
		throw new InputError(
			`The base64 image contains an invalid character "${bad[0]}" at position ${bad.index + 1}${hint}`,
			'Base64 uses only A–Z, a–z, 0–9, + and /, with = padding at the end.',
		);
	}
	const padding = /=+$/.exec(compact)?.[0].length ?? 0;
	if (compact.indexOf('=') !== -1 && compact.indexOf('=') < compact.length - padding) {
		throw new InputError(
			'The base64 image has "=" padding in the middle',
			'Padding may only end the text; the value may be two base64 strings joined together.',
		);
	}
	if (compact.length % 4 !== 0 || padding > 2) {
		throw new InputError(
			'The base64 image has the wrong length or padding',
			`Its length (${compact.length} characters) must be a multiple of 4 with at most two "=" at the end: the text was probably cut off.`,
		);
	}
}
