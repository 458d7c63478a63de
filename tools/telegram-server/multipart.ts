// multipart/form-data (RFC 7578) parsed into its parts: the Bot API dev server and the e2e upload endpoint both
// read uploads this way, so a part's bytes, file name and Content-Type are what the client really sent.

export interface MultipartPart {
	name: string;
	/** The part's filename="…", when it is a file. */
	fileName?: string;
	/** The part's own Content-Type header, when present. */
	contentType?: string;
	data: Buffer;
}

/** Parses a multipart/form-data body into its parts. Throws on a malformed body. */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] {
	const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!/^multipart\/form-data/i.test(contentType) || !match) throw new Error(`not multipart/form-data: ${contentType}`);
	const boundary = Buffer.from(`--${match[1] ?? match[2].trim()}`);
	const parts: MultipartPart[] = [];
	let position = body.indexOf(boundary);
	if (position !== 0) throw new Error('the body does not start with the boundary');
	for (;;) {
		position += boundary.length;
		if (body.subarray(position, position + 2).toString() === '--') break; // closing boundary
		if (body.subarray(position, position + 2).toString() !== '\r\n') throw new Error('no CRLF after a boundary');
		position += 2;
		const headerEnd = body.indexOf('\r\n\r\n', position);
		if (headerEnd === -1) throw new Error('a part has no end of headers');
		const headers: Record<string, string> = {};
		for (const line of body.subarray(position, headerEnd).toString('utf8').split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
		}
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
		if (next === -1) throw new Error('a part is not closed by the boundary');
		const disposition = headers['content-disposition'] ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '';
		const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		parts.push({ name, fileName, contentType: headers['content-type'], data: body.subarray(headerEnd + 4, next) });
		position = next + 2;
	}
	return parts;
}
