// Types of what tools/examples.js exports (the example workflow, prepared for a run).
import type { RunWorkflowOptions } from './n8n-cli';

export const NODES: { trigger: string; read: string; aog: string; write: string };
export const CREDENTIAL: { id: string; name: string; type: 'aogApi' };
/** The DashScope example's node names (its video node is "DashScope Image to Video"). */
export const DASHSCOPE_NODES: { trigger: string; read: string; aog: string; write: string };
/** examples/wait-loop-get-task.json's node names. */
export const WAIT_LOOP_NODES: {
	webhook: string;
	submit: string;
	answer: string;
	wait: string;
	check: string;
	done: string;
	ready: string;
};
export const DASHSCOPE_CREDENTIAL: { id: string; name: string; type: 'dashScopeApi' };
export const TELEGRAM_CREDENTIAL: { id: string; name: string; type: 'telegramApi' };
export const EXAMPLE_WORKFLOW: string;
export const DASHSCOPE_EXAMPLE_WORKFLOW: string;
export const WAIT_LOOP_WORKFLOW: string;
export const SAMPLE_IMAGE: string;
export const DEMO_DIR: string;

export interface PrepareOptions {
	imagePath?: string;
	outputDir?: string;
	id?: string;
	/** Merged into the video node's parameters. */
	aogParameters?: Record<string, unknown>;
	/** Merged into the video node's options. */
	aogOptions?: Record<string, unknown>;
}

/** examples/image-to-video.json with its file paths pointed at imagePath and outputDir. */
export function prepareWorkflow(options?: PrepareOptions): RunWorkflowOptions['workflow'];
/** examples/image-to-video-dashscope.json, prepared the same way. */
export function prepareDashScopeWorkflow(options?: PrepareOptions): RunWorkflowOptions['workflow'];

/** examples/wait-loop-get-task.json with its Wait set to waitSeconds, and optionally its own id, name and webhook path. */
export function prepareWaitLoopWorkflow(options?: {
	waitSeconds?: number;
	id?: string;
	webhookPath?: string;
	nameSuffix?: string;
}): RunWorkflowOptions['workflow'] & { id: string; name: string };
export function exampleCredentials(options: {
	baseUrl: string;
	apiKey?: string;
}): NonNullable<RunWorkflowOptions['credentials']>;
/** "DashScope account": region 'custom' (default) with baseUrl, or a real region's host. */
export function dashScopeCredentials(options: {
	region?: 'beijing' | 'singapore' | 'virginia' | 'custom';
	baseUrl?: string;
	apiKey: string;
}): NonNullable<RunWorkflowOptions['credentials']>;
/** "Telegram account" (n8n's telegramApi): baseUrl defaults to Telegram's own Bot API. */
export function telegramCredentials(options: {
	accessToken: string;
	baseUrl?: string;
}): NonNullable<RunWorkflowOptions['credentials']>;
