// Reads and checks the node's parameters for one item. A value out of range is an error naming the option as the UI
// shows it, before any request.
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../run/failures';
import { checkFileName } from '../media/fileName';
import { redactText } from '../http/url';
import type { Connection } from '../http/request';
import { DEFAULT_MODEL, MAX_PROMPT_LENGTH } from './imageToVideo.properties';
import { LIMITS } from './options';

/** What every operation that may emit the MP4 needs. */
export interface DeliverySettings {
	outputBinaryPropertyName: string;
	fileName: string;
	downloadVideo: boolean;
	/** AOG: the longest wait for one answer. DashScope directly: the total wait for the task. */
	timeoutSeconds: number;
	maxVideoBytes: number;
	/** DashScope directly: seconds between two task queries. */
	pollIntervalSeconds: number;
	/** DashScope directly: false answers with the task's status at once (a Wait → Get Task loop holds no worker). */
	waitForCompletion: boolean;
	/**
	 * An AI agent calls the node as a tool: n8n drops binary output there, so nothing is downloaded (the link is the
	 * deliverable), and a task still running when the (shorter) timeout ends is answered, not failed.
	 */
	toolCall: boolean;
}

/** The generation parameters that only AOG's native route and DashScope honour. */
export interface VideoParameters {
	resolution?: string;
	negativePrompt?: string;
	seed?: number;
	promptExtend?: boolean;
	watermark?: boolean;
	duration?: number;
	audio?: boolean;
	audioUrl?: string;
	shotType?: string;
}

export interface VideoSettings extends DeliverySettings {
	imageSource: string;
	prompt: string;
	model: string;
	route: 'standard' | 'native' | 'direct';
	validateImage: boolean;
	parameters: VideoParameters;
}

const PARAMETER_NAMES = [
	'resolution',
	'negativePrompt',
	'seed',
	'promptExtend',
	'watermark',
	'duration',
	'audio',
	'audioUrl',
	'shotType',
] as const;

export function readVideoSettings(this: IExecuteFunctions, itemIndex: number, connection: Connection): VideoSettings {
	const options = optionsOf.call(this, itemIndex);
	const prompt = String(this.getNodeParameter('prompt', itemIndex, '') ?? '');
	// DashScope's per-model limits are checked with the other parameters (dashscope/models.ts).
	if (connection === 'aogApi' && prompt.length > MAX_PROMPT_LENGTH) {
		throw new InputError(
			`The prompt has ${prompt.length} characters; DashScope takes at most ${MAX_PROMPT_LENGTH}`,
			`DashScope would cut it off silently. Shorten it to ${MAX_PROMPT_LENGTH} characters.`,
		);
	}
	const model = String(this.getNodeParameter('model', itemIndex, DEFAULT_MODEL, { extractValue: true }) ?? '').trim();
	const parameters: VideoParameters = {};
	for (const name of PARAMETER_NAMES) {
		if (options[name] !== undefined && options[name] !== '') (parameters as IDataObject)[name] = options[name];
	}
	return {
		...readDeliverySettings.call(this, itemIndex, connection),
		imageSource: this.getNodeParameter('imageSource', itemIndex) as string,
		prompt,
		model: model || DEFAULT_MODEL,
		route:
			connection === 'dashScopeApi' ? 'direct' : ((options.route as 'standard' | 'native' | undefined) ?? 'standard'),
		validateImage: options.validateImage !== false,
		parameters,
	};
}

export function readDeliverySettings(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: Connection,
): DeliverySettings {
	const options = optionsOf.call(this, itemIndex);
	const outputBinaryPropertyName = String(options.outputBinaryPropertyName ?? 'data').trim();
	if (!outputBinaryPropertyName)
		throw new InputError(
			'Output Binary Field is empty',
			'Name the binary field the MP4 is written to, for example "data".',
		);
	const toolCall = isToolCall(this);
	const taskLimits = toolCall
		? { ...LIMITS.taskTimeoutSeconds, default: LIMITS.toolTimeoutSeconds }
		: LIMITS.taskTimeoutSeconds;
	return {
		outputBinaryPropertyName,
		fileName: checkFileName(String(options.fileName ?? '')),
		downloadVideo: !toolCall && options.downloadVideo !== false,
		// Shown for DashScope directly only: AOG answers when the video is done and never tells the task id.
		waitForCompletion: connection !== 'dashScopeApi' || options.waitForCompletion !== false,
		toolCall,
		timeoutSeconds: readNumber.call(
			this,
			itemIndex,
			'timeout',
			connection === 'dashScopeApi' ? taskLimits : LIMITS.timeoutSeconds,
		),
		maxVideoBytes: readNumber.call(this, itemIndex, 'maxVideoSizeMB', LIMITS.maxVideoSizeMB) * 1024 * 1024,
		pollIntervalSeconds:
			connection === 'dashScopeApi'
				? readNumber.call(this, itemIndex, 'pollInterval', LIMITS.pollIntervalSeconds)
				: LIMITS.pollIntervalSeconds.default,
	};
}

/** Whether an AI agent runs the node as its tool (n8n names the tool variant of a node type "<type>Tool"). */
function isToolCall(context: IExecuteFunctions): boolean {
	return context.isToolExecution?.() === true || context.getNode().type.endsWith('Tool');
}

const OPTION_LABELS: Record<string, string> = {
	timeout: 'Timeout (Seconds)',
	concurrency: 'Concurrency',
	maxVideoSizeMB: 'Max Video Size (MB)',
	pollInterval: 'Poll Interval (Seconds)',
};

export function readNumber(
	this: IExecuteFunctions,
	itemIndex: number,
	name: string,
	limits: { min: number; max: number; default: number },
): number {
	const raw = optionsOf.call(this, itemIndex)[name] ?? limits.default;
	const value = typeof raw === 'number' ? raw : Number(raw);
	if (!Number.isFinite(value) || value < limits.min || value > limits.max) {
		const label = `Options → ${OPTION_LABELS[name] ?? name}`;
		throw new NodeOperationError(
			this.getNode(),
			`${label} is ${redactText(String(raw)).slice(0, 40)}, outside ${limits.min}–${limits.max}`,
			{
				itemIndex,
				description: `Set ${label} to a number between ${limits.min} and ${limits.max} (default ${limits.default}).`,
			},
		);
	}
	return value;
}

function optionsOf(this: IExecuteFunctions, itemIndex: number): IDataObject {
	return this.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** The task id parameter; the task operations exist only on the direct connection (AOG never reveals task ids). */
export function readTaskId(
	this: IExecuteFunctions,
	itemIndex: number,
	connection: Connection,
	operation: string,
): string {
	if (connection !== 'dashScopeApi') {
		throw new InputError(
			`${operation} needs the DashScope connection`,
			'AOG keeps DashScope task ids to itself, so tasks can only be looked up with DashScope directly: set Connect Via to "DashScope Directly" with a DashScope credential of the region the task was created in.',
		);
	}
	const taskId = String(this.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
	if (!taskId)
		throw new InputError(
			'Task ID is empty',
			'Give the id of a DashScope video task (the "taskId" of an Image to Video output, or the one named in its error).',
		);
	if (!/^[\w-]{1,128}$/.test(taskId)) {
		throw new InputError(
			`Task ID "${taskId.slice(0, 60)}" is not a DashScope task id`,
			'A task id is letters, digits and dashes, such as 0385dc79-5ff8-4d82-bcb6-8aeb0b9a5b2f.',
		);
	}
	return taskId;
}
