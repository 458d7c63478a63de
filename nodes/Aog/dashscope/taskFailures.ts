// The failures of a DashScope task that gave no video: it ended without one (FAILED, CANCELED, UNKNOWN), the node's
// timeout ran out while it was still queued or running, or a submit or poll got no answer (docs/DASHSCOPE-API.md).
import { getTaskAdvice, type TaskState } from './answers';
import { explainTaskError } from './errors';
import { REGION_LABELS, type DashScopeRegion } from './errorTable';
import { blockedByN8n, type Failure, type NetworkErrorKind } from '../run/failures';

/** The Failure for a task that ended without a video (FAILED, CANCELED, UNKNOWN), or that the node stopped following. */
export function taskFailure(state: TaskState, region?: DashScopeRegion): Failure {
	const { taskId } = state;
	const base = { retryable: false, mayHaveBilled: false, taskId };
	switch (state.status) {
		case 'FAILED': {
			const explained = explainTaskError(state.code, state.message, region);
			return {
				...base,
				upstreamCode: state.code,
				message: `Video task ${taskId} failed: ${explained.message}`,
				description: `${explained.description} (task id ${taskId})`,
			};
		}
		case 'CANCELED':
			return {
				...base,
				message: `Video task ${taskId} was canceled`,
				description: `It was canceled while it waited in DashScope's queue (by this node when the execution stopped, by Cancel Task, or by someone else using the account). Nothing was generated. Run the item again for a new task.`,
			};
		case 'UNKNOWN':
			return {
				...base,
				message: `DashScope does not know task ${taskId} (UNKNOWN)`,
				description: `Either the id is wrong, the task is older than 24 h (DashScope forgets tasks after that), or it belongs to another region or Alibaba Cloud account than the credential's${region ? ` (${REGION_LABELS[region]})` : ''}.`,
			};
		default:
			return {
				...base,
				mayHaveBilled: true,
				message: `Video task ${taskId} is still ${state.rawStatus ?? state.status}`,
				description: `The node stopped waiting before the task ended; DashScope keeps working on it and bills it when it finishes. ${getTaskAdvice(taskId)}`,
			};
	}
}

/** The Failure when the node's timeout runs out while the task is still queued or running. */
export function pollTimeoutFailure(
	state: Pick<TaskState, 'taskId' | 'status' | 'rawStatus'>,
	waitedMs: number,
): Failure {
	const seconds = Math.round(waitedMs / 1000);
	return {
		message: `Video task ${state.taskId} was still ${state.rawStatus ?? state.status} after ${seconds} s`,
		description: `${state.status === 'PENDING' ? "It is waiting in DashScope's queue. " : ''}DashScope keeps working on it and bills it when it finishes. Raise Options → Timeout for longer waits. ${getTaskAdvice(state.taskId)}`,
		retryable: false,
		mayHaveBilled: true,
		httpCode: 'ETIMEDOUT',
		taskId: state.taskId,
	};
}

/** A request to DashScope that got no answer. Only a refused connection or an unknown host proves nothing was created. */
export function unansweredRequest(kind: NetworkErrorKind, detail: string, phase: 'submit' | 'poll'): Failure {
	if (kind === 'refused' || kind === 'notFound') {
		return {
			message: `Cannot reach DashScope: ${kind === 'refused' ? 'connection refused' : 'the host name does not resolve'}`,
			description:
				"Check the network between n8n and DashScope, and the credential's Region (or Base URL for a custom region).",
			retryable: true,
			mayHaveBilled: false,
			httpCode: kind === 'refused' ? 'ECONNREFUSED' : 'ENOTFOUND',
		};
	}
	if (kind === 'blocked') return blockedByN8n('DashScope', "the credential's Base URL", detail);
	if (kind === 'tls')
		return {
			message: 'Cannot make a secure connection to DashScope',
			description: `${detail}. Check the proxy's TLS certificate.`,
			retryable: false,
			mayHaveBilled: false,
		};
	return {
		message:
			phase === 'submit'
				? `The request that creates the video task got no answer (${kind === 'timeout' ? 'timed out' : kind === 'reset' ? 'connection broke' : detail})`
				: `DashScope did not answer a task query (${kind})`,
		description:
			phase === 'submit'
				? "DashScope may have received it and created a task, so the node does not submit it again: look for the task in the DashScope console's task list before running this item again."
				: 'The node keeps asking.',
		retryable: false,
		mayHaveBilled: phase === 'submit',
		httpCode: kind === 'timeout' ? 'ETIMEDOUT' : kind === 'reset' ? 'ECONNRESET' : undefined,
	};
}
