// A clip's length read from its moov box, and the refusal of a file outside the range before it is uploaded.
import { checkClipLength, clipSeconds } from '../../../../nodes/Aog/media/clipLength';
import { inputError } from '../../../support/inputError';
import { clip } from '../operations/mediaHost';

const file = (bytes: Buffer) => ({
	kind: 'video' as const,
	file: { fileName: 'clip.mp4', mimeType: 'video/mp4', bytes },
});

describe('clip length', () => {
	it('reads the length of a real MP4, and nothing from bytes that are not one', async () => {
		expect(clipSeconds(await clip(640, 360, 3, true))).toBeCloseTo(3, 1);
		expect(clipSeconds(Buffer.from('not an mp4 at all'))).toBeUndefined();
	});

	it('refuses a file outside the range, naming the slot; leaves URLs and unreadable files to DashScope', async () => {
		const three = await clip(640, 360, 3, true);
		expect(() => checkClipLength(file(three), 'Video', [2, 10])).not.toThrow();
		const error = inputError(() => checkClipLength(file(three), 'Reference 2', [4, 30]));
		expect(error.message).toBe('Reference 2 is a 3.0 s clip; DashScope takes 4–30 s here');
		expect(() => checkClipLength({ kind: 'video', url: 'https://example.com/a.mp4' }, 'Video', [4, 30])).not.toThrow();
		expect(() => checkClipLength(file(Buffer.from('xxxxftypisom')), 'Video', [4, 30])).not.toThrow();
	});
});
