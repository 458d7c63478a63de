// Compatibility: the demo workflow (examples/image-to-video.json) with the packed package in other
// n8n lines than the 2.8.4 the rest of the e2e suite uses, each under the Node.js it needs, against
// the AOG dev server, with the same checks as test/e2e/image-to-video.e2e.test.ts (one POST, one
// download, the node's output, an MP4 that ffprobe reads as 5 s 1920x1080 H.264 at 30 fps).
// Every n8n version is installed once into .cache/n8n-<version>/ (minutes each; all start at once),
// Node 24 from the npm package node@24 into .cache/node-24/. The README's "Compatibility" table lists
// what this file ran green.
//
// Which versions, and why (checked against the npm registry on 2026-11-24):
// - n8n 2.41.1 on Node 24: the newest 2.x that installs. 2.41.3 (`latest`) pins @n8n/agents@0.26.2,
//   which the registry does not have, so `npm install n8n@2.41.3` fails (ETARGET). n8n ≥ 2.34 needs Node 24.
// - n8n 1.123.50 on Node 20: the newest 1.123 patch that installs on Node 20; from 1.123.66 on, n8n
//   depends on isolated-vm 6, which needs Node ≥ 22 and does not compile against Node 20.
// - n8n 1.123.81 on Node 24: the latest 1.123 patch (1.x allows Node up to 24.x).
// N8N_COMPAT_VERSIONS=2.41.3@24,1.123.50@20 (version@node-major, comma-separated) runs other pairs.
//
// `npm test` builds first; on its own: npm run build && npx jest test/e2e/compatibility --selectProjects e2e
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { probeVideo, startAogServer, type AogServer } from '../aog-server';
import { exampleCredentials, NODES, prepareWorkflow, SAMPLE_IMAGE } from '../../scripts/demo';
import {
	ensureN8n,
	ensureNode,
	makeUserFolder,
	nodeOutput,
	packPackage,
	REPO,
	run,
	runError,
	runWorkflow,
	type NodeOption,
	type RunWorkflowResult,
} from '../../scripts/lib/n8n-cli';

jest.setTimeout(15 * 60_000);

interface Target {
	n8n: string;
	nodeMajor: number;
	/** Native modules whose install scripts run (the others' download from GitHub at install time). */
	rebuildOnly?: string[];
}

// Native modules n8n needs to start and run these workflows: its SQLite database and the expression
// sandbox of newer versions. Kafka's, Oracle's, SSH's… are only loaded by the nodes that use them.
const CORE_NATIVE = ['sqlite3', 'isolated-vm'];
const DEFAULT_TARGETS: Target[] = [
	{ n8n: '2.41.1', nodeMajor: 24, rebuildOnly: CORE_NATIVE },
	{ n8n: '1.123.50', nodeMajor: 20 },
	{ n8n: '1.123.81', nodeMajor: 24, rebuildOnly: CORE_NATIVE },
];
const TARGETS: Target[] = process.env.N8N_COMPAT_VERSIONS
	? process.env.N8N_COMPAT_VERSIONS.split(',').map((pair) => {
			const [n8n, node] = pair.trim().split('@');
			const nodeMajor = Number(node || 20);
			return { n8n, nodeMajor, rebuildOnly: nodeMajor === 20 && n8n.startsWith('1.') ? undefined : CORE_NATIVE };
		})
	: DEFAULT_TARGETS;

const SYSTEM_NODE_MAJOR = Number(process.versions.node.split('.')[0]);

interface Installed {
	n8nBin: string;
	/** undefined: the Node.js running this test (the system's). */
	node?: NodeOption;
	nodeVersion: string;
	installMs: number;
}

/** Node <major>: this process's own when it matches, else node@<major> from npm into .cache/. */
async function nodeFor(major: number): Promise<{ node?: NodeOption; nodeVersion: string }> {
	if (major === SYSTEM_NODE_MAJOR) return { node: undefined, nodeVersion: process.version };
	const installed = await ensureNode(String(major));
	const probe = await run(installed.nodeBin, ['--version'], { timeoutMs: 60_000 });
	return { node: installed, nodeVersion: probe.stdout.trim() };
}

async function install(target: Target): Promise<Installed> {
	const started = Date.now();
	const { node, nodeVersion } = await nodeFor(target.nodeMajor);
	const n8nBin = await ensureN8n(target.n8n, { node, rebuildOnly: target.rebuildOnly, timeoutMs: 40 * 60_000 });
	return { n8nBin, node, nodeVersion, installMs: Date.now() - started };
}

let server: AogServer;
let tgz: string;
const installs = new Map<string, Promise<Installed>>();
const cleanup: string[] = [];

