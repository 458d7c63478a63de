// Text to Video's rules (docs/DASHSCOPE-API.md, "Text to video"): the checks made against a text-to-video model
// before anything is sent.
import { InputError } from '../run/failures';
import { checkCapabilities, listOf, othersOffering } from './capabilities';
import {
	checkDashScopeOptions,
	dashScopeModel,
	dashScopeTextModel,
	DASHSCOPE_OPTION_LABELS as label,
	type DashScopeVideoOptions,
} from './models';
import { DASHSCOPE_TEXT_MODELS, DEFAULT_TEXT_MODEL } from './modelTable';

/** Checks the prompt and options against the model before anything is sent; throws InputError naming the option. */
export function checkTextToVideo(model: string, prompt: string, options: DashScopeVideoOptions): void {
	if (prompt.trim() === '')
		throw new InputError('Prompt is empty', 'Text to Video makes the video from the prompt: describe the video.');
	if (dashScopeModel(model)) {
		throw new InputError(
			`${model} is an image-to-video model`,
			`Text to Video needs a text-to-video model, such as ${DEFAULT_TEXT_MODEL}; make videos from pictures with Image to Video.`,
		);
	}
	const known = dashScopeTextModel(model);
	if (known && prompt.length > known.maxPromptLength) {
		throw new InputError(
			`The prompt has ${prompt.length} characters; ${model} takes at most ${known.maxPromptLength}`,
			`DashScope would refuse or cut it. Shorten ${label.prompt} to ${known.maxPromptLength} characters.`,
		);
	}
	const { audioUrl, size, duration } = options;
	if (audioUrl !== undefined && !/^(https?|oss):\/\/[^\s/]+/i.test(audioUrl)) {
		throw new InputError(
			`Audio URL ${audioUrl === '' ? 'is empty' : 'is not an http(s) URL'}`,
			'DashScope downloads the audio itself: give a public http(s) link to a WAV or MP3 file (3–30 s, at most 15 MB), or set Audio Source to None.',
		);
	}
	// Prompt length by Wan version, negative prompt, seed, whole seconds: the checks every model shares.
	const { negativePrompt, seed } = options;
	checkDashScopeOptions(model, prompt, { negativePrompt, seed, duration });
	if (size !== undefined && !/^\d{2,5}\*\d{2,5}$/.test(size)) {
		throw new InputError(`${label.size} is ${size}, not a size`, 'A size is width*height, such as 1080*1920.');
	}
	// A name the node does not know passes as is: it may be a newer model, and DashScope will say what it rejects.
	if (!known) return;
	const name = `${model} (${known.displayName})`;
	if (size !== undefined && known.sizes && !known.sizes.includes(size)) {
		throw new InputError(
			`${label.size} is ${size}, which ${model} does not make`,
			`${name} makes ${listOf(known.sizes)}.${othersOffering(model, DASHSCOPE_TEXT_MODELS, (m) => !!m.sizes?.includes(size), size)} Pick one of those.`,
		);
	}
	checkCapabilities(model, known, DASHSCOPE_TEXT_MODELS, options, {
		...label,
		audioTrack: { label: 'Audio Source', fix: 'Set Audio Source to None.' },
	});
}
