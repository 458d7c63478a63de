// A streaming MP4 inspector: fed the download's chunks as they pass by, it proves the file is a complete MP4
// (ftyp first, top-level boxes that add up to the bytes received) and reads duration, size, frame rate and codec
// from the moov box, which it alone keeps in memory.

export interface VideoMetadata {
	durationSeconds?: number;
	width?: number;
	height?: number;
	frameRate?: number;
	videoCodec?: string;
	/** Whether the file has a sound track (a trak whose handler is 'soun'). */
	hasAudio: boolean;
	audioCodec?: string;
	/** moov before mdat: the file can start playing (and be accepted by social uploads) before it is all downloaded. */
	faststart: boolean;
}

export class Mp4Error extends Error {}

const MAX_MOOV_BYTES = 64 * 1024 * 1024;
const CODECS: Record<string, string> = {
	avc1: 'h264',
	avc3: 'h264',
	hvc1: 'hevc',
	hev1: 'hevc',
	av01: 'av1',
	vp09: 'vp9',
	mp4v: 'mpeg4',
	mp4a: 'aac',
	'ac-3': 'ac3',
	opus: 'opus',
};

export class Mp4Inspector {
	private received = 0;
	private header: number[] = [];
	/** Absolute offset where the current top-level box ends (undefined: reading a header). */
	private boxEnd: number | undefined;
	private boxType = '';
	private moovParts: Uint8Array[] | undefined;
	private moovBytes = 0;
	private moov: Uint8Array | undefined;
	private boxTypes: string[] = [];
	private headerStart = 0;

	get bytesReceived() {
		return this.received;
	}

	/** Feeds the next chunk; throws Mp4Error as soon as the bytes cannot be an MP4. */
	push(chunk: Uint8Array): void {
		let offset = 0;
		while (offset < chunk.length) {
			if (this.boxEnd === undefined) {
				offset = this.readHeader(chunk, offset);
				continue;
			}
			const take = Math.min(chunk.length - offset, this.boxEnd - (this.received + offset));
			if (this.moovParts) {
				this.moovParts.push(chunk.slice(offset, offset + take));
				this.moovBytes += take;
				if (this.moovBytes > MAX_MOOV_BYTES)
					throw new Mp4Error(`the moov box is over ${MAX_MOOV_BYTES} bytes, larger than any real video index`);
			}
			offset += take;
			if (this.received + offset === this.boxEnd) this.closeBox();
		}
		this.received += chunk.length;
	}

	private readHeader(chunk: Uint8Array, offset: number): number {
		if (this.header.length === 0) this.headerStart = this.received + offset;
		while (offset < chunk.length && this.header.length < this.headerLength()) this.header.push(chunk[offset++]);
		if (this.header.length < this.headerLength()) return offset;
		const boxStart = this.headerStart;
		const type = String.fromCharCode(...this.header.slice(4, 8));
		if (!/^[\x20-\x7e]{4}$/.test(type)) throw new Mp4Error(`bytes at offset ${boxStart} are not an MP4 box`);
		if (this.boxTypes.length === 0 && type !== 'ftyp')
			throw new Mp4Error(`the file does not start with an MP4 "ftyp" box (it starts with "${printable(this.header)}")`);
		let size = this.header32(0);
		const headerLength = size === 1 ? 16 : 8;
		if (size === 1) size = this.header32(8) * 2 ** 32 + this.header32(12);
		const runsToEnd = size === 0;
		if (runsToEnd) size = Number.MAX_SAFE_INTEGER - boxStart; // box runs to the end of the file
		if (size < headerLength)
			throw new Mp4Error(`the "${type}" box at offset ${boxStart} has an impossible size ${size}`);
		this.boxTypes.push(type);
		this.boxType = type;
		this.boxEnd = boxStart + size;
		this.header = [];
		if (type === 'moov') {
			if (this.moov) throw new Mp4Error('the file has two moov boxes');
			// A moov that runs to the end of the file has no size yet: push() caps it as its bytes arrive.
			if (size > MAX_MOOV_BYTES && !runsToEnd)
				throw new Mp4Error(`the moov box is ${size} bytes, larger than any real video index`);
			this.moovParts = [];
		}
		if (this.received + offset === this.boxEnd) this.closeBox();
		return offset;
	}

	/** 8 bytes, or 16 when the 32-bit size is 1 and a 64-bit size follows. */
	private headerLength() {
		return this.header.length >= 4 && this.header32(0) === 1 ? 16 : 8;
	}

	private header32(at: number) {
		return (
			((this.header[at] << 24) | (this.header[at + 1] << 16) | (this.header[at + 2] << 8) | this.header[at + 3]) >>> 0
		);
	}

	private closeBox() {
		if (this.boxType === 'moov' && this.moovParts) {
			this.moov = concat(this.moovParts);
			this.moovParts = undefined;
		}
		this.boxEnd = undefined;
	}

