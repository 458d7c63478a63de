import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { ByteStream } from '../../../../nodes/Aog/http/request';
import { tapStream } from '../../../../nodes/Aog/media/streamTap';

class Refused extends Error {}

function source(chunks: string[]): Readable {
	return Readable.from(
		chunks.map((chunk) => Buffer.from(chunk)),
		{ objectMode: false },
	);
}

async function drain(stream: Readable): Promise<string> {
	let text = '';
	await pipeline(
		stream,
		new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) }),
	);
	return text;
}

describe('tapStream', () => {
	it('sees every chunk a later reader gets, and waits for that reader (the stream stays paused until then)', async () => {
		const stream = source(['ab', 'cd', 'ef']);
		const seen: string[] = [];
		const tap = tapStream(
			stream as unknown as ByteStream,
			(chunk) => seen.push(Buffer.from(chunk).toString()),
			() => new Refused(),
		);
		await new Promise((resolve) => setImmediate(resolve));
		expect(seen).toEqual([]); // paused: nothing flows before a reader attaches
		expect(await drain(stream)).toBe('abcdef');
		expect(seen).toEqual(['ab', 'cd', 'ef']);
		expect(tap.failure()).toBeUndefined();
	});

	it('stops the stream with the failure when a chunk is refused, and the reader sees that failure', async () => {
		const stream = source(['ok', 'bad', 'never']);
		const seen: string[] = [];
		const tap = tapStream(
			stream as unknown as ByteStream,
			(chunk) => {
				const text = Buffer.from(chunk).toString();
				seen.push(text);
				if (text === 'bad') throw new Error('not allowed');
			},
			(error) => new Refused(`refused: ${(error as Error).message}`),
		);
		await expect(drain(stream)).rejects.toThrow('refused: not allowed');
		expect(tap.failure()).toBeInstanceOf(Refused);
		expect(seen).toEqual(['ok', 'bad']);
	});

	it('the first failure wins when stop is called again', async () => {
		const stream = source(['a', 'b']);
		const tap = tapStream(
			stream as unknown as ByteStream,
			() => {},
			() => new Refused(),
		);
		tap.stop(new Refused('first'));
		tap.stop(new Refused('second'));
		expect(tap.failure()?.message).toBe('first');
		await expect(drain(stream)).rejects.toThrow('first');
	});
});
