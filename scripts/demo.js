#!/usr/bin/env node
'use strict';
// npm run demo: builds the package (npm script), then runs examples/image-to-video.json with the
// real n8n CLI against the AOG dev server (or a real AOG: AOG_BASE_URL, AOG_API_KEY), with the
// package packed and installed the way users get it, and reports the MP4 it wrote.
// `npm run demo -- --dashscope`: examples/image-to-video-dashscope.json instead, connected to DashScope directly,
// against the DashScope dev server with compressed task times (or a real DashScope: DASHSCOPE_API_KEY, and
// DASHSCOPE_REGION beijing|singapore|virginia, or DASHSCOPE_BASE_URL for another host).
const fs = require('node:fs');
const path = require('node:path');

const {
	prepareWorkflow,
	exampleCredentials,
	NODES,
	CREDENTIAL,
	EXAMPLE_WORKFLOW,
	SAMPLE_IMAGE,
	DEMO_DIR,
} = require('../tools/examples');
const {
	REPO,
	ensureN8n,
	packPackage,
	installPackage,
	makeUserFolder,
	runWorkflow,
	nodeOutput,
	runError,
} = require('../tools/n8n-cli');

const N8N_VERSION = process.env.N8N_VERSION || '2.8.4';
/** The dev server's task: 5 s queued + 115 s running, "2 minutes" like a real wan2.2 video, × TIME_SCALE. */
const DEV_TASK = { pendingMs: 5_000, runningMs: 115_000 };
const TIME_SCALE = 0.1;
const REGIONS = ['beijing', 'singapore', 'virginia'];

function formatBytes(bytes) {
	if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
	if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
	return `${bytes} B`;
}

function step(message) {
	process.stdout.write(`• ${message}\n`);
}

class DemoError extends Error {}

