// Types of the test-picture generator (tools/aog-server/images.js).
export type ImageFormat = 'png' | 'jpeg' | 'bmp' | 'webp' | 'gif' | 'tiff';

export interface MakeImageOptions {
	width: number;
	height: number;
	/** Default 'png'. */
	format?: ImageFormat;
	/** Semi-transparent picture (png, bmp, webp, tiff; jpeg and gif throw). */
	alpha?: boolean;
	/** Different variants give different bytes (e.g. to defeat the server's video cache). Default 0. */
	variant?: number;
}

/** A testsrc2 picture as bytes, cached under <repo>/.cache/test-images/. */
export function makeImage(options: MakeImageOptions): Buffer;
/** Path of the cached picture file (made on first use). */
export function imageFile(options: MakeImageOptions): string;
/** `data:image/<type>;base64,...` */
export function toDataUri(bytes: Buffer, format?: ImageFormat): string;
export function mimeType(format: ImageFormat): string;
export const IMAGE_FORMATS: ImageFormat[];
export const IMAGE_CACHE_DIR: string;
