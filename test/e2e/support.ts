// What the e2e suites share: the demo workflow (examples/image-to-video.json) run in a real n8n CLI with the
// packed package, the checks of its success and of its "service not installed" failure, temp folders.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { AogServer } from '../../tools/aog-server';
import { probeVideo, type VideoProbe } from '../../tools/media';
import { exampleCredentials, NODES, prepareWorkflow, SAMPLE_IMAGE } from '../../tools/examples';
import {
	makeUserFolder,
	nodeOutput,
	REPO,
	runError,
	runWorkflow,
	type NodeOption,
	type RunWorkflowResult,
} from '../../tools/n8n-cli';

export const DEMO_FILE_NAME = 'sunset-push-in.mp4';

export function requireBuild(): void {
	if (!existsSync(path.join(REPO, 'dist', 'nodes', 'Aog', 'Aog.node.js'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
	}
}

/** Temp folders made by a suite, removed in its afterAll. */
export class TempDirs {
	private readonly dirs: string[] = [];

	make(label: string): string {
		return this.add(mkdtempSync(path.join(tmpdir(), `n8n-aog-${label}-`)));
	}

	add(dir: string): string {
		this.dirs.push(dir);
		return dir;
	}

	removeAll(): void {
		for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
	}
}

/** A failed run, told in a few lines: exit code, n8n's recorded error, the ends of stderr and stdout. */
export function explain(run: RunWorkflowResult): string {
	const error = runError(run.result);
	return (
		`exit ${run.exitCode}${run.timedOut ? ' (timed out)' : ''}; error: ${error ? `${error.message} [${error.node}] — ${error.description ?? ''}` : 'none'}\n` +
		`stderr:\n${run.stderr.split('\n').slice(-25).join('\n')}\nstdout:\n${run.stdout.split('\n').slice(0, 25).join('\n')}`
	);
}

/** What the dev server makes of any picture: 5 s of H.264 at 30 fps, no audio. */
export function expectFiveSecondH264(probe: VideoProbe, width = 1920, height = 1080): void {
	expect(probe).toEqual(expect.objectContaining({ codec: 'h264', width, height, hasAudio: false }));
	expect(probe.duration).toBeGreaterThan(4.8);
	expect(probe.duration).toBeLessThan(5.2);
	expect(Math.round(probe.fps)).toBe(30);
}

export interface DemoRun {
	run: RunWorkflowResult;
	outputDir: string;
}

/** The demo workflow in a fresh user folder with the packed package installed, writing into a fresh folder. */
export async function runDemo(options: {
	n8nBin: string;
	node?: NodeOption;
	server: AogServer;
	tgz: string;
	temp: TempDirs;
	label: string;
	/** More environment for n8n. */
	env?: Record<string, string>;
}): Promise<DemoRun> {
	const { n8nBin, node, server, tgz, temp, label, env } = options;
	const outputDir = temp.make(`${label}-out`);
	const userFolder = temp.add(await makeUserFolder(`n8n-aog-${label}-`));
	const run = await runWorkflow({
		n8nBin,
		node,
		workflow: prepareWorkflow({ imagePath: SAMPLE_IMAGE, outputDir }),
		credentials: exampleCredentials({ baseUrl: server.url }),
		userFolder,
		packageTgz: tgz,
		fileAccess: [path.dirname(SAMPLE_IMAGE), outputDir],
		timeoutMs: 10 * 60_000,
		env,
	});
	// the community package was loaded from the user folder, where n8n installs it
	expect(
		existsSync(
			path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-aog', 'dist', 'nodes', 'Aog', 'Aog.node.js'),
		),
	).toBe(true);
	return { run, outputDir };
}

/**
 * The demo succeeded: one POST and one download, the AOG node's item as documented, and the MP4 the Write node
 * put on disk is the 5 s 1920x1080 H.264 video of the sample. Returns the AOG node's item.
 */
export async function expectDemoSucceeded(server: AogServer, { run, outputDir }: DemoRun) {
	if (run.exitCode !== 0) throw new Error(`the workflow failed in n8n ${run.n8nVersion}: ${explain(run)}`);
	expect(runError(run.result)).toBeUndefined();
	expect(run.result.finished).toBe(true);

	// exactly one generation request and one download: nothing retried, nothing doubled
	expect(server.counters).toMatchObject({ i2vPosts: 1, nativePosts: 0, downloads: 1 });

	const items = nodeOutput(run.result, NODES.aog);
	expect(items).toHaveLength(1);
	const { json, binary } = items[0];
	expect(json).toEqual(
		expect.objectContaining({
			id: expect.stringMatching(/.+/),
			videoUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//),
			model: 'wan2.2-i2v-plus',
			prompt: expect.stringMatching(/^A slow cinematic push-in/),
			imageSource: 'binary',
			fileName: DEMO_FILE_NAME,
			mimeType: 'video/mp4',
			fileSize: expect.any(Number),
		}),
	);
	expect(binary?.data).toEqual(expect.objectContaining({ mimeType: 'video/mp4', fileName: DEMO_FILE_NAME }));

	const file = path.join(outputDir, DEMO_FILE_NAME);
	expect(readdirSync(outputDir)).toEqual([DEMO_FILE_NAME]);
	const written = nodeOutput(run.result, NODES.write);
	expect(written).toHaveLength(1);
	expect(written[0].json.fileName).toBe(file);
	expect(json.fileSize).toBe(statSync(file).size);
	expectFiveSecondH264(await probeVideo(file));
	return items[0];
}

/** The demo with the service scripted as not installed: the run fails with the node's message, nothing retried. */
export function expectDemoServiceNotFound(server: AogServer, { run, outputDir }: DemoRun): void {
	expect(run.timedOut).toBe(false);
	expect(run.exitCode).toBe(1);
	const error = runError(run.result);
	if (!error) throw new Error(`expected a recorded error: ${explain(run)}`);
	expect(error.node).toBe(NODES.aog);
	// n8n appends the failing item's index (the error's itemIndex) to a node error's message
	expect(error.message).toMatch(/^AOG's image-to-video service is not installed( \[item 0\])?$/);
	expect(error.description).toMatch(/PUT \/aog\/v0\.2\/service_provider/);
	// a 404 "service not found" proves no task was created: one call, no retry, no download, no file
	expect(server.counters).toMatchObject({ i2vPosts: 1, downloads: 0 });
	expect(server.pendingFailures()).toEqual([]);
	expect(readdirSync(outputDir)).toEqual([]);
	expect(nodeOutput(run.result, NODES.write)).toEqual([]);
}