async function main() {
	const started = Date.now();
	const realAog = process.env.AOG_BASE_URL;
	let server;
	let userFolder;
	let ok = false;
	try {
		let baseUrl = realAog;
		const apiKey = process.env.AOG_API_KEY ?? '';
		if (realAog) {
			step(
				`Using the AOG at ${realAog}${apiKey ? ' (with an API key)' : ''}; this can take a minute or more per video`,
			);
		} else {
			const { startAogServer } = require('../tools/aog-server');
			server = await startAogServer({ port: 0, generationDelayMs: 0, quiet: true });
			baseUrl = server.url;
			step(`Started the AOG dev server at ${baseUrl} (set AOG_BASE_URL to use a real AOG)`);
		}

		const n8nBin = await ensureN8nWithPackage();
		userFolder = await makeUserFolder('n8n-aog-demo-');
		await installInto(userFolder);

		fs.mkdirSync(DEMO_DIR, { recursive: true });
		const workflow = prepareWorkflow({ imagePath: SAMPLE_IMAGE, outputDir: DEMO_DIR });
		const aogNode = workflow.nodes.find((node) => node.name === NODES.aog);
		const expectedFile = path.join(DEMO_DIR, aogNode.parameters.options.fileName);
		fs.rmSync(expectedFile, { force: true });

		step(`Running "${workflow.name}" with n8n execute (${path.relative(REPO, SAMPLE_IMAGE)} -> AOG -> MP4)`);
		const run = await runWorkflow({
			n8nBin,
			workflow,
			credentials: exampleCredentials({ baseUrl, apiKey }),
			userFolder,
			fileAccess: [path.dirname(SAMPLE_IMAGE), DEMO_DIR],
			timeoutMs: 15 * 60_000,
		});

		const { file, bytes, probe, json } = await checkRun(run, {
			userFolder,
			nodes: NODES,
			expectedFile,
			limit: '15 minutes',
		});
		const requests = server ? server.counters.i2vPosts : undefined;
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		process.stdout.write(
			[
				'',
				`✔ Demo finished in ${seconds} s (n8n execute: ${(run.executeMs / 1000).toFixed(1)} s)`,
				...videoLines({ file, bytes, probe, json }),
				`  Result ID:   ${json.id}`,
				`  AOG:         ${server ? `dev server ${baseUrl}, ${requests} generation request${requests === 1 ? '' : 's'}` : baseUrl}`,
				'',
			].join('\n'),
		);
		ok = true;
	} finally {
		if (server) await server.close().catch(() => {});
		if (ok && userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/** The DashScope example against the DashScope dev server (or a real DashScope from the environment). */
async function mainDashScope() {
	const started = Date.now();
	const { prepareDashScopeWorkflow, dashScopeCredentials, DASHSCOPE_NODES } = require('../tools/examples');
	const realKey = process.env.DASHSCOPE_API_KEY;
	let server;
	let userFolder;
	let ok = false;
	try {
		let credentials;
		let where;
		let aogOptions = {};
		if (realKey) {
			const baseUrl = process.env.DASHSCOPE_BASE_URL;
			const region = baseUrl ? 'custom' : (process.env.DASHSCOPE_REGION || 'beijing').toLowerCase();
			if (!baseUrl && !REGIONS.includes(region))
				throw new DemoError(
					`DASHSCOPE_REGION is "${region}"; use ${REGIONS.join(', ')}, or DASHSCOPE_BASE_URL for another host`,
				);
			credentials = dashScopeCredentials({ region, baseUrl, apiKey: realKey });
			where = baseUrl ? `DashScope at ${baseUrl}` : `DashScope (${region})`;
			step(`Using ${where}; a real video takes 1-5 minutes and is billed`);
		} else {
			const { startDashScopeServer } = require('../tools/dashscope-server');
			server = await startDashScopeServer({ ...DEV_TASK, timeScale: TIME_SCALE, quiet: true });
			credentials = dashScopeCredentials({ baseUrl: server.url, apiKey: server.apiKey });
			// The example's 15 s between polls, compressed like the task.
			aogOptions = { pollInterval: 15 * TIME_SCALE };
			where = `dev server ${server.url}`;
			const taskSeconds = (DEV_TASK.pendingMs + DEV_TASK.runningMs) / 1000;
			step(
				`Started the DashScope dev server at ${server.url} (results on ${server.storageUrl}); its tasks take ${taskSeconds} s ` +
					`compressed ×${TIME_SCALE} to ${taskSeconds * TIME_SCALE} s, polled every ${15 * TIME_SCALE} s (set DASHSCOPE_API_KEY to use a real DashScope)`,
			);
		}

		const n8nBin = await ensureN8nWithPackage();
		userFolder = await makeUserFolder('n8n-aog-demo-');
		await installInto(userFolder);

		fs.mkdirSync(DEMO_DIR, { recursive: true });
		const workflow = prepareDashScopeWorkflow({ imagePath: SAMPLE_IMAGE, outputDir: DEMO_DIR, aogOptions });
		const videoNode = workflow.nodes.find((node) => node.name === DASHSCOPE_NODES.aog);
		const expectedFile = path.join(DEMO_DIR, videoNode.parameters.options.fileName);
		fs.rmSync(expectedFile, { force: true });

		step(`Running "${workflow.name}" with n8n execute (${path.relative(REPO, SAMPLE_IMAGE)} -> DashScope -> MP4)`);
		const run = await runWorkflow({
			n8nBin,
			workflow,
			credentials,
			userFolder,
			fileAccess: [path.dirname(SAMPLE_IMAGE), DEMO_DIR],
			timeoutMs: 20 * 60_000,
		});
		const { file, bytes, probe, json } = await checkRun(run, {
			userFolder,
			nodes: DASHSCOPE_NODES,
			expectedFile,
			limit: '20 minutes',
		});

		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		const lines = [
			'',
			`✔ Demo (DashScope directly) finished in ${seconds} s (n8n execute: ${(run.executeMs / 1000).toFixed(1)} s)`,
			...videoLines({ file, bytes, probe, json }),
			`  Task ID:     ${json.taskId ?? json.id}`,
		];
		if (server) {
			const c = server.counters;
			const task = server.tasks[0];
			lines.push(
				`  DashScope:   ${where}: ${c.submits} task${c.submits === 1 ? '' : 's'} submitted, ${c.polls} poll${c.polls === 1 ? '' : 's'}, ${c.downloads} download${c.downloads === 1 ? '' : 's'}` +
					(task?.endedAt ? `; the task ran ${((task.endedAt - task.submittedAt) / 1000).toFixed(1)} s` : ''),
				`  Key:         sent to the API host only (${c.storageAuthorization} storage request${c.storageAuthorization === 1 ? '' : 's'} carried it)`,
			);
		} else {
			lines.push(`  DashScope:   ${where}`);
		}
		process.stdout.write(`${lines.join('\n')}\n\n`);
		ok = true;
	} finally {
		if (server) await server.close().catch(() => {});
		if (ok && userFolder) fs.rmSync(userFolder, { recursive: true, force: true });
	}
}

/** The n8n CLI, installed once into .cache/. */
async function ensureN8nWithPackage() {
	step(`Ensuring the n8n ${N8N_VERSION} CLI (installed once into .cache/n8n-${N8N_VERSION}/)`);
	return await ensureN8n(N8N_VERSION);
}

/** This package, packed and installed into a fresh n8n user folder the way users get it. */
async function installInto(userFolder) {
	step('Packing the package and installing it into a fresh n8n user folder');
	const tgz = await packPackage(REPO);
	await installPackage(userFolder, tgz);
	fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
}

/** A finished run's MP4, checked: the file the Write node wrote, playable H.264 (ffprobe). */
async function checkRun(run, { userFolder, nodes, expectedFile, limit }) {
	const error = runError(run.result);
	if (run.timedOut) throw new DemoError(`n8n execute did not finish within ${limit}`);
	if (run.exitCode !== 0 || error || !run.result) {
		const lines = [`The workflow failed (n8n exit code ${run.exitCode}).`];
		if (error) {
			lines.push(`  ${error.node ? `${error.node}: ` : ''}${error.message}`);
			if (error.description) lines.push(`  ${error.description}`);
		} else {
			lines.push(
				run.stderr
					.trim()
					.split('\n')
					.slice(-15)
					.map((l) => `  ${l}`)
					.join('\n'),
			);
		}
		lines.push(`  n8n user folder kept for inspection: ${userFolder}`);
		throw new DemoError(lines.join('\n'));
	}
	const [item] = nodeOutput(run.result, nodes.aog);
	if (!item) throw new DemoError(`The workflow ran, but "${nodes.aog}" produced no item`);
	const [written] = nodeOutput(run.result, nodes.write);
	const file = written?.json?.fileName ?? expectedFile;
	if (!fs.existsSync(file)) throw new DemoError(`The workflow ran, but ${file} does not exist`);
	const bytes = fs.statSync(file).size;
	const { probeVideo } = require('../tools/media');
	const probe = await probeVideo(file);
	if (probe.codec !== 'h264' || !(probe.duration > 0)) {
		throw new DemoError(`${file} is not a playable H.264 MP4 (ffprobe: ${JSON.stringify(probe)})`);
	}
	return { file, bytes, probe, json: item.json };
}

function videoLines({ file, bytes, probe, json }) {
	return [
		`  MP4:         ${file}`,
		`  Size:        ${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`,
		`  Duration:    ${probe.duration.toFixed(2)} s`,
		`  Resolution:  ${probe.width}x${probe.height} (${probe.codec}, ${Math.round(probe.fps)} fps${probe.hasAudio ? ', with audio' : ', no audio'})`,
		`  Model:       ${json.model}`,
		`  Prompt:      ${json.prompt}`,
	];
}

const USAGE = `Usage: npm run demo -- [--dashscope]   (npm run demo builds first)

Runs examples/image-to-video.json with the real n8n CLI (n8n ${N8N_VERSION}, installed into .cache/ on first use)
against the AOG dev server, with the package packed and installed the way users get it, and reports the MP4 it wrote.

  --dashscope   examples/image-to-video-dashscope.json instead, connected to DashScope directly (the DashScope dev
                server, with compressed task times)
  -h, --help    this text

Environment: AOG_BASE_URL (and AOG_API_KEY) to use a real AOG; DASHSCOPE_API_KEY with DASHSCOPE_REGION
(beijing|singapore|virginia) or DASHSCOPE_BASE_URL to use a real DashScope; N8N_VERSION (default 2.8.4).`;

if (require.main === module) {
	require('./usage').answerHelp(USAGE, ['--dashscope']);
	(process.argv.includes('--dashscope') ? mainDashScope() : main()).then(
		() => process.exit(0),
		(error) => {
			process.stderr.write(`\n✘ Demo failed: ${error instanceof DemoError ? error.message : error.stack || error}\n`);
			process.exit(1);
		},
	);
}
