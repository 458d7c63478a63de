// Inputs of the modes that take clips: small MP4s made with the media kit, and a web host that serves them by URL
// for the DashScope dev server to download, as DashScope would. The node refuses loopback and private addresses in a
// URL, so the host listens on this machine's own public-looking interface address.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

import { isPrivateHost } from '../../../../nodes/Aog/http/url';
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
	close(): Promise<void>;
}

/** An IPv4 address of this machine that the node does not take for a private one. */
function publicAddress(): string {
	const addresses = Object.values(networkInterfaces())
		.flat()
		.filter((entry) => entry && entry.family === 'IPv4' && !entry.internal && !isPrivateHost(entry.address));
	if (!addresses[0]) {
		throw new Error(
			'No network interface has a non-private IPv4 address: URL sources cannot be served to the dev server here',
		);
	}
	return addresses[0].address;
}

export async function startMediaHost(): Promise<MediaHost> {
	const files = new Map<string, [string, Buffer]>();
	const gets: string[] = [];
	const server = createServer((req, res) => {
		gets.push(req.url ?? '');
		const file = files.get(req.url ?? '');
		if (file) res.writeHead(200, { 'Content-Type': file[0] }).end(file[1]);
		else res.writeHead(404).end('not here');
	});
	const host = publicAddress();
	await new Promise<void>((resolve) => server.listen(0, host, resolve));
	const base = `http://${host}:${(server.address() as AddressInfo).port}`;
	return {
		add(path, bytes, contentType) {
			files.set(path, [contentType, bytes]);
			return base + path;
		},
		gets,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
