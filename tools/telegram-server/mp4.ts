// What the dev server reads from an uploaded MP4 to check the fields sent with it: the ISO BMFF boxes ftyp (it is
// an MP4), mvhd (duration) and the video track's tkhd (width, height). Independent of the node's own MP4 reader,
// so a mistake there cannot hide here.

export interface Mp4Header {
	/** The ftyp box's major brand, e.g. "isom". */
	brand: string;
	/** Seconds, from mvhd. */
	duration: number;
	/** Pixels, from the tkhd of the track whose handler is "vide". */
	width: number;
	height: number;
}

interface Box {
	type: string;
	start: number;
	end: number;
	/** Where the box's content begins (after size, type and a 64-bit size). */
	body: number;
}

function boxes(data: Buffer, start: number, end: number): Box[] {
	const found: Box[] = [];
	let position = start;
	while (position + 8 <= end) {
		let size = data.readUInt32BE(position);
		const type = data.toString('latin1', position + 4, position + 8);
		let body = position + 8;
		if (size === 1) {
			if (position + 16 > end) break;
			size = Number(data.readBigUInt64BE(position + 8));
			body = position + 16;
		} else if (size === 0) {
			size = end - position;
		}
		if (size < 8 || position + size > end) break;
		found.push({ type, start: position, end: position + size, body });
		position += size;
	}
	return found;
}

const child = (data: Buffer, parent: Box, type: string) =>
	boxes(data, parent.body, parent.end).find((box) => box.type === type);

/** The header of an MP4, or undefined when the bytes are not one (no ftyp first, no moov with mvhd). */
export function readMp4Header(data: Buffer): Mp4Header | undefined {
	const top = boxes(data, 0, data.length);
	if (top[0]?.type !== 'ftyp') return undefined;
	const brand = data.toString('latin1', top[0].body, top[0].body + 4);
	const moov = top.find((box) => box.type === 'moov');
	if (!moov) return undefined;
	const mvhd = child(data, moov, 'mvhd');
	if (!mvhd) return undefined;
	const version = data[mvhd.body];
	// version 1: 64-bit creation and modification times and duration
	const timescale = data.readUInt32BE(mvhd.body + (version === 1 ? 20 : 12));
	const length = version === 1 ? Number(data.readBigUInt64BE(mvhd.body + 24)) : data.readUInt32BE(mvhd.body + 16);
	let width = 0;
	let height = 0;
	for (const trak of boxes(data, moov.body, moov.end).filter((box) => box.type === 'trak')) {
		const mdia = child(data, trak, 'mdia');
		const hdlr = mdia && child(data, mdia, 'hdlr');
		if (!hdlr || data.toString('latin1', hdlr.body + 8, hdlr.body + 12) !== 'vide') continue;
		const tkhd = child(data, trak, 'tkhd');
		if (!tkhd) continue;
		// width and height are the box's last 8 bytes, 16.16 fixed point
		width = data.readUInt32BE(tkhd.end - 8) / 65536;
		height = data.readUInt32BE(tkhd.end - 4) / 65536;
		break;
	}
	return { brand, duration: timescale ? length / timescale : 0, width, height };
}
