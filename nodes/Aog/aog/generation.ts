// A generation through the AOG gateway (docs/AOG-API.md): one synchronous call that returns the video's link, on the
// standard route (image and prompt) or the native one (DashScope's own body and answer). The operation builds the body
// (aog/body.ts).
import type { IExecuteFunctions } from 'n8n-workflow';

import { errorText, networkErrorKind, rethrowIfStopped } from '../http/networkErrors';
import { toAnswer } from '../http/request';
import { redactUrl } from '../http/url';
import type { Failure } from '../run/failures';
import type { Generation, ItemRun } from '../run/runItems';
import { submitWithRetry } from '../run/submit';
import {
	describeNetworkFailure,
	interpretNativeAnswer,
	interpretStandardAnswer,
	type GenerationResult,
} from './answers';
import { aogRequest, NATIVE_ROUTE, STANDARD_ROUTE } from './request';

export type AogRoute = 'standard' | 'native';

/**
 * Generates one item's video, or delivers again the video an earlier Retry On Fail try generated. `buildBody` is called
 * only when a new request is needed.
 */
export async function generateWithAog(
	this: IExecuteFunctions,
	itemIndex: number,
	run: ItemRun,
	settings: { route: AogRoute; timeoutSeconds: number },
	buildBody: () => Promise<string | Buffer>,
): Promise<Generation> {
	const native = settings.route === 'native';
	const earlier = run.jobs.get(itemIndex);
	if (earlier?.videoUrl) {
		const fields = native ? { taskId: earlier.taskId ?? null, actualPrompt: null, usage: null } : {};
		return { id: earlier.resultId ?? earlier.taskId ?? '', videoUrl: earlier.videoUrl, fields };
	}
	const body = await buildBody();
	const { connection } = run;
	const result = await submitWithRetry<GenerationResult>(
		this,
		run,
		itemIndex,
		settings.timeoutSeconds,
		async (remainingMs) => {
			try {
				const answer = await aogRequest.call(this, connection, 'POST', native ? NATIVE_ROUTE : STANDARD_ROUTE, {
					body,
					timeoutMs: remainingMs,
				});
				return (native ? interpretNativeAnswer : interpretStandardAnswer)(toAnswer(answer));
			} catch (error) {
				return networkFailure(this, error, connection.baseUrl, settings.timeoutSeconds);
			}
		},
	);
	run.jobs.record(itemIndex, {
		resultId: result.id,
		taskId: result.taskId,
		videoUrl: result.videoUrl,
		state: 'downloading',
		created: true,
	});
	this.logger.info(
		`AOG: item ${itemIndex} generated result ${result.id}${result.taskId ? ` (DashScope task ${result.taskId})` : ''}`,
	);
	return {
		id: result.id,
		videoUrl: result.videoUrl,
		fields: native
			? { taskId: result.taskId ?? null, actualPrompt: result.actualPrompt ?? null, usage: result.usage ?? null }
			: {},
	};
}

/** A failed POST to AOG. The stop button is not a failure to report: it ends the item at once. */
function networkFailure(context: IExecuteFunctions, error: unknown, baseUrl: string, timeoutSeconds: number): Failure {
	const kind = rethrowIfStopped(networkErrorKind(context, error), error);
	return describeNetworkFailure(kind, redactUrl(baseUrl), timeoutSeconds, errorText(error));
}
