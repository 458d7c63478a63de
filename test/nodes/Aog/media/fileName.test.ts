import { outputFileName } from '../../../../nodes/Aog/media/fileName';
import { InputError } from '../../../../nodes/Aog/run/failures';

describe('outputFileName', () => {
	it('derives a name from the request id when none is given', () => {
		expect(outputFileName('', 'aog', 'b7d6a1c2-0000-4e5f-9a8b-123456789abc', 0)).toBe(
			'aog-video-b7d6a1c2-0000-4e5f-9a8b-123456789abc.mp4',
		);
		expect(outputFileName('   ', 'aog', 'abc_DEF-123', 4)).toBe('aog-video-abc_DEF-123.mp4');
	});

	it('strips characters that do not belong in a file name from the id, and keeps it short', () => {
		expect(outputFileName('', 'aog', '../../etc/passwd', 0)).toBe('aog-video-etcpasswd.mp4');
		expect(outputFileName('', 'aog', 'a b:c*d?e', 0)).toBe('aog-video-abcde.mp4');
		const long = 'x'.repeat(200);
		expect(outputFileName('', 'aog', long, 0)).toBe(`aog-video-${'x'.repeat(64)}.mp4`);
	});

	it('names a DashScope video after DashScope and its task id', () => {
		expect(outputFileName('', 'dashscope', '0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f', 0)).toBe(
			'dashscope-video-0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f.mp4',
		);
		expect(outputFileName('', 'dashscope', '', 2)).toBe('dashscope-video-item-2.mp4');
	});

	it('falls back to the item number when the id is empty or has nothing usable', () => {
		expect(outputFileName('', 'aog', '', 3)).toBe('aog-video-item-3.mp4');
		expect(outputFileName('', 'aog', '/// ???', 7)).toBe('aog-video-item-7.mp4');
	});

	it.each([
		['product-1', 'product-1.mp4'],
		['product-1.mp4', 'product-1.mp4'],
		['Product.MP4', 'Product.MP4'],
		['  spaced name  ', 'spaced name.mp4'],
		['archive.tar', 'archive.tar.mp4'],
		['视频', '视频.mp4'],
	])('uses the given name %j as %j', (requested, expected) => {
		expect(outputFileName(requested, 'aog', 'id', 0)).toBe(expected);
	});

	it.each(['videos/product.mp4', '..\\product.mp4', '/tmp/x'])('refuses a path %j', (requested) => {
		let caught: unknown;
		try {
			outputFileName(requested, 'aog', 'id', 0);
		} catch (error) {
			caught = error;
		}
		expect(caught).toBeInstanceOf(InputError);
		expect((caught as InputError).message).toBe(`The file name "${requested}" contains a path separator`);
		expect((caught as InputError).description).toMatch(/choose the folder in the node that saves the file/);
	});

	it.each(['clip.mov', 'clip.M4V', 'clip.webm', 'clip.mkv', 'clip.avi', 'clip.gif'])(
		'refuses another video extension %j',
		(requested) => {
			expect(() => outputFileName(requested, 'aog', 'id', 0)).toThrow(
				`The file name "${requested}" has a different video extension`,
			);
		},
	);
});