	/** Call after the last chunk: checks completeness and returns the metadata. */
	finish(): VideoMetadata {
		const openBoxRunsToEnd = this.boxEnd !== undefined && this.boxEnd > Number.MAX_SAFE_INTEGER / 2;
		if (this.received === 0) throw new Mp4Error('the download is empty');
		if (this.header.length > 0 || (this.boxEnd !== undefined && !openBoxRunsToEnd)) {
			throw new Mp4Error(
				`the file ends inside its "${this.boxType}" box after ${this.received} bytes: the download is incomplete`,
			);
		}
		if (openBoxRunsToEnd && this.boxType === 'moov') this.closeBox();
		if (!this.boxTypes.includes('mdat')) throw new Mp4Error('the file has no media data (mdat box)');
		if (!this.moov) throw new Mp4Error('the file has no index (moov box)');
		const metadata = readMovie(this.moov);
		return { ...metadata, faststart: this.boxTypes.indexOf('moov') < this.boxTypes.indexOf('mdat') };
	}
}

function printable(bytes: number[]) {
	return String.fromCharCode(...bytes.slice(0, 8)).replace(/[^\x20-\x7e]/g, '.');
}

function concat(parts: Uint8Array[]): Uint8Array {
	const total = parts.reduce((sum, part) => sum + part.length, 0);
	const result = new Uint8Array(total);
	let offset = 0;
	for (const part of parts) {
		result.set(part, offset);
		offset += part.length;
	}
	return result;
}

interface Box {
	type: string;
	/** Payload, without the header. */
	data: DataView;
}

function* children(view: DataView): Generator<Box> {
	let offset = 0;
	while (offset + 8 <= view.byteLength) {
		let size = view.getUint32(offset);
		const type = String.fromCharCode(
			view.getUint8(offset + 4),
			view.getUint8(offset + 5),
			view.getUint8(offset + 6),
			view.getUint8(offset + 7),
		);
		let headerLength = 8;
		if (size === 1 && offset + 16 <= view.byteLength) {
			size = Number(view.getBigUint64(offset + 8));
			headerLength = 16;
		} else if (size === 0) size = view.byteLength - offset;
		if (size < headerLength || offset + size > view.byteLength) return;
		yield { type, data: new DataView(view.buffer, view.byteOffset + offset + headerLength, size - headerLength) };
		offset += size;
	}
}

const child = (view: DataView, type: string) => [...children(view)].find((box) => box.type === type)?.data;

function readMovie(moov: Uint8Array): Omit<VideoMetadata, 'faststart'> {
	const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
	const result: Omit<VideoMetadata, 'faststart'> = { hasAudio: false };
	let videoRead = false; // the first video track is the video
	const mvhd = child(view, 'mvhd');
	if (mvhd) {
		const v1 = mvhd.getUint8(0) === 1;
		const timescale = mvhd.getUint32(v1 ? 20 : 12);
		const duration = v1 ? Number(mvhd.getBigUint64(24)) : mvhd.getUint32(16);
		if (timescale > 0) result.durationSeconds = round(duration / timescale, 3);
	}
	for (const trak of children(view)) {
		if (trak.type !== 'trak') continue;
		const mdia = child(trak.data, 'mdia');
		const hdlr = mdia && child(mdia, 'hdlr');
		if (!mdia || !hdlr || hdlr.byteLength < 12) continue;
		const handler = fourCc(hdlr, 8);
		const stbl = child(mdia, 'minf') && child(child(mdia, 'minf')!, 'stbl');
		const stsd = stbl && child(stbl, 'stsd');
		if (handler === 'soun') {
			result.hasAudio = true;
			if (stsd && stsd.byteLength >= 16) result.audioCodec ??= CODECS[fourCc(stsd, 12)] ?? fourCc(stsd, 12);
			continue;
		}
		if (handler !== 'vide' || videoRead) continue;
		videoRead = true;
		if (stsd && stsd.byteLength >= 8 + 36) {
			const format = fourCc(stsd, 12);
			result.videoCodec = CODECS[format] ?? format;
			result.width = stsd.getUint16(8 + 32);
			result.height = stsd.getUint16(8 + 34);
		}
		const mdhd = child(mdia, 'mdhd');
		const stts = stbl && child(stbl, 'stts');
		if (mdhd && stts) {
			const v1 = mdhd.getUint8(0) === 1;
			const timescale = mdhd.getUint32(v1 ? 20 : 12);
			let samples = 0;
			let ticks = 0;
			const entries = stts.getUint32(4);
			for (let i = 0; i < entries && 8 + i * 8 + 8 <= stts.byteLength; i++) {
				const count = stts.getUint32(8 + i * 8);
				samples += count;
				ticks += count * stts.getUint32(12 + i * 8);
			}
			if (timescale > 0 && ticks > 0) result.frameRate = round((samples * timescale) / ticks, 3);
		}
	}
	return result;
}

const fourCc = (view: DataView, at: number) =>
	String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
