#!/usr/bin/env node
'use strict';
// npm run screenshots: drives headless Chromium (Debian's `chromium`, through playwright-core; no browser
// download) through the real n8n editor and saves the README's pictures to docs/images/:
//   node-parameters.png  the AOG node's panel (parameters) in the example workflow
//   workflow.png         the example workflow on the canvas after "Execute workflow" succeeded
//   output-video.png     the AOG node's output panel, Binary tab, with the MP4 playing in n8n's preview
// Uses a running `npm run dev` when there is one; otherwise builds the package and starts the same
// environment itself in a temporary user folder, and stops it at the end.
//   apt-get install -y chromium      (once; or set CHROMIUM_PATH)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { REPO, run } = require('../tools/n8n-cli');
const { findRunningDev, startDev } = require('../tools/dev-env');

const OUT_DIR = path.join(REPO, 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const VIEWPORT = { width: 1440, height: 900 };
const EXAMPLE_ID = 'aogImageToVideoEx1';
const AOG_NODE = 'AOG Image to Video';
const LAST_NODE = 'Write MP4 to disk';
const TOTAL_TIMEOUT_MS = 10 * 60_000;

const step = (message) => process.stdout.write(`• ${message}\n`);

const nodeSelector = (name) => `[data-test-id="canvas-node"][data-node-name="${name.replace(/"/g, '\\"')}"]`;

async function shoot(page, file, check) {
	await check();
	await page.waitForTimeout(500); // let transitions settle
	const target = path.join(OUT_DIR, file);
	await page.screenshot({ path: target });
	step(`saved ${path.relative(REPO, target)}`);
	return target;
}

/** Closes n8n's toasts ("Workflow executed successfully") so they do not cover the panel. */
async function closeToasts(page) {
	for (const button of await page.locator('.el-notification .el-notification__closeBtn').all()) {
		await button.click().catch(() => {});
	}
	await page.waitForSelector('.el-notification', { state: 'hidden', timeout: 10_000 }).catch(() => {});
}

async function takeScreenshots({ n8nUrl, owner }) {
	const { chromium } = require('playwright-core');
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-aog-chromium-'));
	let context;
	try {
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			timeout: 60_000,
		});
		const page = context.pages()[0] ?? (await context.newPage());
		page.setDefaultTimeout(30_000);

		step(`Logging in at ${n8nUrl}/signin as ${owner.email}`);
		await page.goto(`${n8nUrl}/signin`);
		await page.fill('input[name="emailOrLdapLoginId"]', owner.email);
		await page.fill('input[name="password"]', owner.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });

		step('Opening the example workflow');
		await page.goto(`${n8nUrl}/workflow/${EXAMPLE_ID}`);
		await page.waitForSelector(nodeSelector(AOG_NODE), { state: 'visible' });
		if (new URL(page.url()).pathname.startsWith('/signin'))
			throw new Error('the editor sent the browser back to the sign-in page');

		step(`Opening the "${AOG_NODE}" node's panel`);
		await page.dblclick(nodeSelector(AOG_NODE));
		await page.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"]', { state: 'visible' });
		await shoot(page, 'node-parameters.png', async () => {
			await page.waitForSelector('[data-test-id="parameter-input-prompt"]', { state: 'visible' });
			await page.waitForSelector('[data-test-id="node-credentials-select"]', { state: 'visible' });
		});
		await page.click('[data-test-id="ndv-close-button"]');
		await page.waitForSelector('[data-test-id="ndv"]', { state: 'hidden' });

		step('Clicking "Execute workflow" and waiting for every node to succeed');
		await page.click('[data-test-id="execute-workflow-button"]');
		const success = page.waitForSelector(`${nodeSelector(LAST_NODE)} [data-test-id="canvas-node-status-success"]`, {
			timeout: 5 * 60_000,
		});
		const failure = page
			.waitForSelector('[data-test-id="canvas-node-status-error"]', { timeout: 5 * 60_000 })
			.then(async (element) => {
				const node = await element.evaluate((el) =>
					el.closest('[data-test-id="canvas-node"]')?.getAttribute('data-node-name'),
				);
				throw new Error(`the workflow failed at "${node}"; see the execution in the editor`);
			});
		await Promise.race([success, failure.catch((error) => Promise.reject(error))]);
		failure.catch(() => {}); // the losing wait times out later; nobody cares
		// Deselect everything so the canvas shows no selection frame.
		await page.mouse.click(VIEWPORT.width / 2, 180);
		await shoot(page, 'workflow.png', async () => {
			for (const name of [AOG_NODE, LAST_NODE])
				await page.waitForSelector(`${nodeSelector(name)} [data-test-id="canvas-node-status-success"]`);
		});

		step("Opening the AOG node's output: Binary tab → View");
		await page.dblclick(nodeSelector(AOG_NODE));
		const output = page.locator('[data-test-id="output-panel"]');
		await output.waitFor({ state: 'visible' });
		const binaryTab = output.locator('[data-test-id="radio-button-binary"]');
		if ((await binaryTab.getAttribute('aria-checked')) !== 'true') await binaryTab.click();
		await output.locator('[data-test-id="ndv-view-binary-data"]').first().click();
		const video = output.locator('video');
		await video.waitFor({ state: 'visible' });
		// Wait for a decoded frame, then hold the picture about 2.5 s in so the shot is the same every time
		// (n8n's binary endpoint serves no byte ranges, so seeking is not possible: play up to there).
		await page.waitForFunction(
			() => {
				const element = document.querySelector('[data-test-id="output-panel"] video');
				return element && element.readyState >= 2 && element.videoWidth > 0;
			},
			undefined,
			{ timeout: 30_000 },
		);
		await video.evaluate(async (element) => {
			element.muted = true;
			if (element.paused) await element.play().catch(() => {});
			await new Promise((resolve) => {
				const check = () => {
					if (element.currentTime >= 2.5 || element.ended) resolve();
					else setTimeout(check, 20);
				};
				check();
				setTimeout(resolve, 10_000);
			});
			element.pause();
		});
		const info = await video.evaluate((element) => ({
			width: element.videoWidth,
			height: element.videoHeight,
			duration: element.duration,
			at: element.currentTime,
			error: element.error?.code,
		}));
		if (info.error || !(info.width > 0) || !(info.duration > 0))
			throw new Error(`the output video did not load in Chromium: ${JSON.stringify(info)}`);
		step(
			`the preview plays the MP4 (${info.width}x${info.height}, ${info.duration.toFixed(2)} s, paused at ${info.at.toFixed(2)} s)`,
		);
		// The input panel's Binary view would show the sample's local folder: show its schema instead.
		await page.locator('[data-test-id="ndv-input-panel"] [data-test-id="radio-button-schema"]').click();
		await closeToasts(page);
		await video.hover(); // shows the player's controls (time, progress)
		await shoot(page, 'output-video.png', async () => {
			await video.waitFor({ state: 'visible' });
		});
	} finally {
		if (context) await context.close().catch(() => {});
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

async function main() {
	let dev;
	let tempFolder;
	try {
		let target = await findRunningDev();
		if (target) {
			step(`Using the running npm run dev at ${target.n8nUrl}`);
		} else {
			step('No npm run dev running: building the package and starting n8n in a temporary user folder');
			const build = await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], {
				timeoutMs: 5 * 60_000,
			});
			if (build.code !== 0 || build.timedOut)
				throw new Error(
					`npm run build failed:\n${(build.stderr || build.stdout).trim().split('\n').slice(-20).join('\n')}`,
				);
			tempFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-aog-screenshots-'));
			dev = await startDev({
				userFolder: tempFolder,
				anyN8nPort: true,
				aogPort: 0,
				generationDelayMs: 1000,
				onProgress: (message) => step(message),
			});
			target = dev;
		}
		await takeScreenshots({ n8nUrl: target.n8nUrl, owner: target.owner });
		step(`Done: ${path.relative(REPO, OUT_DIR)}/{node-parameters,workflow,output-video}.png`);
	} finally {
		if (dev) await dev.stop();
		if (tempFolder) fs.rmSync(tempFolder, { recursive: true, force: true });
	}
}

const USAGE = `Usage: npm run screenshots

Drives headless Chromium through the real n8n editor and saves the README's pictures to docs/images/
(node-parameters.png, workflow.png, output-video.png). Uses a running \`npm run dev\` when there is one; otherwise
builds the package and starts the same environment in a temporary user folder, and stops it at the end.
No options.

  -h, --help    this text

Environment: CHROMIUM_PATH (default /usr/bin/chromium; apt-get install -y chromium).`;

if (require.main === module) {
	require('./usage').answerHelp(USAGE);
	const watchdog = setTimeout(() => {
		console.error(`✘ screenshots: gave up after ${TOTAL_TIMEOUT_MS / 60_000} minutes`);
		process.exit(1);
	}, TOTAL_TIMEOUT_MS);
	watchdog.unref();
	main().then(
		() => process.exit(0),
		(error) => {
			console.error(`✘ screenshots failed: ${error.stack || error}`);
			process.exit(1);
		},
	);
}

module.exports = { takeScreenshots };
