// Watches every chunk of a download stream, whichever way n8n's binary storage later consumes it (pipe, 'data'
// events or async iteration), and stops the stream with a failure when a chunk is refused.
import type { ByteStream } from '../http/request';

export interface StreamTap<F extends Error> {
	/** Stops the stream with `failure` (the first one wins). */
	stop(failure: F): void;
	/** The failure that stopped the stream, if any. */
	failure(): F | undefined;
}

/**
 * `onChunk` may throw to refuse the stream; `toFailure` turns what it threw into the failure reported. The stream
 * stays paused, buffering, until a reader attaches.
 */
export function tapStream<F extends Error>(
	body: ByteStream,
	onChunk: (chunk: Uint8Array) => void,
	toFailure: (error: unknown) => F,
): StreamTap<F> {
	let stoppedWith: F | undefined;
	const stop = (failure: F) => {
		stoppedWith ??= failure;
		body.destroy(stoppedWith);
	};
	body.on('data', (chunk: Uint8Array) => {
		if (stoppedWith) return;
		try {
			onChunk(chunk);
		} catch (error) {
			stop(toFailure(error));
		}
	});
	body.on('error', () => {}); // reported through the reader's own rejection
	body.pause();
	body.on('newListener', (event: string) => {
		if (event === 'data') body.resume(); // a paused stream does not restart for a new 'data' listener by itself
	});
	return { stop, failure: () => stoppedWith };
}
