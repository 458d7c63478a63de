import * as workflow from 'n8n-workflow';

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * A wait that the stop button ends at once (nodes may not use timers). n8n-workflow up to 2.x exports
 * `sleepWithAbort`; newer versions (2.41) dropped it for `sleep(ms, signal)`, whose older form ignores the signal.
 */
export const abortableSleep: AbortableSleep = ((workflow as { sleepWithAbort?: AbortableSleep }).sleepWithAbort ?? workflow.sleep) as AbortableSleep;
