// The generation request's JSON body, built once per item as bytes. A picture goes in as a data URI that is
// base64-encoded slice by slice straight into the body buffer: a 10 MB picture costs one ~13 MB buffer instead of a
// base64 string, a data URI string, a JSON string and the HTTP client's own byte copy of it (several items in
// flight at once multiply every copy).

/** A picture to embed as `data:<mimeType>;base64,…`. */
export interface InlineImage {
	bytes: Uint8Array;
	mimeType: string;
}

/** Put this where the data URI goes; jsonBody replaces it. */
export const IMAGE_SLOT = '\u0000aog-inline-image\u0000';

const SLOT_JSON = JSON.stringify(IMAGE_SLOT);
/** Bytes per base64 slice: a multiple of 3, so slices encode without padding and join seamlessly. */
const SLICE_BYTES = 3 * 256 * 1024;

export function isInlineImage(value: unknown): value is InlineImage {
	return typeof value === 'object' && value !== null && (value as InlineImage).bytes instanceof Uint8Array;
}

/** `JSON.stringify(fields)` as UTF-8 bytes, with the one IMAGE_SLOT string value replaced by the picture's data URI. */
export function jsonBody(fields: object, image: InlineImage): Buffer {
	const json = JSON.stringify(fields);
	const at = json.indexOf(SLOT_JSON);
	if (at === -1 || json.indexOf(SLOT_JSON, at + 1) !== -1)
		throw new Error('jsonBody: the fields must hold IMAGE_SLOT exactly once');
	// The opening quote and the prefix, JSON-escaped (a declared MIME type can hold anything); base64 needs no escaping.
	const head = json.slice(0, at) + JSON.stringify(`data:${image.mimeType};base64,`).slice(0, -1);
	const tail = `"${json.slice(at + SLOT_JSON.length)}`;
	const { bytes } = image;
	const base64Length = 4 * Math.ceil(bytes.byteLength / 3);
	const body = Buffer.allocUnsafe(Buffer.byteLength(head) + base64Length + Buffer.byteLength(tail));
	let offset = body.write(head, 0, 'utf8');
	for (let start = 0; start < bytes.byteLength; start += SLICE_BYTES) {
		const length = Math.min(SLICE_BYTES, bytes.byteLength - start);
		offset += body.write(
			Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('base64'),
			offset,
			'latin1',
		);
	}
	offset += body.write(tail, offset, 'utf8');
	if (offset !== body.length) throw new Error(`jsonBody: wrote ${offset} of ${body.length} bytes`);
	return body;
}
