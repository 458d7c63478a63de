// Text to Video: one item's prompt into an MP4, with DashScope directly (AOG offers image to video only).
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import {
	checkDashScopeOptions,
	dashScopeModel,
	dashScopeTextModel,
	dashScopeTextToVideoBody,
	describeDurations,
	listOf,
	DASHSCOPE_OPTION_LABELS as label,
	type DashScopeVideoOptions,
} from '../dashscope/models';
import { DASHSCOPE_TEXT_MODELS, DEFAULT_DURATION, type DashScopeTextModel } from '../dashscope/modelTable';
import { IMAGE_TO_VIDEO_PATH } from '../dashscope/request';
import { runDashScopeTask } from '../dashscope/task';
import { InputError } from '../run/failures';
import type { ItemRun } from '../run/runItems';
import { deliver } from './deliver';
import type { Operation } from './operation';
import { readDeliverySettings } from './settings';
import { DEFAULT_TEXT_MODEL, properties } from './textToVideo.properties';

/** The same endpoint as Image to Video: the model tells the modes apart. */
const TEXT_TO_VIDEO_PATH = IMAGE_TO_VIDEO_PATH;
const OPTION_NAMES = [
	'size',
	'duration',
	'audio',
	'shotType',
	'negativePrompt',
	'promptExtend',
	'seed',
	'watermark',
] as const;

export const operation: Operation = {
	value: 'textToVideo',
	name: 'Text to Video',
	action: 'Generate a video from text',
	description: 'Turn a prompt into a short MP4 (DashScope directly only)',
	properties,
	execute,
};

async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	if (run.connection.type !== 'dashScopeApi') {
		throw new InputError(
			'Text to Video needs DashScope directly: AOG v0.7 offers image to video only',
			'Set Connect Via to "DashScope Directly" with a DashScope credential, or make the video from a picture with Image to Video.',
		);
	}
	const delivery = readDeliverySettings.call(this, itemIndex, run.connection.type);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	const model =
		String(this.getNodeParameter('model', itemIndex, DEFAULT_TEXT_MODEL, { extractValue: true }) ?? '').trim() ||
		DEFAULT_TEXT_MODEL;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const parameters: DashScopeVideoOptions = {};
	for (const name of OPTION_NAMES) {
		if (options[name] !== undefined && options[name] !== '') (parameters as IDataObject)[name] = options[name];
	}
	if (this.getNodeParameter('audioSource', itemIndex, 'none') === 'url') {
		parameters.audioUrl = String(this.getNodeParameter('audioUrl', itemIndex, '') ?? '').trim();
	}
	checkTextToVideo(model, prompt, parameters);
	const generation = await runDashScopeTask.call(this, itemIndex, run, delivery, async () => ({
		path: TEXT_TO_VIDEO_PATH,
		body: dashScopeTextToVideoBody(model, prompt, parameters),
	}));
	return await deliver.call(this, itemIndex, run, delivery, generation, { model, prompt, route: 'direct' });
}

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
	if (audioUrl !== undefined && !/^https?:\/\/[^\s/]+/i.test(audioUrl)) {
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
			`${name} makes ${listOf(known.sizes)}.${others(model, (m) => !!m.sizes?.includes(size), size)} Pick one of those.`,
		);
	}
	if (duration !== undefined) {
		const allowed = known.durations === 'fixed 5' ? [DEFAULT_DURATION] : known.durations;
		if (!allowed.includes(duration)) {
			throw new InputError(
				`${label.duration} is ${duration}, which ${model} does not make`,
				`${name} makes ${describeDurations(known.durations)}.${others(model, (m) => m.durations !== 'fixed 5' && m.durations.includes(duration), `${duration} s`)} Pick one of those.`,
			);
		}
	}
	if (options.audio !== undefined && !known.audio) {
		throw new InputError(
			`${label.audio} is not available for ${model}`,
			`${name} ${known.audioUrl ? 'adds sound by itself or takes it from Audio Source' : 'makes silent videos'}; it has no audio switch.${others(model, (m) => m.audio, 'the switch')} Remove the option.`,
		);
	}
	if (audioUrl !== undefined && !known.audioUrl) {
		throw new InputError(
			`Audio Source is not available for ${model}`,
			`${name} makes silent videos and takes no audio track.${others(model, (m) => m.audioUrl, 'an audio track')} Set Audio Source to None.`,
		);
	}
	if (options.shotType !== undefined) {
		if (!known.shotType) {
			throw new InputError(
				`${label.shotType} is not available for ${model}`,
				`${name} has no shot type.${others(model, (m) => m.shotType, 'a shot type')} Remove the option.`,
			);
		}
		if (!['single', 'multi'].includes(options.shotType)) {
			throw new InputError(`${label.shotType} is ${options.shotType}`, `${name} takes "single" or "multi".`);
		}
		if (options.promptExtend === false) {
			throw new InputError(
				`${label.shotType} needs ${label.promptExtend}`,
				'DashScope honours the shot type only when it extends the prompt: switch Prompt Extend on, or remove Shot Type.',
			);
		}
	}
}

/** " Models that offer X: a, b." — other known text-to-video models (one name per capability set). */
function others(model: string, accepts: (candidate: DashScopeTextModel) => boolean, what: string): string {
	const names = Object.entries(DASHSCOPE_TEXT_MODELS)
		.filter(([name, candidate]) => name !== model && accepts(candidate) && !name.startsWith('wan2.1-'))
		.map(([name]) => name);
	return names.length > 0 ? ` Models that offer ${what}: ${names.join(', ')}.` : '';
}
