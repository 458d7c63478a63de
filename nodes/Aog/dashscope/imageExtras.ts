// Image to Video's extras for the `media` models (wan2.7-i2v; docs/DASHSCOPE-API.md, "Body, Wan 2.7 and later"): a
// last frame, a driving audio track, a clip to continue. Checked before any request.
import type { MediaInput } from '../media/mediaKind';
import { InputError } from '../run/failures';
import { bodyShapeOf } from './models';

export interface ImageExtras {
	lastFrame?: MediaInput;
	drivingAudio?: MediaInput;
	firstClip?: MediaInput;
}

/** The media entry type of each extra, in the order they follow the first frame. */
export const EXTRA_MEDIA_TYPES = { lastFrame: 'last_frame', drivingAudio: 'driving_audio', firstClip: 'first_clip' };
const LABELS = { lastFrame: 'Last Frame', drivingAudio: 'Driving Audio', firstClip: 'First Clip' };

export function checkImageExtras(model: string, extras: ImageExtras, audioUrl: string | undefined): void {
	const given = (Object.keys(LABELS) as Array<keyof ImageExtras>).filter((name) => extras[name]);
	if (given.length === 0) return;
	const names = given.map((name) => LABELS[name]).join(' and ');
	if (bodyShapeOf(model) !== 'media') {
		throw new InputError(
			`${names} ${given.length > 1 ? 'are' : 'is'} not available for ${model}`,
			`Only wan2.7-i2v (and newer models with the media body) takes ${names}. Choose wan2.7-i2v, set ${names} Source to None, or, for two frames with the kf2v models, use the operation First and Last Frame to Video.`,
		);
	}
	// A continuation starts from the clip, not a picture, and is documented on its own (the dev server follows that).
	if (extras.firstClip && (extras.lastFrame || extras.drivingAudio || audioUrl)) {
		throw new InputError(
			'First Clip is set together with a last frame or a driving audio track',
			'A continuation takes the clip alone: set Last Frame and Driving Audio to None and remove Options → Audio URL, or set First Clip to None.',
		);
	}
	if (extras.drivingAudio && audioUrl) {
		throw new InputError(
			'Driving Audio and Options → Audio URL are both set',
			'Both are the driving audio track: keep one. Audio URL is the URL form; Driving Audio also takes a binary file.',
		);
	}
}

/** The extras' media entries, from their URLs (the uploaded ones as oss://), in a fixed order. */
export function extraMedia(urls: Partial<Record<keyof ImageExtras, string>>): Array<{ type: string; url: string }> {
	return (Object.keys(EXTRA_MEDIA_TYPES) as Array<keyof ImageExtras>)
		.filter((name) => urls[name])
		.map((name) => ({ type: EXTRA_MEDIA_TYPES[name], url: urls[name]! }));
}
