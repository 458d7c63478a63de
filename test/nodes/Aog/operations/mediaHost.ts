// Inputs of the modes that take clips: small MP4s made with the media kit, and a web host that serves them by URL
// for the DashScope dev server to download, as DashScope would. The node refuses loopback and private addresses in a
// URL, so the host is named media.test, which the dev servers resolve to this machine.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { VideoMaker } from '../../../../tools/media/video-maker';

const maker = new VideoMaker();

/** An MP4 of a solid colour: `width`×`height`, `seconds` long, with an AAC track when `audio`. */
export async function clip(width: number, height: number, seconds: number, audio: boolean): Promise<Buffer> {
	return readFileSync((await maker.textVideo({ width, height }, seconds, audio)).path);
}

export interface MediaHost {
	/** Serves `bytes` at the returned URL. */
	add(path: string, bytes: Buffer, contentType: string): string;
	gets: string[];
	/** Every request, with its method and whether it carried an Authorization header. */
	requests: Array<{ method: string; url: string; authorization?: string }>;
	close(): Promise<void>;
}

export async function startMediaHost(): Promise<MediaHost> {
	const files = new Map<string, [string, Buffer]>();
	const gets: string[] = [];
	const requests: MediaHost['requests'] = [];
	const server = createServer((req, res) => {
		requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
		if (req.method === 'GET') gets.push(req.url ?? '');
		const file = files.get(req.url ?? '');
		if (file) res.writeHead(200, { 'Content-Type': file[0] }).end(file[1]);
		else res.writeHead(404).end('not here');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	// The dev servers resolve names under .test to this machine (tools/media/test-hosts.js).
	const base = `http://media.test:${(server.address() as AddressInfo).port}`;
	return {
		add(path, bytes, contentType) {
			files.set(path, [contentType, bytes]);
			return base + path;
		},
		gets,
		requests,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
