// The bodies of AOG's two image-to-video routes (docs/AOG-API.md): the standard route takes the image and the prompt
// only; the native route takes DashScope's own body.
import { InputError } from '../run/failures';
import { IMAGE_SLOT, isInlineImage, jsonBody, type InlineImage } from '../media/jsonBody';
import type { AogRoute } from './generation';

/** The generation parameters only the native route honours. */
export interface NativeParameters {
	resolution?: string;
	negativePrompt?: string;
	seed?: number;
	promptExtend?: boolean;
	watermark?: boolean;
}

const NATIVE_ONLY = ['resolution', 'negativePrompt', 'seed', 'promptExtend', 'watermark'] as const;

/**
 * The POST body, built once per item and reused by every retry: JSON text, or bytes with the picture's data URI
 * encoded straight into them (media/jsonBody.ts).
 */
export function aogImageToVideoBody(
	route: AogRoute,
	request: {
		model: string;
		prompt: string;
		image: string | InlineImage;
		imageType: string;
		parameters: NativeParameters;
	},
): string | Buffer {
	const { model, prompt, image, imageType, parameters } = request;
	const imageValue = isInlineImage(image) ? IMAGE_SLOT : image;
	if (route === 'native') {
		if (imageType === 'path') {
			throw new InputError(
				'The native route cannot read a path on the AOG host',
				'Use the standard route for "Path on AOG Host", or send the picture as Binary File or Base64.',
			);
		}
		const input: Record<string, unknown> = { img_url: imageValue };
		if (prompt) input.prompt = prompt;
		if (parameters.negativePrompt) input.negative_prompt = parameters.negativePrompt;
		const native: Record<string, unknown> = { resolution: parameters.resolution ?? '1080P' };
		if (parameters.promptExtend !== undefined) native.prompt_extend = parameters.promptExtend;
		if (parameters.seed !== undefined) native.seed = parameters.seed;
		if (parameters.watermark !== undefined) native.watermark = parameters.watermark;
		return serialise({ model, input, parameters: native }, image);
	}
	const nativeOptions = NATIVE_ONLY.filter((name) => parameters[name] !== undefined);
	if (nativeOptions.length > 0) {
		throw new InputError(
			`Option${nativeOptions.length > 1 ? 's' : ''} ${nativeOptions.join(', ')} only work${nativeOptions.length > 1 ? '' : 's'} on the native route`,
			"AOG's standard route drops everything but the image and the prompt (and always makes 1080P). Set Options → Route to Native, or remove the option.",
		);
	}
	return serialise({ model, image: imageValue, image_type: imageType, ...(prompt ? { prompt } : {}) }, image);
}

function serialise(fields: object, image: string | InlineImage): string | Buffer {
	return isInlineImage(image) ? jsonBody(fields, image) : JSON.stringify(fields);
}
