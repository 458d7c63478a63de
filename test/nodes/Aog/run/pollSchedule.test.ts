import { DEFAULT_MAX_TRANSIENT_ERRORS, MIN_POLL_DELAY_MS, PollSchedule } from '../../../../nodes/Aog/run/pollSchedule';

/** A clock the test moves by hand. */
function clock(start = 1_700_000_000_000) {
	let now = start;
	return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A small seeded generator, so a failure can be replayed. */
function seeded(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state * 1664525 + 1013904223) >>> 0;
		return state / 2 ** 32;
	};
}

const middle = () => 0.5; // no jitter

describe('PollSchedule.nextDelayMs', () => {
	it('polls first after min(interval, 5 s), then every interval', () => {
		const time = clock();
		const schedule = new PollSchedule({ intervalMs: 15_000, timeoutMs: 600_000, now: time.now, random: middle });
		expect(schedule.nextDelayMs()).toBe(5_000);
		expect(schedule.nextDelayMs()).toBe(15_000);
		expect(schedule.nextDelayMs()).toBe(15_000);
	});

	it('keeps a short interval for the first poll too, and honours a custom first poll', () => {
		const time = clock();
		expect(
			new PollSchedule({ intervalMs: 3_000, timeoutMs: 60_000, now: time.now, random: middle }).nextDelayMs(),
		).toBe(3_000);
		expect(
			new PollSchedule({
				intervalMs: 20_000,
				timeoutMs: 60_000,
				firstPollMs: 2_000,
				now: time.now,
				random: middle,
			}).nextDelayMs(),
		).toBe(2_000);
	});

	it('jitters by at most ±10 % of the interval, reaching both ends', () => {
		const time = clock();
		const low = new PollSchedule({ intervalMs: 10_000, timeoutMs: 600_000, now: time.now, random: () => 0 });
		low.nextDelayMs();
		expect(low.nextDelayMs()).toBe(9_000);
		const high = new PollSchedule({ intervalMs: 10_000, timeoutMs: 600_000, now: time.now, random: () => 0.999999 });
		high.nextDelayMs();
		expect(high.nextDelayMs()).toBe(11_000);
	});

	it.each([1, 7, 42, 1234])('stays within the jitter band for every poll (seed %i)', (seed) => {
		const time = clock();
		const schedule = new PollSchedule({
			intervalMs: 12_000,
			timeoutMs: 10 * 3_600_000,
			now: time.now,
			random: seeded(seed),
		});
		const first = schedule.nextDelayMs();
		expect(first).toBeGreaterThanOrEqual(4_500);
		expect(first).toBeLessThanOrEqual(5_500);
		const delays = Array.from({ length: 200 }, () => schedule.nextDelayMs());
		for (const delay of delays) {
			expect(delay).toBeGreaterThanOrEqual(10_800);
			expect(delay).toBeLessThanOrEqual(13_200);
		}
		expect(new Set(delays).size).toBeGreaterThan(50); // the jitter really varies
	});

	it('never waits less than 1 s, however short the interval', () => {
		const time = clock();
		const schedule = new PollSchedule({ intervalMs: 200, timeoutMs: 60_000, now: time.now, random: () => 0 });
		expect(schedule.nextDelayMs()).toBe(MIN_POLL_DELAY_MS);
		expect(schedule.nextDelayMs()).toBe(MIN_POLL_DELAY_MS);
	});

	it('never sleeps past the deadline', () => {
		const time = clock();
		const schedule = new PollSchedule({ intervalMs: 15_000, timeoutMs: 20_000, now: time.now, random: middle });
		expect(schedule.nextDelayMs()).toBe(5_000);
		time.advance(5_000);
		expect(schedule.nextDelayMs()).toBe(15_000);
		time.advance(13_000);
		expect(schedule.nextDelayMs()).toBe(2_000);
		time.advance(2_000);
		expect(schedule.nextDelayMs()).toBe(0);
	});

	it('clips below the 1 s floor when less than that is left', () => {
		const time = clock();
		const schedule = new PollSchedule({ intervalMs: 10_000, timeoutMs: 10_400, now: time.now, random: middle });
		time.advance(10_000);
		expect(schedule.nextDelayMs()).toBe(400);
	});
});

describe('PollSchedule deadline', () => {
	it('counts down from construction and never goes negative', () => {
		const time = clock();
		const schedule = new PollSchedule({ intervalMs: 10_000, timeoutMs: 30_000, now: time.now });
		expect(schedule.remainingMs()).toBe(30_000);
		expect(schedule.expired()).toBe(false);
		time.advance(29_999);
		expect(schedule.remainingMs()).toBe(1);
		expect(schedule.expired()).toBe(false);
		time.advance(1);
		expect(schedule.remainingMs()).toBe(0);
		expect(schedule.expired()).toBe(true);
		time.advance(5_000);
		expect(schedule.remainingMs()).toBe(0);
		expect(schedule.expired()).toBe(true);
	});

	it('a whole wait driven by the schedule ends exactly at the deadline', () => {
		const time = clock();
		const schedule = new PollSchedule({ intervalMs: 15_000, timeoutMs: 100_000, now: time.now, random: seeded(3) });
		let polls = 0;
		while (!schedule.expired()) {
			time.advance(schedule.nextDelayMs());
			polls++;
			expect(polls).toBeLessThan(20);
		}
		expect(schedule.remainingMs()).toBe(0);
		expect(polls).toBeGreaterThanOrEqual(7); // 5 s, then about 15 s each, up to 100 s
		expect(polls).toBeLessThanOrEqual(9);
	});
});

describe('PollSchedule transient-error budget', () => {
	it(`tolerates ${DEFAULT_MAX_TRANSIENT_ERRORS} consecutive transient failures, not one more`, () => {
		const schedule = new PollSchedule({ intervalMs: 5_000, timeoutMs: 600_000 });
		for (let i = 1; i <= DEFAULT_MAX_TRANSIENT_ERRORS; i++) {
			expect(schedule.noteTransientError()).toBe(true);
			expect(schedule.consecutiveTransientErrors).toBe(i);
		}
		expect(schedule.noteTransientError()).toBe(false);
		expect(schedule.noteTransientError()).toBe(false);
	});

	it('a real answer resets the count', () => {
		const schedule = new PollSchedule({ intervalMs: 5_000, timeoutMs: 600_000, maxTransientErrors: 2 });
		expect(schedule.noteTransientError()).toBe(true);
		expect(schedule.noteTransientError()).toBe(true);
		schedule.noteSuccess();
		expect(schedule.consecutiveTransientErrors).toBe(0);
		expect(schedule.noteTransientError()).toBe(true);
		expect(schedule.noteTransientError()).toBe(true);
		expect(schedule.noteTransientError()).toBe(false);
	});

	it('a budget of 0 gives up at the first transient failure', () => {
		expect(
			new PollSchedule({ intervalMs: 5_000, timeoutMs: 600_000, maxTransientErrors: 0 }).noteTransientError(),
		).toBe(false);
	});
});
