// Shared set-up of the node's engine tests: the AOG node and credential run inside n8n-core's real engine
// (tools/harness/engine.ts) against the AOG-compatible dev server (tools/aog-server).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { LoadOptionsContext } from 'n8n-core';
import {
	Workflow,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { AogApi } from '../../../credentials/AogApi.credentials';
import { DashScopeApi } from '../../../credentials/DashScopeApi.credentials';
import { Aog } from '../../../nodes/Aog/Aog.node';
import { startAogServer, type AogServer } from '../../../tools/aog-server';
import { makeImage, probeVideo } from '../../../tools/media';
import { startDashScopeServer, type DashScopeServer } from '../../../tools/dashscope-server';
import {
	HarnessCredentialsHelper,
	HarnessNodeTypes,
	runNode,
	type InjectItem,
	type RunNodeOptions,
	type RunNodeResult,
} from '../../../tools/harness/engine';

export { makeImage, startAogServer, startDashScopeServer, type AogServer, type DashScopeServer };
/** A port on 127.0.0.1 that nothing listens on (taken, then released): connecting to it is refused. */
export { freePort as closedPort } from '../../../tools/n8n-cli';

export interface RunAogOptions
	extends Omit<RunNodeOptions, 'nodeType' | 'credentialType' | 'credentials' | 'parameters'> {
	server: AogServer;
	/** Credential fields; baseUrl defaults to the dev server. */
	credentials?: { baseUrl?: string; apiKey?: string };
}

/** Runs the AOG node (Image to Video) on `items` with `parameters` layered over the operation's defaults. */
export async function runAog(parameters: INodeParameters, options: RunAogOptions): Promise<RunNodeResult> {
	const { server, credentials, ...rest } = options;
	return await runNode({
		...rest,
		nodeType: new Aog(),
		credentialType: new AogApi(),
		credentials: { baseUrl: server.url, apiKey: '', ...credentials },
		parameters: { resource: 'video', operation: 'imageToVideo', ...parameters },
	});
}

/** A 16:9 JPEG the size of a typical product photo, as an Inject item with binary field `data`. */
export function jpegItem(variant = 0, json: Record<string, unknown> = {}): InjectItem {
	return {
		json,
		binary: {
			data: {
				data: makeImage({ width: 1280, height: 720, format: 'jpeg', variant }),
				mimeType: 'image/jpeg',
				fileName: `photo-${variant}.jpg`,
			},
		},
	};
}

/** Writes an output item's MP4 to a temp file and probes it with ffprobe. */
export async function probeOutputVideo(result: RunNodeResult, item: INodeExecutionData, property = 'data') {
	const bytes = await result.readBinary(item, property);
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'aog-out-')), 'video.mp4');
	writeFileSync(file, bytes);
	return { bytes, probe: await probeVideo(file), file };
}

const run = promisify(execFile);
export { run as execFileAsync };

export interface RunDashScopeOptions
	extends Omit<RunNodeOptions, 'nodeType' | 'credentialType' | 'credentials' | 'parameters'> {
	server: DashScopeServer;
	/** Credential fields; a custom region pointing at the dev server, with its key, by default. */
	credentials?: { region?: string; baseUrl?: string; apiKey?: string };
}

/** Runs the node connected to DashScope directly, against the DashScope dev server. */
export async function runDashScope(parameters: INodeParameters, options: RunDashScopeOptions): Promise<RunNodeResult> {
	const { server, credentials, ...rest } = options;
	return await runNode({
		...rest,
		nodeType: new Aog(),
		credentialType: new DashScopeApi(),
		credentials: { region: 'custom', baseUrl: server.url, apiKey: server.apiKey, ...credentials },
		parameters: { resource: 'video', operation: 'imageToVideo', authentication: 'dashScopeApi', ...parameters },
	});
}

/** The model list ("From List") in n8n-core's real LoadOptionsContext, with the AOG credential at `baseUrl`. */
export async function searchModels(baseUrl: string, options: { apiKey?: string; filter?: string } = {}) {
	const node: INode = {
		id: 'aog',
		name: 'AOG',
		type: 'n8n-nodes-aog.aog',
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'video', operation: 'imageToVideo' },
		credentials: { aogApi: { id: 'cred-1', name: 'AOG account' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new HarnessNodeTypes().add(node.type, new Aog()),
	});
	const additionalData = {
		credentialsHelper: new HarnessCredentialsHelper([new AogApi()], {
			aogApi: { baseUrl, apiKey: options.apiKey ?? '' },
		}),
	} as unknown as IWorkflowExecuteAdditionalData;
	const context = new LoadOptionsContext(workflow, node, additionalData, 'parameters.model');
	return await new Aog().methods.listSearch.searchModels.call(context, options.filter);
}

/** A mono 16-bit PCM WAV of `seconds` of a 440 Hz tone: a voice track for the modes that take one. */
export function wavBytes(seconds: number, sampleRate = 8000): Buffer {
	const samples = Math.round(seconds * sampleRate);
	const wav = Buffer.alloc(44 + samples * 2);
	wav.write('RIFF', 0);
	wav.writeUInt32LE(36 + samples * 2, 4);
	wav.write('WAVEfmt ', 8);
	wav.writeUInt32LE(16, 16);
	wav.writeUInt16LE(1, 20); // PCM
	wav.writeUInt16LE(1, 22); // mono
	wav.writeUInt32LE(sampleRate, 24);
	wav.writeUInt32LE(sampleRate * 2, 28);
	wav.writeUInt16LE(2, 32);
	wav.writeUInt16LE(16, 34);
	wav.write('data', 36);
	wav.writeUInt32LE(samples * 2, 40);
	for (let i = 0; i < samples; i++)
		wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), 44 + i * 2);
	return wav;
}
