// Compatibility: the demo workflow (examples/image-to-video.json) with the packed package in other
// n8n lines than the 2.8.4 the rest of the e2e suite uses, each under the Node.js it needs, against
// the AOG dev server, with the same checks as image-to-video.e2e.test.ts (./support.ts: one POST, one
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
import path from 'node:path';

import { startAogServer, type AogServer } from '../../tools/aog-server';
import {
	CORE_NATIVE,
	DEFAULT_VERSION,
	E2E_TARGETS,
	ensureN8n,
	ensureNode,
	packPackage,
	REPO,
	run,
	type NodeOption,
} from '../../tools/n8n-cli';
import { expectDemoServiceNotFound, expectDemoSucceeded, requireBuild, runDemo, TempDirs } from './support';

jest.setTimeout(15 * 60_000);

interface Target {
	n8n: string;
	nodeMajor: number;
	/** Native modules whose install scripts run (the others' download from GitHub at install time). */
	rebuildOnly?: string[];
}

// The other versions of the one list (tools/n8n-cli/targets.js), which CI installs ahead of the suites.
const DEFAULT_TARGETS: Target[] = E2E_TARGETS.filter((target) => target.n8n !== DEFAULT_VERSION);
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
const temp = new TempDirs();

beforeAll(async () => {
	requireBuild();
	// All installs at once (each is mostly download and disk); every describe waits for its own.
	for (const target of TARGETS) {
		const promise = install(target);
		promise.catch(() => undefined); // reported by the describe that awaits it
		installs.set(target.n8n, promise);
	}
	[server, tgz] = await Promise.all([startAogServer({ port: 0, generationDelayMs: 0 }), packPackage(REPO)]);
	temp.add(path.dirname(tgz));
}, 10 * 60_000);

afterAll(async () => {
	await server?.close();
	temp.removeAll();
});

describe.each(TARGETS)('n8n $n8n on Node $nodeMajor', (target) => {
	let installed: Installed;

	beforeAll(async () => {
		installed = await installs.get(target.n8n)!;
		// eslint-disable-next-line no-console
		console.log(
			`n8n ${target.n8n} on Node ${installed.nodeVersion}: ready after ${Math.round(installed.installMs / 1000)} s (0 when cached)`,
		);
	}, 45 * 60_000);

	test('runs examples/image-to-video.json: one AOG call, a 5 s 1920x1080 H.264 MP4 written to disk', async () => {
		// the Node.js that runs n8n is the one this row claims
		expect(installed.nodeVersion).toMatch(new RegExp(`^v${target.nodeMajor}\\.`));
		server.reset();
		const demo = await runDemo({
			n8nBin: installed.n8nBin,
			node: installed.node,
			server,
			tgz,
			temp,
			label: `compat-${target.n8n}`,
		});
		expect(demo.run.n8nVersion).toBe(target.n8n);
		const { binary } = await expectDemoSucceeded(server, demo);
		if (Number(target.n8n.split('.')[0]) >= 2) {
			// 2.x regular mode keeps binaries on disk
			expect(String(binary?.data?.id ?? '')).toMatch(/^filesystem(-v2)?:/);
		} else {
			// 1.x keeps binaries in memory by default (the mode whose stream hand-over once hung the node)
			expect(binary?.data?.id).toBeUndefined();
		}
	});

	test("a scripted gateway failure (service not installed) fails the run with the node's message, without a retry", async () => {
		server.reset();
		server.scriptFailures([{ kind: 'serviceNotFound' }]);
		const demo = await runDemo({
			n8nBin: installed.n8nBin,
			node: installed.node,
			server,
			tgz,
			temp,
			label: `compat-fail-${target.n8n}`,
		});
		expectDemoServiceNotFound(server, demo);
	});
});
