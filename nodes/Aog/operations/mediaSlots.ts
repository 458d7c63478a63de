// The media inputs of the Wan family's operations ("slots": first frame, references, a clip, a voice track). Every slot
// has the same fields, named after it (`<slot>Source`, `<slot>BinaryPropertyName`, `<slot>Url`, `<slot>Base64`), and
// is read the same way: a URL is passed on for DashScope to fetch, a file is checked here and uploaded later
// (dashscope/upload.ts), before anything is billed.
import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { isPrivateHost, parseUrl, redactUrl } from '../http/url';
import { checkClipLength } from '../media/clipLength';
import { formatBytes, SNIFF_BYTES } from '../media/image';
import { base64ToDataUri, inspectImageBytes } from '../media/imageInput';
import {
	kindFromContentType,
	kindFromUrl,
	MAX_MEDIA_BYTES,
	MEDIA_FORMATS,
	sniffMedia,
	type MediaInput,
	type MediaKind,
} from '../media/mediaKind';
import { InputError } from '../run/failures';

export interface MediaSlot {
	/** The prefix of the slot's fields: `firstFrame` → `firstFrameSource`… */
	name: string;
	displayName: string;
	kinds: readonly MediaKind[];
	required: boolean;
	/** The binary field read by default: `data` for an operation's first required slot, else the slot's name. */
	binaryProperty: string;
	/** What the slot is for, shown under its source. */
	description: string;
	/** How long a clip may be (s), checked on a file from its moov box; a URL is DashScope's to check. */
	clipSeconds?: [number, number];
}

/** A link that does not name its type by extension is asked once, briefly. */
const HEAD_TIMEOUT_MS = 10_000;
const KIND_WORDS: Record<MediaKind, string> = { image: 'a picture', video: 'a video clip', audio: 'an audio track' };
const kindsText = (slot: MediaSlot) => slot.kinds.map((kind) => KIND_WORDS[kind]).join(' or ');
const formatsText = (slot: MediaSlot) => slot.kinds.map((kind) => MEDIA_FORMATS[kind]).join('; ');

/** The slot's fields; `show` adds conditions to all of them (Image to Video shows its extras for DashScope only). */
export function mediaSlotProperties(slot: MediaSlot, show: IDisplayOptions['show'] = {}): INodeProperties[] {
	const source = `${slot.name}Source`;
	const takesBase64 = slot.kinds.includes('image');
	const defaultSource = slot.required ? 'binary' : 'none';
	const defaultField = slot.binaryProperty;
	return [
		{
			displayName: `${slot.displayName} Source`,
			name: source,
			type: 'options',
			noDataExpression: true,
			options: [
				...(slot.required ? [] : [{ name: 'None', value: 'none' }]),
				{ name: 'Binary File', value: 'binary', description: `${kindsText(slot)} from an earlier node` },
				{ name: 'URL', value: 'url', description: 'A public http(s) address that Alibaba Cloud downloads itself' },
				...(takesBase64 ? [{ name: 'Base64', value: 'base64', description: 'Base64 text or a data URI' }] : []),
			],
			default: defaultSource,
			displayOptions: { show },
			description: slot.description,
		},
		{
			displayName: `${slot.displayName} Binary Field`,
			name: `${slot.name}BinaryPropertyName`,
			type: 'string',
			default: defaultField,
			required: true,
			displayOptions: { show: { ...show, [source]: ['binary'] } },
			description: `Binary field of the incoming item that holds ${kindsText(slot)} (${formatsText(slot)}); uploaded to DashScope's temporary storage`,
		},
		{
			displayName: `${slot.displayName} URL`,
			name: `${slot.name}Url`,
			type: 'string',
			default: '',
			required: true,
			displayOptions: { show: { ...show, [source]: ['url'] } },
			description: `Public http(s) URL of ${kindsText(slot)} (${formatsText(slot)})`,
		},
		...(takesBase64
			? [
					{
						displayName: `${slot.displayName} (Base64)`,
						name: `${slot.name}Base64`,
						type: 'string' as const,
						typeOptions: { rows: 2 },
						default: '',
						required: true,
						displayOptions: { show: { ...show, [source]: ['base64'] } },
						description: 'Bare base64 or a data URI of the picture',
					},
				]
			: []),
	];
}

/** The slot's input, or undefined for an optional slot left at None. */
export async function readMediaSlot(
	this: IExecuteFunctions,
	itemIndex: number,
	slot: MediaSlot,
): Promise<MediaInput | undefined> {
	const source = String(this.getNodeParameter(`${slot.name}Source`, itemIndex, slot.required ? 'binary' : 'none'));
	switch (source) {
		case 'none':
			if (!slot.required) return undefined;
			break;
		case 'url':
			return await mediaUrl(this, slot, String(this.getNodeParameter(`${slot.name}Url`, itemIndex, '')));
		case 'binary':
			return await readBinary.call(this, itemIndex, slot);
		case 'base64':
			if (!slot.kinds.includes('image')) break;
			return fromBase64(slot, String(this.getNodeParameter(`${slot.name}Base64`, itemIndex, '')));
	}
	throw new InputError(
		`${slot.displayName} Source "${source}" is not offered`,
		`Choose Binary File or URL${slot.kinds.includes('image') ? ' or Base64' : ''} for ${slot.displayName}.`,
	);
}

