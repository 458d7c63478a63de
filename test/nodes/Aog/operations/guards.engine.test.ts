// Guards of promised behaviour (docs/RELIABILITY.md, "Guards of promised behaviour"): promises of the node that a
// mutation of the code would break without any other test noticing. Each test here was seen failing against such a
// mutation. Inside n8n-core's real engine, against the dev servers (DashScope directly, and AOG for the big download).
import { getEventListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import type { IExecuteFunctions, INodeExecutionData, INodeParameters, INodeProperties } from 'n8n-workflow';

import { DashScopeApi } from '../../../../credentials/DashScopeApi.credentials';
import { Aog } from '../../../../nodes/Aog/Aog.node';
import { runNode, type RunNodeOptions, type RunNodeResult } from '../../../../tools/harness/engine';
import {
	jpegItem,
	runAog,
	startAogServer,
	startDashScopeServer,
	type AogServer,
	type DashScopeServer,
} from '../support';

/** 1 compressed ms = 0.01 wall ms: a task of 100 000 compressed ms runs 1 s. */
const TIME_SCALE = 0.01;

let server: DashScopeServer;

beforeAll(async () => {
	server = await startDashScopeServer({ timeScale: TIME_SCALE });
});
afterAll(async () => await server.close());
beforeEach(() => {
	server.reset();
	server.setOptions({ timeScale: TIME_SCALE, pendingMs: 0, runningMs: 30_000, maxRunning: 0 });
});

/** What the node under test saw of the execution's cancel signal, and when its execute() returned or threw. */
interface Watch {
	listenersBefore?: number;
	listenersAfter?: number;
	endedAt?: number;
}

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** The AOG node, its execute() wrapped to count the abort listeners on the execution's signal around the node's run. */
function watchedAog(watch: Watch): Aog {
	const node = new Aog();
	const execute = node.execute; // called with n8n's context as `this`, like the original
	node.execute = async function (this: IExecuteFunctions) {
		const signal = this.getExecutionCancelSignal()!;
		watch.listenersBefore = abortListeners(signal);
		try {
			return await execute.call(this);
		} finally {
			watch.listenersAfter = abortListeners(signal);
			watch.endedAt = Date.now();
		}
	} as Aog['execute'];
	return node;
}

/** Image to Video with DashScope directly on one 1280×720 JPEG; `options` as given (no poll interval forced). */
async function run(
	options: INodeParameters,
	watch: Watch = {},
	extra: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	return await runNode({
		nodeType: watchedAog(watch),
		credentialType: new DashScopeApi(),
		credentials: { region: 'custom', baseUrl: server.url, apiKey: server.apiKey },
		parameters: {
			resource: 'video',
			operation: 'imageToVideo',
			authentication: 'dashScopeApi',
			imageSource: 'binary',
			prompt: 'A slow push-in',
			options,
		},
		items: [jpegItem()],
		...extra,
	});
}

const pollTimes = () =>
	server.requests.requests.filter((request) => request.route === 'poll').map((request) => request.receivedAt);

// ---------------------------------------------------------------------------------------------------------------

describe('waits leave nothing behind', () => {
	test('after many polls the execution cancel signal has no more abort listeners than before the node ran', async () => {
		server.script({ on: 'task', runningMs: 600_000 }); // 6 s of wall time: a poll a second
		const watch: Watch = {};
		const result = await run({ pollInterval: 1 }, watch);
		expect(result.error).toBeUndefined();
		expect(server.tasks[0].polls).toBeGreaterThanOrEqual(3); // 6 or 7 on an idle machine; one listener each when they leaked
		expect(watch.listenersBefore).toEqual(expect.any(Number));
		expect(watch.listenersAfter).toBe(watch.listenersBefore);
	});
});

describe('the stop button ends a poll wait at once (Poll Interval 30 s)', () => {
	const longTask = () => server.script({ on: 'task', runningMs: 60_000_000 }); // RUNNING for 10 minutes of wall time

	function expectStoppedPromptly(result: RunNodeResult, watch: Watch) {
		expect(result.cancelled).toBe(true);
		expect(result.status).toBe('canceled');
		expect(result.error?.message).toBe('The execution was canceled while waiting for DashScope');
		expect(result.output).toEqual([]);
		// A wait that ignored the stop button would end 3 s (first wait) or 25 s (later waits) after the stop.
		expect(result.cancelToEndMs!).toBeLessThan(2000);
		expect(watch.endedAt).toEqual(expect.any(Number));
	}

	test('stopped 1.5 s in (during the wait before the first poll): the node ends within 2 s', async () => {
		longTask();
		const watch: Watch = {};
		const result = await run({ pollInterval: 30 }, watch, { cancelAfterMs: 1500, timeoutMs: 60_000 });
		expectStoppedPromptly(result, watch);
		// The stop came after the poll right after the submit, before the next (about 5 s in); on a very slow machine
		// maybe before the submit was answered: the node must end at once all the same.
		expect(server.tasks.length).toBeLessThanOrEqual(1);
		expect(server.tasks[0]?.polls ?? 0).toBeLessThanOrEqual(1);
	});

	test('stopped about 2 s into the 30 s wait after the poll 5 s in: the node ends within 2 s', async () => {
		longTask();
		const watch: Watch = {};
		// A poll right after the submit, the next at most 5.5 s later (5 s ± 10 %): the stop at 8 s falls inside the
		// 27–33 s wait that follows (about 1.5–2.5 s into it; room for a slow submit on a loaded machine).
		const result = await run({ pollInterval: 30 }, watch, { cancelAfterMs: 8000, timeoutMs: 60_000 });
		expectStoppedPromptly(result, watch);
		expect(server.tasks[0].polls).toBe(2);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('Poll Interval: default 15 s, range 1–60; Timeout: at most 10800 s', () => {
	/** Every Options entry named `name` in the node's description (one Options collection per operation). */
	function optionEntries(name: string): INodeProperties[] {
		const collections = new Aog().description.properties.filter(
			(property) => property.name === 'options' && property.type === 'collection',
		);
		return collections.flatMap((collection) =>
			(collection.options as INodeProperties[]).filter((option) => option.name === name),
		);
	}

	test('the node description: Poll Interval default 15, min 1, max 60; Timeout default 600, max 10800', () => {
		const pollIntervals = optionEntries('pollInterval');
		expect(pollIntervals.length).toBeGreaterThanOrEqual(1);
		for (const entry of pollIntervals) {
			expect(entry.default).toBe(15);
			expect(entry.typeOptions).toMatchObject({ minValue: 1, maxValue: 60 });
		}
		const timeouts = optionEntries('timeout');
		expect(timeouts.length).toBeGreaterThanOrEqual(1);
		for (const entry of timeouts) {
			expect(entry.default).toBe(600);
			expect(entry.typeOptions).toMatchObject({ minValue: 1, maxValue: 10800 });
		}
	});

	test('without the option, the node polls every 15 s (± 10 %): a task that needs two polls after the first wait', async () => {
		// RUNNING for 10 s. The node polls right after the submit, again after at most 5 s (a task that fails at once
		// is reported soon), then every Poll Interval: the poll about 5 s in finds the task running, the one 15 s
		// later finds it finished.
		server.script({ on: 'task', runningMs: 1_000_000 });
		const result = await run({});
		expect(result.error).toBeUndefined();
		expect(result.output[0].json.taskStatus).toBe('SUCCEEDED');
		const polls = pollTimes();
		expect(polls).toHaveLength(3);
		expect(polls[1] - polls[0]).toBeGreaterThanOrEqual(4500 - 50);
		expect(polls[1] - polls[0]).toBeLessThan(5500 + 2000);
		const gap = polls[2] - polls[1];
		expect(gap).toBeGreaterThanOrEqual(13_500 - 50); // never sooner than 15 s − 10 % (timer granularity aside)
		expect(gap).toBeLessThan(16_500 + 2000); // 15 s + 10 %, with room for a loaded machine
	});

	test.each([
		[61, 'Options → Poll Interval (Seconds) is 61, outside 1–60'],
		[0, 'Options → Poll Interval (Seconds) is 0, outside 1–60'],
	])('Poll Interval %i is refused before any request', async (pollInterval, message) => {
		const result = await run({ pollInterval });
		expect(result.error?.message).toBe(message);
		expect(result.error?.itemIndex).toBe(0);
		expect(server.counters.total).toBe(0);
		expect(server.counters.storageRequests).toBe(0);
	});

	test('Timeout 10801 s is refused before any request; 10800 s is accepted', async () => {
		const refused = await run({ pollInterval: 1, timeout: 10801 });
		expect(refused.error?.message).toBe('Options → Timeout (Seconds) is 10801, outside 1–10800');
		expect(server.counters.total).toBe(0);

		const accepted = await run({ pollInterval: 1, timeout: 10800 });
		expect(accepted.error).toBeUndefined();
		expect(accepted.output[0].json.taskStatus).toBe('SUCCEEDED');
		expect(server.counters.submits).toBe(1);
	});
});

// ---------------------------------------------------------------------------------------------------------------

describe('the download is streamed (filesystem binary mode)', () => {
	const MiB = 1024 * 1024;
	const VIDEO_BYTES = 256 * MiB;
	const BOUND = 64 * MiB;
	let aog: AogServer;

	beforeAll(async () => {
		aog = await startAogServer({ port: 0 });
	});
	afterAll(async () => await aog.close());

	const heapAndExternal = () => {
		const usage = process.memoryUsage();
		return usage.heapUsed + usage.external;
	};
	/**
	 * A full garbage collection: global.gc under node --expose-gc, else the same function switched on at run time.
	 * Chunks already written to disk wait for the collector (tens of MiB between two collections): a sample over the
	 * bound is taken again right after a collection, so only what is still referenced (a body held in memory) counts.
	 */
	const gc: () => void =
		(globalThis as { gc?: () => void }).gc ??
		(() => {
			setFlagsFromString('--expose-gc');
			return runInNewContext('gc') as () => void;
		})();

	test(`a ${VIDEO_BYTES / MiB} MiB video: heap + external memory grow by less than ${BOUND / MiB} MiB`, async () => {
		const runOnce = async () =>
			await runAog(
				{ imageSource: 'binary', prompt: 'A slow push-in' },
				{ server: aog, binaryMode: 'filesystem', items: [jpegItem()] },
			);
		// Warm-up with a small video: engine, HTTP client and binary storage loaded before the baseline.
		aog.setOptions({ syntheticVideoBytes: 256 * 1024, generationDelayMs: 0 });
		expect((await runOnce()).error).toBeUndefined();
		aog.setOptions({ syntheticVideoBytes: VIDEO_BYTES });
		gc();
		const baseline = heapAndExternal();
		let growth = 0;
		let samples = 0;
		let collections = 0;
		const sampler = setInterval(() => {
			samples++;
			let now = heapAndExternal() - baseline;
			if (now >= BOUND && growth < BOUND) {
				// A full collection takes 100–250 ms on a loaded 2-core machine: only when it matters, and no more once
				// the bound is passed for good.
				gc();
				collections++;
				now = heapAndExternal() - baseline;
			}
			growth = Math.max(growth, now);
		}, 5);
		let result: RunNodeResult;
		try {
			result = await runOnce();
		} finally {
			clearInterval(sampler);
		}
		expect(samples).toBeGreaterThanOrEqual(10); // sampled throughout the download, not only before and after
		expect(result.error).toBeUndefined();
		const [item]: INodeExecutionData[] = result.output;
		expect(item.json.fileSize).toBe(VIDEO_BYTES);
		expect(item.binary?.data.id).toMatch(/^filesystem-v2:/);
		expect(aog.counters.downloads).toBe(2);
		// Buffering the body would need the whole 256 MiB at once.
		expect(growth).toBeLessThan(BOUND);
	});
});
