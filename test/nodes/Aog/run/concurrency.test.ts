import { backoffDelayMs, mapWithConcurrency, SharedBackoff } from '../../../../nodes/Aog/run/concurrency';

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A worker that records how many calls run at once, with a random delay per item. */
function trackingWorker(seed: number, maxDelayMs = 8) {
	const next = random(seed);
	const state = { running: 0, maxRunning: 0, calls: [] as number[] };
	const worker = async (item: string, index: number) => {
		state.calls.push(index);
		state.running++;
		state.maxRunning = Math.max(state.maxRunning, state.running);
		await sleep(Math.floor(next() * maxDelayMs));
		state.running--;
		return `${item}:${index}`;
	};
	return { worker, state };
}

describe('mapWithConcurrency', () => {
	const items = Array.from({ length: 23 }, (_, i) => `item${i}`);

	it.each([1, 2, 3, 5, 10])(
		'keeps input order with random delays and never runs more than %i at once',
		async (limit) => {
			for (const seed of [1, 42, 1234]) {
				const { worker, state } = trackingWorker(seed * limit);
				const results = await mapWithConcurrency(items, limit, worker);
				expect(results).toEqual(items.map((item, index) => `${item}:${index}`));
				expect(state.maxRunning).toBe(limit); // the limit is reached, and never passed
				expect(state.running).toBe(0);
				expect([...state.calls].sort((a, b) => a - b)).toEqual(items.map((_, index) => index)); // each item exactly once
			}
		},
	);

	it('starts items in input order', async () => {
		const { worker, state } = trackingWorker(7);
		await mapWithConcurrency(items, 4, worker);
		expect(state.calls).toEqual(items.map((_, index) => index));
	});

	it('runs no more lanes than items', async () => {
		const { worker, state } = trackingWorker(3);
		expect(await mapWithConcurrency(['a', 'b'], 10, worker)).toEqual(['a:0', 'b:1']);
		expect(state.maxRunning).toBe(2);
	});

	it('treats a limit below 1 as 1', async () => {
		for (const limit of [0, -3]) {
			const { worker, state } = trackingWorker(5);
			expect(await mapWithConcurrency(items.slice(0, 5), limit, worker)).toHaveLength(5);
			expect(state.maxRunning).toBe(1);
		}
	});

	it('returns [] for no items without calling the worker', async () => {
		const worker = jest.fn(async () => 'x');
		expect(await mapWithConcurrency([], 3, worker)).toEqual([]);
		expect(worker).not.toHaveBeenCalled();
	});

	it('keeps the order when later items finish first', async () => {
		// Each item finishes when the test says so (no timers: the finishing order holds on any machine).
		const finishOrder = [1, 3, 4, 2, 0];
		const gates = finishOrder.map(() => {
			let open = () => {};
			const promise = new Promise<void>((resolve) => (open = resolve));
			return { promise, open };
		});
		const finished: number[] = [];
		const results = mapWithConcurrency(['a', 'b', 'c', 'd', 'e'], 5, async (item, index) => {
			await gates[index].promise;
			finished.push(index);
			return `${item}${index}`;
		});
		for (const index of finishOrder) {
			gates[index].open();
			await new Promise((resolve) => setImmediate(resolve));
		}
		expect(await results).toEqual(['a0', 'b1', 'c2', 'd3', 'e4']);
		expect(finished).toEqual(finishOrder);
	});

	it('rejects with the error of a failing item', async () => {
		const failure = new Error('item 3 failed');
		await expect(
			mapWithConcurrency(items, 3, async (_item, index) => {
				await sleep(1);
				if (index === 3) throw failure;
				return index;
			}),
		).rejects.toBe(failure);
	});
});

describe('SharedBackoff', () => {
	function clock(start = 1_000_000) {
		let now = start;
		return { now: () => now, advance: (ms: number) => (now += ms) };
	}

	it('starts with no pause', () => {
		expect(new SharedBackoff(clock().now).remainingMs()).toBe(0);
	});

	it('counts a pause down with the clock and never below 0', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now);
		backoff.pauseFor(5000);
		expect(backoff.remainingMs()).toBe(5000);
		time.advance(2000);
		expect(backoff.remainingMs()).toBe(3000);
		time.advance(3000);
		expect(backoff.remainingMs()).toBe(0);
		time.advance(10000);
		expect(backoff.remainingMs()).toBe(0);
	});

	it('a shorter pause does not cut a longer one short; a longer one extends it', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now);
		backoff.pauseFor(8000);
		time.advance(1000);
		backoff.pauseFor(2000);
		expect(backoff.remainingMs()).toBe(7000);
		backoff.pauseFor(9000);
		expect(backoff.remainingMs()).toBe(9000);
	});

	it('is shared: a pause set by one item delays every item', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now);
		const waits: number[] = [];
		backoff.pauseFor(4000); // item 0 got a 429
		for (let item = 1; item <= 3; item++) {
			waits.push(backoff.remainingMs());
			time.advance(500);
		}
		expect(waits).toEqual([4000, 3500, 3000]);
	});

	it('uses the real clock by default', () => {
		const backoff = new SharedBackoff();
		backoff.pauseFor(60000);
		expect(backoff.remainingMs()).toBeGreaterThan(59000);
		expect(backoff.remainingMs()).toBeLessThanOrEqual(60000);
	});
});

describe('backoffDelayMs', () => {
	it('doubles from 2 s and stops at 30 s', () => {
		expect([1, 2, 3, 4, 5, 6, 20].map((attempt) => backoffDelayMs(attempt, undefined))).toEqual([
			2000, 4000, 8000, 16000, 30000, 30000, 30000,
		]);
	});

	it('takes another base and cap', () => {
		expect([1, 2, 3, 4].map((attempt) => backoffDelayMs(attempt, undefined, 100, 500))).toEqual([100, 200, 400, 500]);
	});

	it('uses the server Retry-After instead of doubling, even when shorter, capped at 2 minutes', () => {
		expect(backoffDelayMs(4, 1000)).toBe(1000);
		expect(backoffDelayMs(1, 7000)).toBe(7000);
		expect(backoffDelayMs(1, 0)).toBe(0);
		expect(backoffDelayMs(1, 3_600_000)).toBe(120000);
	});
});
