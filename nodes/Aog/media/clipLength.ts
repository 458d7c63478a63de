// The length of a video clip read from its bytes (the moov box), to refuse a clip DashScope would fail on before it is
// uploaded and billed. A file the reader cannot parse is left for DashScope to judge.
import { InputError } from '../run/failures';
import type { MediaInput } from './mediaKind';
import { Mp4Inspector } from './mp4';

/** The clip's length in seconds, or undefined when the bytes do not say. */
export function clipSeconds(bytes: Uint8Array): number | undefined {
	try {
		const inspector = new Mp4Inspector();
		inspector.push(bytes);
		return inspector.finish().durationSeconds;
	} catch {
		return undefined;
	}
}

/** Refuses a video file outside [min, max] seconds (a little slack for rounding); URLs are DashScope's to check. */
export function checkClipLength(input: MediaInput, where: string, [min, max]: [number, number]): void {
	if (input.kind !== 'video' || !('file' in input)) return;
	const seconds = clipSeconds(input.file.bytes);
	if (seconds === undefined || (seconds >= min - 0.05 && seconds <= max + 0.05)) return;
	throw new InputError(
		`${where} is a ${seconds.toFixed(1)} s clip; DashScope takes ${min}–${max} s here`,
		`Trim or extend the clip to ${min}–${max} seconds first.`,
	);
}
