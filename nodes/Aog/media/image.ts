// Recognises image formats from their bytes (never from a file name) and reads width and height
// from the header, so bad pictures are refused before AOG bills a generation for them.

export type ImageFormat = 'jpeg' | 'png' | 'bmp' | 'webp';

export interface ImageInfo {
	/** A format DashScope accepts, or a label for one it does not (gif, tiff, svg, avif, heic, pdf, mp4, unknown). */
	format: ImageFormat | 'gif' | 'tiff' | 'svg' | 'avif' | 'heic' | 'pdf' | 'mp4' | 'text' | 'unknown';
	mimeType?: string;
	width?: number;
	height?: number;
	hasAlpha?: boolean;
	/** Set when the format was recognised but its header is cut short or corrupt. */
	corrupt?: string;
	/** Set with `corrupt` when the header ran past the end of the bytes given: more of the file may hold it. */
	truncated?: boolean;
}

/** DashScope's input limits for wan2.x image-to-video (see docs/AOG-API.md). */
export const IMAGE_LIMITS = { minSide: 360, maxSide: 2000, maxBytes: 10 * 1024 * 1024 };

export const ACCEPTED_MIME_TYPES: Record<ImageFormat, string> = {
	jpeg: 'image/jpeg',
	png: 'image/png',
	bmp: 'image/bmp',
	webp: 'image/webp',
};

const ascii = (bytes: Uint8Array, start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));

export function sniffImage(bytes: Uint8Array): ImageInfo {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
		return withMime('jpeg', readJpegSize(bytes, view));
	}
	if (bytes.length >= 8 && ascii(bytes, 1, 4) === 'PNG' && bytes[0] === 0x89) {
		return withMime('png', readPngSize(bytes, view));
	}
	if (bytes.length >= 2 && ascii(bytes, 0, 2) === 'BM') {
		return withMime('bmp', readBmpSize(bytes, view));
	}
	if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') {
		return withMime('webp', readWebpSize(bytes, view));
	}
	return { format: recogniseUnsupported(bytes) };
}

function withMime(format: ImageFormat, size: Omit<ImageInfo, 'format'>): ImageInfo {
	return { format, mimeType: ACCEPTED_MIME_TYPES[format], ...size };
}

function recogniseUnsupported(bytes: Uint8Array): ImageInfo['format'] {
	const head = ascii(bytes, 0, Math.min(bytes.length, 12));
	if (head.startsWith('GIF8')) return 'gif';
	if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'tiff';
	if (head.startsWith('%PDF')) return 'pdf';
	if (head.slice(4, 8) === 'ftyp') {
		const brand = head.slice(8, 12);
		if (brand === 'avif' || brand === 'avis') return 'avif';
		if (brand.startsWith('hei') || brand.startsWith('mif') || brand === 'heix') return 'heic';
		return 'mp4';
	}
	const text = ascii(bytes, 0, Math.min(bytes.length, 512)).trimStart().toLowerCase();
	if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg'))) return 'svg';
	if (
		bytes.length > 0 &&
		bytes.subarray(0, 512).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 128)
	) {
		return 'text';
	}
	return 'unknown';
}

function readPngSize(bytes: Uint8Array, view: DataView): Omit<ImageInfo, 'format'> {
	if (bytes.length < 26 || ascii(bytes, 12, 16) !== 'IHDR')
		return { corrupt: 'the PNG header (IHDR) is missing or cut short' };
	const colorType = bytes[25];
	return { width: view.getUint32(16), height: view.getUint32(20), hasAlpha: colorType === 4 || colorType === 6 };
}

function readBmpSize(bytes: Uint8Array, view: DataView): Omit<ImageInfo, 'format'> {
	if (bytes.length < 26) return { corrupt: 'the BMP header is cut short' };
	const headerSize = view.getUint32(14, true);
	if (headerSize === 12) return { width: view.getUint16(18, true), height: view.getUint16(20, true) };
	if (headerSize < 40) return { corrupt: `the BMP header size ${headerSize} is not valid` };
	return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
}

function readWebpSize(bytes: Uint8Array, view: DataView): Omit<ImageInfo, 'format'> {
	if (bytes.length < 30) return { corrupt: 'the WEBP header is cut short' };
	const chunk = ascii(bytes, 12, 16);
	if (chunk === 'VP8 ') {
		if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a)
			return { corrupt: 'the WEBP (VP8) frame header is corrupt' };
		return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff, hasAlpha: false };
	}
	if (chunk === 'VP8L') {
		if (bytes[20] !== 0x2f) return { corrupt: 'the WEBP (lossless) header is corrupt' };
		const bits = view.getUint32(21, true);
		return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, hasAlpha: ((bits >> 28) & 1) === 1 };
	}
	if (chunk === 'VP8X') {
		const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
		const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
		return { width, height, hasAlpha: (bytes[20] & 0x10) !== 0 };
	}
	return { corrupt: `the WEBP chunk "${chunk}" is not one a WEBP image starts with` };
}

function readJpegSize(bytes: Uint8Array, view: DataView): Omit<ImageInfo, 'format'> {
	let offset = 2;
	while (offset + 4 <= bytes.length) {
		if (bytes[offset] !== 0xff) return { corrupt: `the JPEG marker at byte ${offset} is corrupt` };
		const marker = bytes[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
			offset += 2; // markers without a length
			continue;
		}
		if (marker === 0xd9 || marker === 0xda) return { corrupt: NO_FRAME_HEADER }; // end of image or start of scan before any frame header
		const length = view.getUint16(offset + 2);
		const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isFrameHeader) {
			if (offset + 9 > bytes.length) break;
			return { height: view.getUint16(offset + 5), width: view.getUint16(offset + 7), hasAlpha: false };
		}
		if (length < 2) return { corrupt: `the JPEG segment at byte ${offset} has an impossible length` };
		offset += 2 + length;
	}
	return { corrupt: NO_FRAME_HEADER, truncated: true };
}

const NO_FRAME_HEADER = 'the JPEG has no frame header (SOF) in its first bytes: the file is cut short or corrupt';

/** How many header bytes sniffImage needs at most for a typical image (JPEG EXIF blocks can be large). */
export const SNIFF_BYTES = 256 * 1024;

/**
 * Problems that make DashScope refuse an image, in the words a user needs. Empty when it is fine.
 * `size` is the whole file's byte length (the header may be only the first bytes).
 */
export function checkImageLimits(info: ImageInfo, size: number): string[] {
	const problems: string[] = [];
	if (size > IMAGE_LIMITS.maxBytes) {
		problems.push(`the image is ${formatBytes(size)}, over DashScope's limit of 10 MB`);
	}
	const { width, height } = info;
	if (width !== undefined && height !== undefined) {
		const { minSide, maxSide } = IMAGE_LIMITS;
		if (width < minSide || width > maxSide || height < minSide || height > maxSide) {
			problems.push(
				`the image is ${width}×${height} px; DashScope needs each side between ${minSide} and ${maxSide} px`,
			);
		}
	}
	// DashScope's rule is "PNG without transparency"; WEBP with alpha is accepted.
	if (info.hasAlpha && info.format === 'png') {
		problems.push(
			'the PNG has an alpha (transparency) channel, which DashScope rejects; save it without transparency or as JPEG',
		);
	}
	return problems;
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
