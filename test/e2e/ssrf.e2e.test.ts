// n8n's SSRF protection (N8N_SSRF_PROTECTION_ENABLED, n8n 2.12.0 and later) and this node, in the real
// n8n 2.41.1 CLI on Node 24 (the newest 2.x that installs; the same install the compatibility suite uses,
// cached in .cache/n8n-2.41.1/). The node calls AOG and downloads the video through n8n's request helpers,
// which apply the protection; AOG (here its dev server) listens on loopback, which the default block list
// holds. The README's "n8n 3.0" section states what this file proves:
//   1. protection on, default block list: the demo workflow fails before any request reaches the gateway;
//   2. protection on, N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.1/32: the demo succeeds (one POST, one download,
//      the 5 s MP4 on disk).
//
// `npm test` builds first; on its own: npm run build && npx jest test/e2e/ssrf --selectProjects e2e
import path from 'node:path';

import { startAogServer, type AogServer } from '../../tools/aog-server';
import { ensureN8n, ensureNode, packPackage, REPO, runError, type NodeOption } from '../../tools/n8n-cli';
import { expectDemoSucceeded, explain, requireBuild, runDemo, TempDirs } from './support';

jest.setTimeout(15 * 60_000);

const N8N_VERSION = '2.41.1';
const NODE_MAJOR = 24;

let server: AogServer;
let tgz: string;
let n8nBin: string;
let node: NodeOption;
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	const installs = (async () => {
		node = await ensureNode(String(NODE_MAJOR));
		n8nBin = await ensureN8n(N8N_VERSION, { node, rebuildOnly: ['sqlite3', 'isolated-vm'], timeoutMs: 40 * 60_000 });
	})();
	[server, tgz] = await Promise.all([startAogServer({ port: 0, generationDelayMs: 0 }), packPackage(REPO), installs]);
	temp.add(path.dirname(tgz));
}, 45 * 60_000);

afterAll(async () => {
	await server?.close();
	temp.removeAll();
});

test('protection on with the default block list: the gateway on loopback is never reached, the run fails', async () => {
	expect(new URL(server.url).hostname).toBe('127.0.0.1');
	server.reset();
	const { run } = await runDemo({
		n8nBin,
		node,
		server,
		tgz,
		temp,
		label: 'ssrf-blocked',
		env: { N8N_SSRF_PROTECTION_ENABLED: 'true' },
	});
	expect(run.n8nVersion).toBe(N8N_VERSION);
	expect(run.timedOut).toBe(false);
	expect(run.exitCode).toBe(1);
	const error = runError(run.result);
	if (!error) throw new Error(`expected a recorded error: ${explain(run)}`);
	// eslint-disable-next-line no-console
	console.log(`n8n ${N8N_VERSION}, SSRF protection on: ${error.message} | ${error.description ?? ''}`);
	// n8n's own reason reaches the user inside the node's message, with the setting that allows the address
	expect(error.message).toMatch(
		/^n8n blocked the request to AOG at http:\/\/127\.0\.0\.1:\d+: .*The request was blocked because it resolves to a restricted IP address/,
	);
	expect(error.description).toMatch(/^Nothing was sent, so nothing is billed\. .*N8N_SSRF_ALLOWED_IP_RANGES/);
	expect(server.counters).toMatchObject({ i2vPosts: 0, nativePosts: 0, downloads: 0 });
});

test('protection on with N8N_SSRF_ALLOWED_IP_RANGES=127.0.0.1/32: the demo succeeds', async () => {
	server.reset();
	const demo = await runDemo({
		n8nBin,
		node,
		server,
		tgz,
		temp,
		label: 'ssrf-allowed',
		env: { N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.1/32' },
	});
	expect(demo.run.n8nVersion).toBe(N8N_VERSION);
	await expectDemoSucceeded(server, demo);
});
