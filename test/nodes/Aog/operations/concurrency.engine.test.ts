// Options → Concurrency inside n8n-core's engine against the dev server: the in-flight limit as the server
// saw it, output order and pairing when items finish out of order, isolation of one item's failure, stopping
// without continueOnFail, and a proxy's 429 pausing every item (shared backoff). No timed assertions: times are used
// only to order events (a request arriving during a 1 s pause), never to judge speed.
import type { INodeExecutionData } from 'n8n-workflow';

import type { GenerationRequest } from '../../../../tools/aog-server';
import { jpegItem, runAog, startAogServer, type AogServer } from '../support';

let server: AogServer;

beforeAll(async () => {
	// A small synthetic MP4 keeps ffmpeg out of it; the download path is the same.
	server = await startAogServer({ port: 0, syntheticVideoBytes: 256 * 1024 });
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.reset();
	server.setOptions({ generationDelayMs: 0, generationDelaysMs: [] });
});

const ITEMS = 12;

/** Items whose prompt names their input position, so an output can be traced back to its input. */
function numberedItems(count: number) {
	return Array.from({ length: count }, (_, n) => jpegItem(n % 3, { n }));
}

const numberedPrompt = { imageSource: 'binary', prompt: '={{ "clip " + $json.n }}' };

function expectInInputOrder(output: INodeExecutionData[], count: number) {
	expect(output).toHaveLength(count);
	expect(output.map((item) => item.pairedItem)).toEqual(Array.from({ length: count }, (_, item) => ({ item })));
	expect(output.map((item) => item.json.prompt)).toEqual(Array.from({ length: count }, (_, n) => `clip ${n}`));
}

/** True when some request was answered before one that arrived earlier. */
function answeredOutOfArrivalOrder(requests: GenerationRequest[]): boolean {
	return requests.some((request, index) =>
		requests.slice(0, index).some((earlier) => earlier.answeredAt! > request.answeredAt!),
	);
}

describe.each([1, 3, 10])('concurrency %i over 12 items', (concurrency) => {
	it('keeps at most that many generations in flight and returns the items in input order, paired', async () => {
		// Each later arrival generates faster (530 ms down to 80 ms), so parallel items finish out of order.
		server.setOptions({ generationDelaysMs: Array.from({ length: ITEMS }, (_, k) => 80 + (ITEMS - 1 - k) * 41) });
		const result = await runAog(
			{ ...numberedPrompt, options: { concurrency } },
			{ server, binaryMode: 'filesystem', items: numberedItems(ITEMS) },
		);

		expect(result.error).toBeUndefined();
		expectInInputOrder(result.output, ITEMS);
		for (const item of result.output) {
			expect(item.binary?.data.mimeType).toBe('video/mp4');
			expect(item.binary?.data.id).toMatch(/^filesystem/);
			expect(item.json.fileSize).toBe(256 * 1024);
		}
		expect(new Set(result.output.map((item) => item.json.id)).size).toBe(ITEMS);

		const { generation } = server;
		expect(server.counters).toMatchObject({ i2vPosts: ITEMS, downloads: ITEMS });
		expect(generation.inFlight).toBe(0);
		expect(generation.maxInFlight).toBeLessThanOrEqual(concurrency);
		if (concurrency === 1) {
			expect(generation.maxInFlight).toBe(1);
			expect(answeredOutOfArrivalOrder(generation.requests)).toBe(false);
		} else {
			expect(generation.maxInFlight).toBeGreaterThan(1);
			// The server finished them out of order; the output above is still in input order.
			expect(answeredOutOfArrivalOrder(generation.requests)).toBe(true);
		}
	});
});

