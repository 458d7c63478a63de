// Tasks made straight on the DashScope dev server, as an earlier run (or another tool) would have: what Get Task and
// Cancel Task act on.
import { makeImage } from '../../../../tools/media';
import type { DashScopeServer } from '../support';

export async function createTask(server: DashScopeServer, prompt = 'A slow push-in'): Promise<string> {
	const image = `data:image/jpeg;base64,${makeImage({ width: 1280, height: 720, format: 'jpeg' }).toString('base64')}`;
	const response = await fetch(`${server.url}/api/v1/services/aigc/video-generation/video-synthesis`, {
		method: 'POST',
		headers: {
			Authorization: `Bearer ${server.apiKey}`,
			'Content-Type': 'application/json',
			'X-DashScope-Async': 'enable',
		},
		body: JSON.stringify({ model: 'wan2.2-i2v-plus', input: { img_url: image, prompt } }),
	});
	const body = (await response.json()) as { output: { task_id: string } };
	return body.output.task_id;
}

/** Waits (at most 5 s) until the server reports what the test needs, e.g. a task RUNNING. */
export async function until(check: () => boolean, withinMs = 5000): Promise<void> {
	const end = Date.now() + withinMs;
	while (!check() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 20));
	if (!check()) throw new Error('condition not met in time');
}
