// What the DashScope-only modes of the Wan family share (Text to Video, First and Last Frame, Reference to Video, Edit
// Video): the model and prompt fields, their options, and reading them. AOG v0.7 offers image to video only.
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { DashScopeVideoOptions } from '../dashscope/models';
import { InputError } from '../run/failures';
import type { ItemRun } from '../run/runItems';
import { generationOptions } from './options';

/** The model field: a list of the mode's models (methods/listSearch.ts), or any id by name. */
export function modelField(defaultModel: string, description: string): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: defaultModel },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{ displayName: 'By Name', name: 'id', type: 'string', placeholder: defaultModel },
		],
		description,
	};
}

export function promptField(required: boolean, placeholder: string, description: string): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required,
		placeholder,
		description,
	};
}

/** Generation parameters of the DashScope-only modes, worded without AOG's routes. */
export const dashScopeOptions: INodeProperties[] = [
	{
		displayName: 'Negative Prompt',
		name: 'negativePrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'What the video should avoid (at most 500 characters)',
	},
	{
		displayName: 'Prompt Extend',
		name: 'promptExtend',
		type: 'boolean',
		default: true,
		description: 'Whether DashScope rewrites the prompt to add detail',
	},
	{
		displayName: 'Seed',
		name: 'seed',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 2147483647 },
		default: 0,
		description: 'Random seed for repeatable results (0–2147483647)',
	},
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'boolean',
		default: false,
		description: 'Whether DashScope adds its "AI generated" watermark',
	},
];

/** The DashScope-only modes' options of these names: `resolution` and `duration` as Image to Video words them. */
export const optionsNamed = (...names: string[]): INodeProperties[] =>
	[
		...dashScopeOptions,
		...generationOptions.filter((option) => ['resolution', 'duration'].includes(option.name)),
	].filter((option) => names.includes(option.name));

/** The operation runs with DashScope directly, or fails before anything is read or sent. */
export function requireDashScope(run: ItemRun, operation: string, instead: string): void {
	if (run.connection.type !== 'dashScopeApi') {
		throw new InputError(
			`${operation} needs DashScope directly: AOG v0.7 offers image to video only`,
			`Set Connect Via to "DashScope Directly" with a DashScope credential${instead ? `, or ${instead}` : ''}.`,
		);
	}
}

export function readModel(this: IExecuteFunctions, itemIndex: number, defaultModel: string): string {
	const model = String(this.getNodeParameter('model', itemIndex, defaultModel, { extractValue: true }) ?? '').trim();
	return model || defaultModel;
}

/** The options of these names the user set; one left unset is not sent, so DashScope's default applies. */
export function readParameters(
	this: IExecuteFunctions,
	itemIndex: number,
	names: readonly (keyof DashScopeVideoOptions)[],
): DashScopeVideoOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const parameters: IDataObject = {};
	for (const name of names) {
		if (options[name] !== undefined && options[name] !== '') parameters[name] = options[name];
	}
	return parameters as DashScopeVideoOptions;
}
