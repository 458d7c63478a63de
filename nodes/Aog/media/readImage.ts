import type { IExecuteFunctions } from 'n8n-workflow';

import { formatBytes, SNIFF_BYTES } from './image';
import { InputError } from '../run/failures';
import { base64ToDataUri, inspectImageBytes } from './imageInput';
import type { InlineImage } from './jsonBody';
import { checkImageUrl } from '../http/url';

export type ImageType = 'url' | 'path' | 'base64';

/** The most a binary input is ever read into memory, Validate Image on or off: the cap the Base64 source has. */
const MAX_BINARY_IMAGE_BYTES = 64 * 1024 * 1024;

/**
 * Reads the picture of one item into the `image` / `image_type` pair AOG expects. A binary comes back as its bytes,
 * for the request body to encode once (media/jsonBody.ts); the other sources as the string to send.
 */
export async function readImage(
	this: IExecuteFunctions,
	itemIndex: number,
	source: string,
	validate: boolean,
): Promise<{ image: string | InlineImage; imageType: ImageType }> {
	switch (source) {
		case 'binary':
			return { image: await readBinaryImage.call(this, itemIndex, validate), imageType: 'base64' };
		case 'url':
			return {
				image: checkImageUrl(String(this.getNodeParameter('imageUrl', itemIndex, '')), validate),
				imageType: 'url',
			};
		case 'base64':
			return {
				image: base64ToDataUri(String(this.getNodeParameter('imageBase64', itemIndex, '')), validate).dataUri,
				imageType: 'base64',
			};
		case 'path': {
			const path = String(this.getNodeParameter('imagePath', itemIndex, ''));
			if (path.trim() === '') {
				throw new InputError(
					'The Image Path field is empty',
					'Give the full path of the picture on the machine where AOG runs, for example /home/me/pictures/product.jpg.',
				);
			}
			return { image: path, imageType: 'path' };
		}
		default:
			throw new InputError(
				`Image Source "${source}" is not known`,
				'Choose Binary File, URL, Base64 or Path on AOG Host.',
			);
	}
}

/**
 * Reads an input binary and the MIME type its bytes show. A file n8n keeps on disk is first checked from its first
 * bytes and its stored size, so a large non-image is refused without loading it.
 */
async function readBinaryImage(this: IExecuteFunctions, itemIndex: number, validate: boolean): Promise<InlineImage> {
	const name = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim();
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	const binary = binaries[name];
	if (!binary) {
		const present = Object.keys(binaries);
		throw new InputError(
			`The item has no binary field "${name}"`,
			present.length > 0
				? `It has: ${present.map((field) => `"${field}"`).join(', ')}. Set "Input Binary Field" to the one holding the picture.`
				: 'It has no binary data at all. Put a node that outputs the picture as a file (Read/Write Files from Disk, HTTP Request with "File" response, a Form upload…) before this one, or choose another Image Source.',
		);
	}
	const storedSize = binary.id
		? (await this.helpers.getBinaryMetadata(binary.id)).fileSize
		: Math.floor((binary.data.length * 3) / 4);
	if (validate && binary.id) {
		const stream = await this.helpers.getBinaryStream(binary.id, SNIFF_BYTES);
		let head: Uint8Array = new Uint8Array(0);
		for await (const chunk of stream as AsyncIterable<Uint8Array>) {
			head = chunk;
			break; // leaving the loop closes the file
		}
		inspectImageBytes(head, storedSize, true, binary.mimeType);
	}
	// A hard cap whatever Validate Image says, from the stored size before anything is read: a wrong field (a video)
	// must not be loaded whole.
	if (storedSize > MAX_BINARY_IMAGE_BYTES) {
		throw new InputError(
			`The binary field "${name}" holds ${formatBytes(storedSize)}, more than the ${formatBytes(MAX_BINARY_IMAGE_BYTES)} a picture may have`,
			'Set "Input Binary Field" to the field holding the picture (DashScope takes pictures of at most 10 MB; this cap holds even with Validate Image off).',
		);
	}
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, name);
	const { mimeType } = inspectImageBytes(bytes, bytes.length, validate, binary.mimeType);
	return { bytes, mimeType };
}
