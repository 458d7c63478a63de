import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { connectionOf } from '../http/request';
import type { ItemRun } from '../run/runItems';
import { generateWithAog } from '../aog/generation';
import { generateWithDashScope } from '../dashscope/task';
import { deliver } from './deliver';
import { description as properties } from './imageToVideo.description';
import { readVideoSettings } from './settings';

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['imageToVideo'] } }, properties);

/** Turns one item's picture and prompt into an MP4, through AOG or with DashScope directly. */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: ItemRun): Promise<INodeExecutionData> {
	const connection = connectionOf(this);
	const settings = readVideoSettings.call(this, itemIndex, connection);
	const generation =
		connection === 'dashScopeApi' ? await generateWithDashScope.call(this, itemIndex, settings, run) : await generateWithAog.call(this, itemIndex, settings, run);
	const details = { model: settings.model, prompt: settings.prompt, imageSource: settings.imageSource, route: settings.route };
	return await deliver.call(this, itemIndex, settings, generation, details, run);
}
