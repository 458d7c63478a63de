// Types of what tools/examples.js exports (the example workflow, prepared for a run).
import type { RunWorkflowOptions } from './n8n-cli';

export const NODES: { trigger: string; read: string; aog: string; write: string };
export const CREDENTIAL: { id: string; name: string; type: 'aogApi' };
export const EXAMPLE_WORKFLOW: string;
export const SAMPLE_IMAGE: string;
export const DEMO_DIR: string;

/** examples/image-to-video.json with its file paths pointed at imagePath and outputDir. */
export function prepareWorkflow(options?: {
	imagePath?: string;
	outputDir?: string;
	id?: string;
	aogParameters?: Record<string, unknown>;
	aogOptions?: Record<string, unknown>;
}): RunWorkflowOptions['workflow'];

export function exampleCredentials(options: { baseUrl: string; apiKey?: string }): NonNullable<RunWorkflowOptions['credentials']>;
