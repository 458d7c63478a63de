// End to end: both credentials' "Test" in the real n8n 2.8.4 editor (`n8n start`, POST /rest/credentials/test, what
// the credential dialog calls), through scripts/check-credential-test.js in an environment of its own (temp user
// folder, free ports; never a running `npm run dev`). AOG: OK, the /aog/v0.2 HTML trap, a closed port, a gateway
// without an image-to-video service, a proxy redirecting to a login page on another port (which sees no request).
// DashScope (region custom, the DashScope dev server): its key OK, another region's key an error that names the
// region, a closed port, DashScope busy (429) and down (503), a 307 to another port (which sees no request), and
// another API (AOG) at the Base URL. The same case list runs in-process in test/nodes/Aog/keysAndLinks.engine.test.ts.
// `npm test` builds first; on its own: npm run build && npx jest test/e2e/credential-test --selectProjects e2e
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from '../../tools/n8n-cli';
import { requireBuild } from './support';

interface DevEnvironment {
	client: unknown;
	aogUrl: string;
	dashScope: { url: string; apiKey: string; region: string; baseUrl: string };
	dashScopeServer?: { counters: { unauthorized: number } };
	stop(): Promise<void>;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { startDev } = require('../../tools/dev-env') as {
	startDev: (options: Record<string, unknown>) => Promise<DevEnvironment>;
};
const { checkCredentialTest, checkDashScopeCredentialTest } = require('../../tools/credential-checks') as {
	checkCredentialTest: (options: { client: unknown; aogUrl: string }) => Promise<CaseResult[]>;
	checkDashScopeCredentialTest: (options: {
		client: unknown;
		url: string;
		apiKey: string;
		notDashScopeUrl?: string;
	}) => Promise<CaseResult[]>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface CaseResult {
	name: string;
	baseUrl: string;
	expected: string;
	status?: string;
	message: string;
	pass: boolean;
}

jest.setTimeout(15 * 60_000);

let dev: DevEnvironment;
let folder: string;

beforeAll(async () => {
	requireBuild();
	folder = mkdtempSync(path.join(tmpdir(), 'n8n-aog-credtest-e2e-'));
	dev = await startDev({
		userFolder: folder,
		n8nPort: await freePort(),
		anyN8nPort: true,
		aogPort: 0,
		dashScopePort: 0,
		generationDelayMs: 0,
	});
}, 15 * 60_000);

afterAll(async () => {
	await dev?.stop();
	if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Each case as {name, status, pass}, with the message when it failed, so a failure shows what n8n answered. */
const outcome = (results: CaseResult[]) =>
	results.map(({ name, status, message, pass }) => (pass ? { name, status, pass } : { name, status, message, pass }));

describe('credential tests in the n8n 2.8.4 editor', () => {
	test('AOG API: the dev server OK; the /aog/v0.2 HTML page, a closed port, no image-to-video service and a redirect are errors', async () => {
		const results = await checkCredentialTest({ client: dev.client, aogUrl: dev.aogUrl });
		expect(outcome(results)).toEqual(results.map(({ name, expected }) => ({ name, status: expected, pass: true })));
	});

	test("DashScope API: its key OK; another region's key an error naming the region; a closed port, busy, down, a redirect and another API errors", async () => {
		expect(dev.dashScope.region).toBe('custom');
		const results = await checkDashScopeCredentialTest({
			client: dev.client,
			url: dev.dashScope.baseUrl,
			apiKey: dev.dashScope.apiKey,
			notDashScopeUrl: dev.aogUrl,
		});
		expect(results).toHaveLength(7);
		expect(outcome(results)).toEqual(results.map(({ name, expected }) => ({ name, status: expected, pass: true })));
		const otherRegion = results.find((result) => result.name.includes('another region'))!;
		expect(otherRegion.message).toMatch(/InvalidApiKey/);
		expect(otherRegion.message).toMatch(/region/i);
		// the 401 came from the dev server, which never saw the key it owns in that request
		expect(dev.dashScopeServer!.counters.unauthorized).toBeGreaterThanOrEqual(1);
	});
});
