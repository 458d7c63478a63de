// A small local web site for the end-to-end examples: it serves pictures by URL (for Image Source
// "URL": the AOG dev server downloads them itself, as DashScope would) and takes multipart/form-data
// uploads (the schedule example's upload endpoint), recording every part it received.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { parseMultipart, type MultipartPart } from '../../tools/telegram-server';

/** One part of an upload (tools/telegram-server's multipart parser). */
export type UploadPart = MultipartPart;

export interface Upload {
	path: string;
	/** The request's Content-Type (multipart/form-data; boundary=…). */
	contentType: string;
	parts: UploadPart[];
	/** The parts by name (text parts as strings). */
	fields: Record<string, string>;
	files: Record<string, UploadPart>;
}

export interface SiteServer {
	url: string;
	/** Serve `bytes` at url + path with this Content-Type. */
	addFile(path: string, bytes: Buffer, contentType: string): string;
	/** Every POST to /upload… so far, in arrival order. */
	uploads: Upload[];
	/** Every GET, in arrival order (paths). */
	gets: string[];
	close(): Promise<void>;
}

function readBody(req: IncomingMessage, limit = 200 * 1024 * 1024): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				reject(new Error('upload too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export async function startSiteServer(): Promise<SiteServer> {
	const files = new Map<string, { bytes: Buffer; contentType: string }>();
	const uploads: Upload[] = [];
	const gets: string[] = [];
	const server: Server = createServer((req, res) => {
		const path = (req.url ?? '/').split('?')[0];
		if (req.method === 'GET') {
			gets.push(path);
			const file = files.get(path);
			if (!file) {
				res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
				return;
			}
			res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length }).end(file.bytes);
			return;
		}
		if (req.method === 'POST' && path.startsWith('/upload')) {
			readBody(req).then(
				(body) => {
					const contentType = String(req.headers['content-type'] ?? '');
					let parts: UploadPart[];
					try {
						parts = parseMultipart(body, contentType);
					} catch (error) {
						res
							.writeHead(400, { 'content-type': 'application/json' })
							.end(JSON.stringify({ error: (error as Error).message }));
						return;
					}
					const upload: Upload = { path, contentType, parts, fields: {}, files: {} };
					for (const part of parts) {
						if (part.fileName !== undefined) upload.files[part.name] = part;
						else upload.fields[part.name] = part.data.toString('utf8');
					}
					uploads.push(upload);
					const received = Object.values(upload.files).map((file) => ({
						name: file.name,
						fileName: file.fileName,
						bytes: file.data.length,
					}));
					res
						.writeHead(201, { 'content-type': 'application/json' })
						.end(JSON.stringify({ ok: true, upload: uploads.length, received }));
				},
				(error: Error) => res.writeHead(413, { 'content-type': 'text/plain' }).end(error.message),
			);
			return;
		}
		res.writeHead(405, { 'content-type': 'text/plain' }).end('method not allowed');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return {
		url,
		uploads,
		gets,
		addFile(path, bytes, contentType) {
			files.set(path, { bytes, contentType });
			return `${url}${path}`;
		},
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