describe('failures under concurrency', () => {
	it('with continueOnFail, one failed item keeps its place and pairing; the others are not disturbed', async () => {
		server.setOptions({ generationDelayMs: 150 });
		server.scriptFailures([{ kind: 'upstream', code: 'InvalidParameter', message: 'The image is unreadable.' }]);
		const result = await runAog(
			{ ...numberedPrompt, options: { concurrency: 3 } },
			{ server, binaryMode: 'filesystem', items: numberedItems(ITEMS), onError: 'continueRegularOutput' },
		);

		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(ITEMS);
		expect(result.output.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: ITEMS }, (_, item) => ({ item })),
		);
		const failed = result.output.filter((item) => item.json.error !== undefined);
		expect(failed).toHaveLength(1);
		const failedIndex = (failed[0].pairedItem as { item: number }).item;
		expect(Object.keys(failed[0].json).sort()).toEqual(['error', 'message']);
		expect(failed[0].pairedItem).toEqual({ item: failedIndex });
		result.output.forEach((item, n) => {
			if (n === failedIndex) return;
			expect(item.json.prompt).toBe(`clip ${n}`);
			expect(item.binary?.data.mimeType).toBe('video/mp4');
		});
		// No retry of a rejected request, nothing lost: one POST per item, one download per success.
		expect(server.counters).toMatchObject({ i2vPosts: ITEMS, downloads: ITEMS - 1 });
		expect(server.generation.maxInFlight).toBeLessThanOrEqual(3);
	});

	it('without continueOnFail, a failure starts no new item but lets those in flight finish', async () => {
		server.setOptions({ generationDelayMs: 400 });
		server.scriptFailures([{ kind: 'modelNotFound' }]); // answered at once, while two others are generating
		const result = await runAog(
			{ ...numberedPrompt, options: { concurrency: 3 } },
			{ server, binaryMode: 'filesystem', items: numberedItems(9) },
		);

		expect(result.status).toBe('error');
		expect([0, 1, 2]).toContain(result.error?.itemIndex);
		// Only the first three items were ever sent; the two still generating were waited for and downloaded.
		expect(server.counters).toMatchObject({ i2vPosts: 3, downloads: 2 });
		const statuses = server.generation.requests.map((request) => request.status);
		expect(statuses.sort()).toEqual([200, 200, 404]);
		expect(server.generation.inFlight).toBe(0);
		// The videos of the items in flight were made and billed: the error names them instead of dropping them.
		const failedItem = result.error!.itemIndex!;
		const others = [0, 1, 2].filter((n) => n !== failedItem);
		expect(result.error?.description).toMatch(/Other items' jobs \(their videos are billed/);
		for (const n of others)
			expect(result.error?.description).toMatch(
				new RegExp(`item ${n}, result [0-9a-f-]+, finished, video http://127\\.0\\.0\\.1:\\d+/videos/`),
			);
	});

	it("a proxy's 429 (Retry-After 2 s) pauses every item: no generation request reaches the server during the pause", async () => {
		const PAUSE_MS = 2000;
		server.setOptions({ generationDelayMs: 250 });
		// The 429 is answered only once all three lanes' first requests have arrived, so the first batch is known
		// exactly and anything that arrives later was sent after the node had seen the 429.
		// A plain 429 from a proxy in front of AOG proves no task exists (an embedded DashScope 429 does not: see faults).
		server.scriptFailures([{ kind: 'proxy429', retryAfter: 2, holdUntilArrivals: 3 }]);
		const count = 6;
		const result = await runAog(
			{ ...numberedPrompt, options: { concurrency: 3 } },
			{ server, binaryMode: 'filesystem', items: numberedItems(count) },
		);

		expect(result.error).toBeUndefined();
		expectInInputOrder(result.output, count);
		for (const item of result.output) expect(item.binary?.data.mimeType).toBe('video/mp4');
		expect(server.counters).toMatchObject({ i2vPosts: count + 1, downloads: count });

		const { requests } = server.generation;
		const throttled = requests.filter((request) => request.status === 429);
		expect(throttled).toHaveLength(1);
		const pauseStart = throttled[0].answeredAt!;
		const pauseEnd = pauseStart + PAUSE_MS;
		const firstBatch = requests.slice(0, 3);
		const later = requests.slice(3);
		expect(firstBatch).toContain(throttled[0]);
		for (const request of firstBatch) expect(request.receivedAt).toBeLessThanOrEqual(pauseStart);
		// Nothing new until the pause is over (50 ms allowance for timer granularity).
		expect(later).toHaveLength(count + 1 - 3);
		for (const request of later) expect(request.receivedAt).toBeGreaterThanOrEqual(pauseEnd - 50);
		// The other two lanes were free long before the pause ended (250 ms generations), so they were held back by
		// the shared pause, not busy: free for at least the last quarter of it (a wide bound for a loaded machine).
		for (const request of firstBatch.filter((r) => r !== throttled[0]))
			expect(request.answeredAt!).toBeLessThan(pauseEnd - PAUSE_MS / 4);
	});
});
