// End to end: the built package, packed and installed like a user's community node, inside the
// real n8n 2.8.4 CLI, running examples/image-to-video.json against the AOG dev server.
// `npm test` builds first; on its own: npm run build && npx jest --selectProjects e2e
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startAogServer, probeVideo, type AogServer } from '../aog-server';
import { exampleCredentials, NODES, prepareWorkflow, SAMPLE_IMAGE } from '../../scripts/demo';
import {
	ensureN8n,
	installPackage,
	makeUserFolder,
	nodeOutput,
	packPackage,
	REPO,
	runError,
	runWorkflow,
	type RunWorkflowResult,
} from '../../scripts/lib/n8n-cli';

jest.setTimeout(15 * 60_000);

let server: AogServer;
let n8nBin: string;
let tgz: string;
const cleanup: string[] = [];

beforeAll(async () => {
	if (!existsSync(path.join(REPO, 'dist', 'nodes', 'Aog', 'Aog.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
	[server, n8nBin, tgz] = await Promise.all([
		startAogServer({ port: 0, generationDelayMs: 0 }),
		ensureN8n('2.8.4'),
		packPackage(REPO),
	]);
	cleanup.push(path.dirname(tgz));
}, 30 * 60_000);

afterAll(async () => {
	await server?.close();
	for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** A fresh user folder with the packed package installed, an output folder, and the example run. */
async function runExample(outputDir: string, label: string): Promise<RunWorkflowResult> {
	const userFolder = await makeUserFolder(`n8n-aog-e2e-${label}-`);
	cleanup.push(userFolder);
	await installPackage(userFolder, tgz);
	expect(existsSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-aog', 'dist', 'nodes', 'Aog', 'Aog.node.js'))).toBe(true);
	return await runWorkflow({
		n8nBin,
		workflow: prepareWorkflow({ imagePath: SAMPLE_IMAGE, outputDir }),
		credentials: exampleCredentials({ baseUrl: server.url }),
		userFolder,
		fileAccess: [path.dirname(SAMPLE_IMAGE), outputDir],
		timeoutMs: 10 * 60_000,
	});
}

function explain(run: RunWorkflowResult): string {
	const error = runError(run.result);
	return `exit ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}; error: ${error ? `${error.message} — ${error.description ?? ''}` : 'none'}\n` +
		`stderr:\n${run.stderr.split('\n').slice(-20).join('\n')}`;
}

describe('examples/image-to-video.json in the n8n 2.8.4 CLI', () => {
	test('reads the sample, makes one AOG call and writes a 5 s 1920x1080 H.264 MP4', async () => {
		const outputDir = mkdtempSync(path.join(tmpdir(), 'n8n-aog-e2e-out-'));
		cleanup.push(outputDir);
		server.resetCounters();

		const run = await runExample(outputDir, 'ok');
		if (run.exitCode !== 0) throw new Error(`the workflow failed: ${explain(run)}`);
		expect(runError(run.result)).toBeUndefined();
		expect(run.result.finished).toBe(true);

		// exactly one generation request and one download: nothing retried, nothing doubled
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.counters.nativePosts).toBe(0);
		expect(server.counters.downloads).toBe(1);

		// the AOG node's output item
		const items = nodeOutput(run.result, NODES.aog);
		expect(items).toHaveLength(1);
		const { json, binary } = items[0];
		expect(json).toEqual(
			expect.objectContaining({
				id: expect.any(String),
				videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
				model: 'wan2.2-i2v-plus',
				prompt: expect.stringMatching(/^A slow cinematic push-in/),
				imageSource: 'binary',
				fileName: 'sunset-push-in.mp4',
				mimeType: 'video/mp4',
				fileSize: expect.any(Number),
			}),
		);
		expect(json.id.length).toBeGreaterThan(0);
		expect(binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: 'sunset-push-in.mp4' }));
		// n8n 2.x regular mode keeps binaries on disk, not in the execution data
		expect(String(binary?.data?.id ?? '')).toMatch(/^filesystem(-v2)?:/);

		// the MP4 the Write node put on disk
		const written = nodeOutput(run.result, NODES.write);
		expect(written).toHaveLength(1);
		const file = path.join(outputDir, 'sunset-push-in.mp4');
		expect(readdirSync(outputDir)).toEqual(['sunset-push-in.mp4']);
		expect(written[0].json.fileName).toBe(file);
		const bytes = statSync(file).size;
		expect(bytes).toBeGreaterThan(10_000);
		const probe = await probeVideo(file);
		expect(probe).toEqual(expect.objectContaining({ codec: 'h264', width: 1920, height: 1080, hasAudio: false }));
		expect(probe.duration).toBeGreaterThan(4.8);
		expect(probe.duration).toBeLessThan(5.2);
		expect(Math.round(probe.fps)).toBe(30);
		expect(json.fileSize).toBe(bytes);
		expect(binary?.data?.bytes).toBe(bytes);
	});

	test('a scripted gateway failure (service not installed) fails the run with the node\'s message', async () => {
		const outputDir = mkdtempSync(path.join(tmpdir(), 'n8n-aog-e2e-fail-'));
		cleanup.push(outputDir);
		server.resetCounters();
		server.scriptFailures([{ kind: 'serviceNotFound' }]);

		const run = await runExample(outputDir, 'fail');
		expect(run.timedOut).toBe(false);
		expect(run.exitCode).not.toBe(0);
		const error = runError(run.result);
		if (!error) throw new Error(`expected a recorded error: ${explain(run)}`);
		expect(error.node).toBe(NODES.aog);
		// n8n appends the failing item's index to a node error's message
		expect(error.message).toMatch(/^AOG's image-to-video service is not installed( \[item 0\])?$/);
		expect(run.exitCode).toBe(1);
		expect(error.description).toMatch(/aog install image-to-video/);
		// a 404 "service not found" proves no task was created: one call, no retry, no download, no file
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.counters.downloads).toBe(0);
		expect(server.pendingFailures()).toEqual([]);
		expect(readdirSync(outputDir)).toEqual([]);
		expect(nodeOutput(run.result, NODES.write)).toEqual([]);
	});
});
