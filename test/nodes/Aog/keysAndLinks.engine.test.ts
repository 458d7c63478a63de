// Keys, links and credential tests under attack (docs/RELIABILITY.md, "Keys, links and credential tests under attack"):
// a video link the node shows to the user works (only credentials are hidden, never an object store's signature), and
// no key follows a redirect to another origin. Both dev servers check their video links' signatures as OSS does, so a
// link shown with its signature replaced answers 403 here, as it would for the user.
import http from 'node:http';

import type { RunNodeResult } from '../../../tools/harness/engine';
import { jpegItem, runAog, runDashScope, startAogServer, startDashScopeServer, type AogServer, type DashScopeServer } from './support';

let aog: AogServer;
let dashScope: DashScopeServer;

beforeAll(async () => {
	aog = await startAogServer({ port: 0 });
	dashScope = await startDashScopeServer({ timeScale: 0.01 });
});
afterAll(async () => {
	await aog.close();
	await dashScope.close();
});
beforeEach(() => {
	aog.reset();
	dashScope.reset();
});

/** A plain GET, as a user's browser would open the link: status and content type. */
async function open(url: string): Promise<{ status: number; type: string }> {
	return await new Promise((resolve, reject) => {
		http.get(url, { agent: false }, (response) => {
			response.resume();
			response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type'] ?? '') }));
		}).on('error', reject);
	});
}

/** Every dev-server video link in a text (a link ends before whitespace or a quote, without a list's ";" or a final dot). */
function linksIn(text: string): string[] {
	return [...text.matchAll(/https?:\/\/127\.0\.0\.1:\d+\/[^\s"'<>]+?(?=[.;,]?(?:[\s"'<>]|$))/g)].map((match) => match[0]);
}

function errorText(result: RunNodeResult): string {
	return `${result.error?.message ?? ''}\n${result.error?.description ?? ''}`;
}

describe('a video link shown to the user works', () => {
	test('through AOG: the link in a download error (three 503s) opens the video (200), signature and key id as AOG gave them', async () => {
		aog.scriptFailures([{ kind: 'videoServerError' }, { kind: 'videoServerError' }, { kind: 'videoServerError' }]);
		const result = await runAog({ imageSource: 'binary', prompt: 'A slow push-in' }, { server: aog, items: [jpegItem()] });
		expect(result.error?.message).toMatch(/^The video was generated but could not be downloaded/);
		const shown = linksIn(errorText(result));
		expect(shown).toHaveLength(1);
		const served = aog.lastRequests.find((request) => request.path.startsWith('/videos/'))!.path;
		expect(shown[0]).toBe(`${aog.url}${served}`);
		expect(shown[0]).toMatch(/[?&]Signature=[^*&]+/);
		expect(await open(shown[0])).toEqual({ status: 200, type: 'video/mp4' });
	});

	test("through AOG: the links in the other items' jobs list open their videos (200)", async () => {
		aog.setOptions({ generationDelayMs: 400 });
		aog.scriptFailures([{ kind: 'modelNotFound' }]); // answered at once, while two others are generating
		const items = [0, 1, 2].map((n) => jpegItem(n));
		const result = await runAog({ imageSource: 'binary', prompt: 'A slow push-in', options: { concurrency: 3 } }, { server: aog, items });
		expect(result.error?.description).toMatch(/Other items' jobs/);
		const shown = linksIn(errorText(result));
		expect(shown).toHaveLength(2);
		for (const link of shown) expect(await open(link)).toEqual({ status: 200, type: 'video/mp4' });
	});

	test('DashScope directly: the link in a download error (three 503s) opens the video (200)', async () => {
		dashScope.script({ on: 'download', status: 503, times: 3 });
		const result = await runDashScope({ imageSource: 'binary', prompt: 'A slow push-in' }, { server: dashScope, items: [jpegItem()] });
		expect(result.error?.message).toMatch(/could not be downloaded/);
		const shown = linksIn(errorText(result));
		expect(shown).toHaveLength(1);
		expect(shown[0]).toMatch(/[?&]Signature=[^*&]+/);
		expect(await open(shown[0])).toEqual({ status: 200, type: 'video/mp4' });
	});
});