beforeAll(async () => {
	if (!existsSync(path.join(REPO, 'dist', 'nodes', 'Aog', 'Aog.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
	// All installs at once (each is mostly download and disk); every describe waits for its own.
	for (const target of TARGETS) {
		const promise = install(target);
		promise.catch(() => undefined); // reported by the describe that awaits it
		installs.set(target.n8n, promise);
	}
	[server, tgz] = await Promise.all([startAogServer({ port: 0, generationDelayMs: 0 }), packPackage(REPO)]);
	cleanup.push(path.dirname(tgz));
}, 10 * 60_000);

afterAll(async () => {
	await server?.close();
	for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

function explain(result: RunWorkflowResult): string {
	const error = runError(result.result);
	return (
		`exit ${result.exitCode}${result.timedOut ? ' (timed out)' : ''}; error: ${error ? `${error.message} — ${error.description ?? ''}` : 'none'}\n` +
		`stderr:\n${result.stderr.split('\n').slice(-25).join('\n')}\nstdout:\n${result.stdout.split('\n').slice(0, 25).join('\n')}`
	);
}

describe.each(TARGETS)('n8n $n8n on Node $nodeMajor', (target) => {
	let installed: Installed;

	beforeAll(async () => {
		installed = await installs.get(target.n8n)!;
		// eslint-disable-next-line no-console
		console.log(`n8n ${target.n8n} on Node ${installed.nodeVersion}: ready after ${Math.round(installed.installMs / 1000)} s (0 when cached)`);
	}, 45 * 60_000);

	test('runs examples/image-to-video.json: one AOG call, a 5 s 1920x1080 H.264 MP4 written to disk', async () => {
		// the Node.js that runs n8n is the one this row claims
		expect(installed.nodeVersion).toMatch(new RegExp(`^v${target.nodeMajor}\\.`));

		const outputDir = mkdtempSync(path.join(tmpdir(), `n8n-aog-compat-${target.n8n}-`));
		cleanup.push(outputDir);
		const userFolder = await makeUserFolder(`n8n-aog-compat-${target.n8n}-`);
		cleanup.push(userFolder);
		server.resetCounters();

		const result = await runWorkflow({
			n8nBin: installed.n8nBin,
			node: installed.node,
			workflow: prepareWorkflow({ imagePath: SAMPLE_IMAGE, outputDir }),
			credentials: exampleCredentials({ baseUrl: server.url }),
			userFolder,
			packageTgz: tgz,
			fileAccess: [path.dirname(SAMPLE_IMAGE), outputDir],
			timeoutMs: 10 * 60_000,
		});
		expect(result.n8nVersion).toBe(target.n8n);
		// the community package was loaded from the user folder, the way n8n installs it
		expect(existsSync(path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-aog', 'dist', 'nodes', 'Aog', 'Aog.node.js'))).toBe(true);
		if (result.exitCode !== 0) throw new Error(`the workflow failed in n8n ${target.n8n}: ${explain(result)}`);
		expect(runError(result.result)).toBeUndefined();
		expect(result.result.finished).toBe(true);

		// exactly one generation request and one download: nothing retried, nothing doubled
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.counters.nativePosts).toBe(0);
		expect(server.counters.downloads).toBe(1);

		const items = nodeOutput(result.result, NODES.aog);
		expect(items).toHaveLength(1);
		const { json, binary } = items[0];
		expect(json).toEqual(
			expect.objectContaining({
				id: expect.any(String),
				videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
				model: 'wan2.2-i2v-plus',
				imageSource: 'binary',
				fileName: 'sunset-push-in.mp4',
				mimeType: 'video/mp4',
				fileSize: expect.any(Number),
			}),
		);
		expect(binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: 'sunset-push-in.mp4' }));
		if (Number(target.n8n.split('.')[0]) >= 2) {
			// 2.x regular mode keeps binaries on disk
			expect(String(binary?.data?.id ?? '')).toMatch(/^filesystem(-v2)?:/);
		} else {
			// 1.x keeps binaries in memory by default (the mode whose stream hand-over once hung the node)
			expect(binary?.data?.id).toBeUndefined();
		}

		const written = nodeOutput(result.result, NODES.write);
		expect(written).toHaveLength(1);
		expect(readdirSync(outputDir)).toEqual(['sunset-push-in.mp4']);
		const file = path.join(outputDir, 'sunset-push-in.mp4');
		const bytes = statSync(file).size;
		expect(json.fileSize).toBe(bytes);
		const probe = await probeVideo(file);
		expect(probe).toEqual(expect.objectContaining({ codec: 'h264', width: 1920, height: 1080, hasAudio: false }));
		expect(probe.duration).toBeGreaterThan(4.8);
		expect(probe.duration).toBeLessThan(5.2);
		expect(Math.round(probe.fps)).toBe(30);
	});

	test("a scripted gateway failure (service not installed) fails the run with the node's message, without a retry", async () => {
		const outputDir = mkdtempSync(path.join(tmpdir(), `n8n-aog-compat-fail-${target.n8n}-`));
		cleanup.push(outputDir);
		const userFolder = await makeUserFolder(`n8n-aog-compat-fail-${target.n8n}-`);
		cleanup.push(userFolder);
		server.reset();
		server.scriptFailures([{ kind: 'serviceNotFound' }]);

		const result = await runWorkflow({
			n8nBin: installed.n8nBin,
			node: installed.node,
			workflow: prepareWorkflow({ imagePath: SAMPLE_IMAGE, outputDir }),
			credentials: exampleCredentials({ baseUrl: server.url }),
			userFolder,
			packageTgz: tgz,
			fileAccess: [path.dirname(SAMPLE_IMAGE), outputDir],
			timeoutMs: 10 * 60_000,
		});
		expect(result.timedOut).toBe(false);
		expect(result.exitCode).toBe(1);
		const error = runError(result.result);
		if (!error) throw new Error(`expected a recorded error: ${explain(result)}`);
		expect(error.node).toBe(NODES.aog);
		expect(error.message).toMatch(/^AOG's image-to-video service is not installed( \[item 0\])?$/);
		expect(error.description).toMatch(/aog install image-to-video/);
		expect(server.counters.i2vPosts).toBe(1);
		expect(server.counters.downloads).toBe(0);
		expect(server.pendingFailures()).toEqual([]);
		expect(readdirSync(outputDir)).toEqual([]);
	});
});
