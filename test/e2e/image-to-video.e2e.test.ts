// End to end: the built package, packed and installed like a user's community node, inside the
// real n8n 2.8.4 CLI, running examples/image-to-video.json against the AOG dev server.
// `npm test` builds first; on its own: npm run build && npx jest --selectProjects e2e
import path from 'node:path';
import { statSync } from 'node:fs';

import { startAogServer, type AogServer } from '../../tools/aog-server';
import { ensureN8n, packPackage, REPO } from '../../tools/n8n-cli';
import {
	DEMO_FILE_NAME,
	expectDemoServiceNotFound,
	expectDemoSucceeded,
	requireBuild,
	runDemo,
	TempDirs,
} from './support';

jest.setTimeout(15 * 60_000);

let server: AogServer;
let n8nBin: string;
let tgz: string;
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	[server, n8nBin, tgz] = await Promise.all([
		startAogServer({ port: 0, generationDelayMs: 0 }),
		ensureN8n('2.8.4'),
		packPackage(REPO),
	]);
	temp.add(path.dirname(tgz));
}, 30 * 60_000);

afterAll(async () => {
	await server?.close();
	temp.removeAll();
});

describe('examples/image-to-video.json in the n8n 2.8.4 CLI', () => {
	test('reads the sample, makes one AOG call and writes a 5 s 1920x1080 H.264 MP4', async () => {
		server.reset();
		const demo = await runDemo({ n8nBin, server, tgz, temp, label: 'e2e-ok' });
		const { binary } = await expectDemoSucceeded(server, demo);
		// n8n 2.x regular mode keeps binaries on disk, not in the execution data
		expect(String(binary?.data?.id ?? '')).toMatch(/^filesystem(-v2)?:/);
		expect(binary?.data?.bytes).toBe(statSync(path.join(demo.outputDir, DEMO_FILE_NAME)).size);
	});

	test("a scripted gateway failure (service not installed) fails the run with the node's message", async () => {
		server.reset();
		server.scriptFailures([{ kind: 'serviceNotFound' }]);
		expectDemoServiceNotFound(server, await runDemo({ n8nBin, server, tgz, temp, label: 'e2e-fail' }));
	});
});
