#!/usr/bin/env node
'use strict';
// Proves the credentials' connection tests inside the real n8n editor (n8n's POST /rest/credentials/test,
// what the credential dialog's "Test" / "Retry" button calls). AOG API:
//   1. Base URL = the AOG dev server                        → OK
//   2. Base URL = <dev server>/aog/v0.2 (HTML 200)           → Error, with the credential's own message
//   3. Base URL = a closed port                              → Error
//   4. an AOG without an image-to-video service              → Error that says so and how to install it
//   5. a proxy answering 302 to a login page on another port → Error; that port sees no request (no key)
// DashScope API (region custom), against the DashScope dev server and small servers of its own:
//   6. its own region's key                                  → OK
//   7. another region's key (the server answers 401 InvalidApiKey) → Error whose message names the region
//   8. Base URL = a closed port                              → Error
//   9. DashScope busy (429 Throttling.RateQuota)             → Error "DashScope is busy…"
//  10. DashScope down (503 ServiceUnavailable)               → Error "DashScope is down or overloaded…"
//  11. a 307 to another port                                 → Error; that port sees no request (no key)
//  12. Base URL = the AOG dev server (not DashScope)         → Error, with the credential's own message
// It needs the n8n CLI (tools/n8n-cli); the same cases run without it, in-process, in
// test/nodes/Aog/keysAndLinks.engine.test.ts.
// Uses a running `npm run dev` when there is one; otherwise starts its own environment in a temporary
// user folder (free ports; needs `npm run build` done) and stops it at the end. Exit code 0 when all cases
// behave as expected. `--json` prints the results as JSON; `--own` always starts its own environment (for
// tests: never touches a running `npm run dev`). The cases themselves are in tools/credential-checks.js.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { checkCredentialTest, checkDashScopeCredentialTest } = require('../tools/credential-checks');
const { N8nClient } = require('../tools/n8n-cli/rest-client');
const { findRunningDev, startDev } = require('../tools/dev-env');

async function main() {
	const json = process.argv.includes('--json');
	const say = (message) => {
		if (!json) console.log(message);
	};
	let dev;
	let tempFolder;
	let client;
	let aogUrl;
	let dashScope;
	try {
		const running = process.argv.includes('--own') ? undefined : await findRunningDev();
		if (running) {
			say(`• Using the running npm run dev at ${running.n8nUrl} (AOG dev server ${running.aogUrl})`);
			client = new N8nClient(running.apiUrl);
			await client.login(running.owner);
			aogUrl = running.aogUrl;
			dashScope = running.dashScope;
			if (dashScope && dashScope.region !== 'custom') {
				say(
					`• The running npm run dev uses a real DashScope (${dashScope.region}): its credential's cases are skipped`,
				);
				dashScope = undefined;
			}
		} else {
			tempFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-aog-credtest-'));
			say(`• No npm run dev running: starting n8n in ${tempFolder}`);
			dev = await startDev({
				userFolder: tempFolder,
				anyN8nPort: true,
				aogPort: 0,
				dashScopePort: 0,
				generationDelayMs: 0,
				onProgress: (message) => say(`  ${message}`),
			});
			client = dev.client;
			aogUrl = dev.aogUrl;
			dashScope = dev.dashScope;
		}
		const results = await checkCredentialTest({ client, aogUrl });
		if (dashScope)
			results.push(
				...(await checkDashScopeCredentialTest({
					client,
					url: dashScope.baseUrl,
					apiKey: dashScope.apiKey,
					notDashScopeUrl: aogUrl,
				})),
			);
		if (json) console.log(JSON.stringify(results, null, 2));
		else {
			for (const result of results) {
				say(
					`${result.pass ? '✔' : '✘'} ${result.name}: Base URL ${result.baseUrl} → ${result.status}${result.message ? `: ${result.message}` : ''} (expected ${result.expected})`,
				);
			}
		}
		return results.every((result) => result.pass) ? 0 : 1;
	} finally {
		if (dev) await dev.stop();
		if (tempFolder) fs.rmSync(tempFolder, { recursive: true, force: true });
	}
}

const USAGE = `Usage: node scripts/check-credential-test.js [--json] [--own]   (after npm run build)

Proves the credentials' connection tests (AOG API, DashScope API) inside the real n8n editor, as its "Test" button
calls them. Uses a running \`npm run dev\` when there is one, otherwise an environment of its own. Exit code 0 when
every case behaves as expected.

  --json        print the results as JSON
  --own         always start an environment of its own (never touch a running npm run dev)
  -h, --help    this text`;

if (require.main === module) {
	require('./usage').answerHelp(USAGE, ['--json', '--own']);
	const watchdog = setTimeout(() => {
		console.error('✘ check-credential-test: gave up after 10 minutes');
		process.exit(1);
	}, 10 * 60_000);
	watchdog.unref();
	main().then(
		(code) => process.exit(code),
		(error) => {
			console.error(`✘ check-credential-test failed: ${error.stack || error}`);
			process.exit(1);
		},
	);
}
