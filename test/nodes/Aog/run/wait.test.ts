// abortableSleep: the wait between polls and before retries. It must end at once on the stop button and leave nothing
// on the execution's cancel signal, which lives as long as the execution (one poll every few seconds for up to 3 hours).
import { getEventListeners, setMaxListeners } from 'node:events';

import { abortableSleep } from '../../../../nodes/Aog/run/wait';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('abortableSleep', () => {
	it('50 waits on one signal leave no abort listener behind', async () => {
		const controller = new AbortController();
		const before = listeners(controller.signal);
		for (let i = 0; i < 50; i++) await abortableSleep(1, controller.signal);
		expect(listeners(controller.signal)).toBe(before);
	});

	it('nor do 50 waits running at once (items in parallel share the signal)', async () => {
		const controller = new AbortController();
		setMaxListeners(100, controller.signal); // 50 waits at once hold 50 listeners until they end
		await Promise.all(Array.from({ length: 50 }, async () => await abortableSleep(5, controller.signal)));
		expect(listeners(controller.signal)).toBe(0);
	});

	it('holds one listener while it waits, removed when the signal aborts it', async () => {
		const controller = new AbortController();
		const waiting = abortableSleep(60_000, controller.signal);
		expect(listeners(controller.signal)).toBe(1);
		const started = Date.now();
		controller.abort();
		await expect(waiting).rejects.toThrow();
		expect(Date.now() - started).toBeLessThan(1000); // not the 60 s
		expect(listeners(controller.signal)).toBe(0);
	});

	it('ends every wait sharing the signal at once', async () => {
		const controller = new AbortController();
		const waits = Array.from({ length: 5 }, async () => await abortableSleep(60_000, controller.signal));
		controller.abort();
		const results = await Promise.allSettled(waits);
		expect(results.map((result) => result.status)).toEqual(Array(5).fill('rejected'));
	});

	it('rejects at once on a signal aborted before the wait', async () => {
		const controller = new AbortController();
		controller.abort();
		await expect(abortableSleep(60_000, controller.signal)).rejects.toThrow();
		expect(listeners(controller.signal)).toBe(0);
	});

	it('waits its time without a signal', async () => {
		const started = Date.now();
		await abortableSleep(30);
		expect(Date.now() - started).toBeGreaterThanOrEqual(25);
	});
});