async function mediaUrl(context: IExecuteFunctions, slot: MediaSlot, raw: string): Promise<MediaInput> {
	const value = raw.trim();
	const url = parseUrl(value);
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new InputError(
			value === '' ? `The ${slot.displayName} URL field is empty` : `"${redactUrl(value)}" is not an http(s) URL`,
			`Give ${slot.displayName} as a full public address such as https://example.com/file, or choose Binary File.`,
		);
	}
	if (isPrivateHost(url.hostname)) {
		throw new InputError(
			`The ${slot.displayName} URL points to a local or private address (${url.hostname}) that Alibaba Cloud cannot reach`,
			'DashScope fetches URLs from the internet. Download the file in n8n first and choose Binary File: the node uploads it to DashScope.',
		);
	}
	const named = kindFromUrl(value);
	if (named && !slot.kinds.includes(named)) {
		throw new InputError(
			`The ${slot.displayName} URL names ${KIND_WORDS[named]}, but ${slot.displayName} takes ${kindsText(slot)}`,
			`Give ${slot.displayName} a link to ${formatsText(slot)}.`,
		);
	}
	const kind = named ?? (slot.kinds.length === 1 ? slot.kinds[0] : await contentKind(context, value));
	if (!kind || !slot.kinds.includes(kind)) {
		throw new InputError(
			kind
				? `The ${slot.displayName} URL serves ${KIND_WORDS[kind]}, but ${slot.displayName} takes ${kindsText(slot)}`
				: `The ${slot.displayName} URL does not say whether it is ${kindsText(slot)}`,
			'Use a link whose path ends in the file type (.jpg, .png, .mp4…) or that answers with its Content-Type, or choose Binary File so the node reads the type from the file.',
		);
	}
	return { kind, url: value };
}

/** The kind a link's answer names in its Content-Type (a HEAD request without any credential), or undefined. */
async function contentKind(context: IExecuteFunctions, url: string): Promise<MediaKind | undefined> {
	try {
		const answer = (await context.helpers.httpRequest({
			method: 'HEAD',
			url,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: HEAD_TIMEOUT_MS,
		})) as { statusCode: number; headers: Record<string, string | undefined> };
		return answer.statusCode < 400 ? kindFromContentType(String(answer.headers['content-type'] ?? '')) : undefined;
	} catch {
		return undefined;
	}
}

/** Checks the bytes' type and limits against the slot: the file is uploaded only if DashScope can take it. */
function checkedFile(slot: MediaSlot, bytes: Uint8Array, where: string): MediaInput {
	const type = sniffMedia(bytes.subarray(0, SNIFF_BYTES));
	if (!type || !slot.kinds.includes(type.kind)) {
		throw new InputError(
			`${where} is ${type ? KIND_WORDS[type.kind] : 'not a file type DashScope takes'}, but ${slot.displayName} takes ${kindsText(slot)}`,
			`Give ${slot.displayName} ${formatsText(slot)}, or pick the binary field that holds it.`,
		);
	}
	if (type.kind === 'image') inspectImageBytes(bytes, bytes.byteLength, true);
	else if (bytes.byteLength > MAX_MEDIA_BYTES[type.kind]) {
		throw new InputError(
			`${where} has ${formatBytes(bytes.byteLength)}; DashScope takes ${KIND_WORDS[type.kind]} of at most ${formatBytes(MAX_MEDIA_BYTES[type.kind])}`,
			'Shorten or re-encode the file first.',
		);
	}
	const input: MediaInput = {
		kind: type.kind,
		file: { fileName: `${slot.name}.${type.extension}`, mimeType: type.mimeType, bytes },
	};
	if (slot.clipSeconds) checkClipLength(input, slot.displayName, slot.clipSeconds);
	return input;
}

async function readBinary(this: IExecuteFunctions, itemIndex: number, slot: MediaSlot): Promise<MediaInput> {
	const field = String(this.getNodeParameter(`${slot.name}BinaryPropertyName`, itemIndex, slot.binaryProperty)).trim();
	const binaries = this.getInputData()[itemIndex]?.binary ?? {};
	const binary = binaries[field];
	if (!binary) {
		const present = Object.keys(binaries);
		throw new InputError(
			`The item has no binary field "${field}" for ${slot.displayName}`,
			present.length > 0
				? `It has: ${present.map((name) => `"${name}"`).join(', ')}. Set "${slot.displayName} Binary Field" to the one holding ${kindsText(slot)}.`
				: `It has no binary data at all. Put a node that outputs the file before this one, or choose another ${slot.displayName} Source.`,
		);
	}
	// The stored size is checked before anything is read, so a wrong field (a long video) is never loaded whole.
	const limit = Math.max(...slot.kinds.map((kind) => MAX_MEDIA_BYTES[kind]));
	const storedSize = binary.id
		? (await this.helpers.getBinaryMetadata(binary.id)).fileSize
		: Math.floor((binary.data.length * 3) / 4);
	if (storedSize > limit) {
		throw new InputError(
			`The binary field "${field}" holds ${formatBytes(storedSize)}, more than DashScope takes for ${slot.displayName} (${formatBytes(limit)})`,
			`Set "${slot.displayName} Binary Field" to the right field, or shorten or re-encode the file.`,
		);
	}
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, field);
	return checkedFile(slot, bytes, `The binary field "${field}"`);
}

function fromBase64(slot: MediaSlot, text: string): MediaInput {
	const { dataUri } = base64ToDataUri(text, true);
	const bytes = Buffer.from(dataUri.slice(dataUri.indexOf(',') + 1), 'base64');
	return checkedFile(slot, bytes, `${slot.displayName} (Base64)`);
}
