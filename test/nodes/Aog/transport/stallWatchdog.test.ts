import { watchStall } from '../../../../nodes/Aog/transport/stallWatchdog';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('watchStall', () => {
	it('calls onStall once when nothing happened for idleMs', async () => {
		let stalls = 0;
		const started = Date.now();
		const watch = watchStall(200, () => started, () => stalls++);
		await wait(700);
		watch.stop();
		expect(stalls).toBe(1);
	});

	it('does not fire while there is activity, and never after stop', async () => {
		let stalls = 0;
		let last = Date.now();
		const watch = watchStall(300, () => last, () => stalls++);
		for (let i = 0; i < 6; i++) {
			await wait(100);
			last = Date.now();
		}
		expect(stalls).toBe(0);
		watch.stop();
		await wait(600);
		expect(stalls).toBe(0);
	});
});
