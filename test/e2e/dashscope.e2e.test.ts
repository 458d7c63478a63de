// End to end, DashScope directly: examples/image-to-video-dashscope.json with the packed package in the real n8n CLI
// against the DashScope dev server, whose tasks take a "2-minute" generation compressed ×0.1 (the example's 15 s poll
// interval compressed alike), in n8n 2.8.4 (the suite's version, on this Node) and in the newest 2.x of the
// compatibility table (compatibility.e2e.test.ts: 2.41.1 on Node 24). Each run: one task submitted, polled more than
// once, one download without the key, and a playable 5 s 1920x1080 H.264 MP4 on disk.
// `npm test` builds first; on its own: npm run build && npx jest test/e2e/dashscope --selectProjects e2e
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

import { probeVideo } from '../../tools/media';
import { startDashScopeServer, type DashScopeServer } from '../../tools/dashscope-server';
import { dashScopeCredentials, DASHSCOPE_NODES, prepareDashScopeWorkflow, SAMPLE_IMAGE } from '../../tools/examples';
import {
	ensureN8n,
	ensureNode,
	makeUserFolder,
	nodeOutput,
	packPackage,
	REPO,
	runError,
	runWorkflow,
	type NodeOption,
} from '../../tools/n8n-cli';
import { expectFiveSecondH264, explain, requireBuild, TempDirs } from './support';

jest.setTimeout(20 * 60_000);

const FILE_NAME = 'sunset-push-in-dashscope.mp4';
const TIME_SCALE = 0.1;
/** A wan2.2 video's usual time: 5 s queued, 115 s running (12 s here). */
const TASK = { pendingMs: 5_000, runningMs: 115_000 };

interface Target {
	n8n: string;
	/** undefined: the Node.js running this test. */
	nodeMajor?: number;
}
// 2.41.1 on Node 24 as in compatibility.e2e.test.ts (why that version: see there); same native modules built.
const TARGETS: Target[] = [{ n8n: '2.8.4' }, { n8n: '2.41.1', nodeMajor: 24 }];
const CORE_NATIVE = ['sqlite3', 'isolated-vm'];

async function install(target: Target): Promise<{ n8nBin: string; node?: NodeOption }> {
	if (!target.nodeMajor) return { n8nBin: await ensureN8n(target.n8n) };
	const node = await ensureNode(String(target.nodeMajor));
	return { node, n8nBin: await ensureN8n(target.n8n, { node, rebuildOnly: CORE_NATIVE, timeoutMs: 40 * 60_000 }) };
}

let server: DashScopeServer;
let tgz: string;
const installs = new Map<string, Promise<{ n8nBin: string; node?: NodeOption }>>();
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	for (const target of TARGETS) {
		const promise = install(target);
		promise.catch(() => undefined); // reported by the describe that awaits it
		installs.set(target.n8n, promise);
	}
	[server, tgz] = await Promise.all([startDashScopeServer({ ...TASK, timeScale: TIME_SCALE }), packPackage(REPO)]);
	temp.add(path.dirname(tgz));
}, 10 * 60_000);

afterAll(async () => {
	await server?.close();
	temp.removeAll();
});

describe.each(TARGETS)('examples/image-to-video-dashscope.json in n8n $n8n', (target) => {
	test('one task submitted, polled until done, a 5 s 1920x1080 H.264 MP4 written; the key never reaches the storage host', async () => {
		const { n8nBin, node } = await installs.get(target.n8n)!;
		server.reset();
		const outputDir = temp.make(`dashscope-${target.n8n}-out`);
		const userFolder = temp.add(await makeUserFolder(`n8n-aog-dashscope-${target.n8n}-`));
		const workflow = prepareDashScopeWorkflow({
			imagePath: SAMPLE_IMAGE,
			outputDir,
			aogOptions: { pollInterval: 15 * TIME_SCALE },
		});
		// the example as shipped: made for real use
		expect(workflow.nodes.find((candidate) => candidate.name === DASHSCOPE_NODES.aog)?.parameters).toEqual(
			expect.objectContaining({
				authentication: 'dashScopeApi',
				options: expect.objectContaining({ timeout: 900, fileName: FILE_NAME }),
			}),
		);
		const run = await runWorkflow({
			n8nBin,
			node,
			workflow,
			credentials: dashScopeCredentials({ baseUrl: server.url, apiKey: server.apiKey }),
			userFolder,
			packageTgz: tgz,
			fileAccess: [path.dirname(SAMPLE_IMAGE), outputDir],
			timeoutMs: 10 * 60_000,
		});
		if (run.exitCode !== 0) throw new Error(`the workflow failed in n8n ${run.n8nVersion}: ${explain(run)}`);
		expect(run.n8nVersion).toBe(target.n8n);
		expect(runError(run.result)).toBeUndefined();

		// exactly one task: nothing resubmitted; polled until it ended; one download
		expect(server.counters).toMatchObject({
			submitRequests: 1,
			submits: 1,
			downloads: 1,
			unauthorized: 0,
			storageAuthorization: 0,
		});
		expect(server.counters.polls).toBeGreaterThan(1);
		expect(server.tasks).toHaveLength(1);
		const [task] = server.tasks;
		expect(task).toMatchObject({ status: 'SUCCEEDED', model: 'wan2.2-i2v-plus', apiKey: server.apiKey });
		expect(task.polls).toBe(server.counters.polls);
		// the video link is fetched without Authorization (the storage host would answer 403 to it)
		const storage = server.lastRequests.filter((request) => request.host === 'storage');
		expect(storage.length).toBeGreaterThanOrEqual(1);
		for (const request of storage) expect(request.headers.authorization).toBeUndefined();

		const items = nodeOutput(run.result, DASHSCOPE_NODES.aog);
		expect(items).toHaveLength(1);
		const { json, binary } = items[0];
		expect(json).toEqual(
			expect.objectContaining({
				id: task.id,
				taskId: task.id,
				taskStatus: 'SUCCEEDED',
				model: 'wan2.2-i2v-plus',
				videoUrl: expect.stringContaining(server.storageUrl),
				fileName: FILE_NAME,
				mimeType: 'video/mp4',
			}),
		);
		expect(binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: FILE_NAME }));
		expect(String(binary?.data?.id ?? '')).toMatch(/^filesystem(-v2)?:/);

		const file = path.join(outputDir, FILE_NAME);
		expect(readdirSync(outputDir)).toEqual([FILE_NAME]);
		expect(nodeOutput(run.result, DASHSCOPE_NODES.write)[0]?.json.fileName).toBe(file);
		expect(json.fileSize).toBe(statSync(file).size);
		expectFiveSecondH264(await probeVideo(file));
	});
});
