// The shared backoff's pace after a rate limit (run/concurrency.ts): items that waited out a 429 submit one slot
// apart, not all at the instant the pause ends. A fake clock and random source: no waiting.
import { SharedBackoff } from '../../../../nodes/Aog/run/concurrency';

function clock(start = 1_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('SharedBackoff pacing', () => {
	test('before any rate limit, submits go at once', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now, () => 0.5);
		expect([1, 2, 3].map(() => backoff.reserveSlot())).toEqual([0, 0, 0]);
	});

	test('after a 429, the waiting items get distinct slots after the pause, at least 500 ms apart', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now, () => 0);
		backoff.throttled(2000);
		const waits = Array.from({ length: 8 }, () => backoff.reserveSlot());
		expect(waits).toEqual([2000, 2500, 3000, 3500, 4000, 4500, 5000, 5500]);
	});

	test('many 429s at the same instant widen the pace once, a later one again', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now, () => 0);
		for (let i = 0; i < 8; i++) backoff.throttled(1000);
		expect([backoff.reserveSlot(), backoff.reserveSlot()]).toEqual([1000, 1500]);
		time.advance(5000);
		backoff.throttled(1000);
		expect([backoff.reserveSlot(), backoff.reserveSlot()]).toEqual([1000, 2000]);
	});

	test('jitter spreads a slot by at most a fifth of the spacing', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now, () => 0.999);
		backoff.throttled(0);
		expect(backoff.reserveSlot()).toBe(100);
		expect(backoff.reserveSlot()).toBe(600);
	});

	test('a pause set while an item slept is seen when it wakes', () => {
		const time = clock();
		const backoff = new SharedBackoff(time.now, () => 0);
		backoff.throttled(1000);
		expect(backoff.reserveSlot()).toBe(1000);
		time.advance(500);
		backoff.throttled(3000); // another item's 429 meanwhile
		time.advance(500);
		expect(backoff.remainingMs()).toBe(2500);
	});
});
