// Types of the DashScope-compatible dev server (tools/dashscope-server/index.js).
import type { IncomingHttpHeaders } from 'http';

export type Region = 'beijing' | 'singapore' | 'virginia' | 'frankfurt' | 'hongkong';
export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';

export interface DashScopeRuntimeOptions {
	/** The server's own region (default 'beijing'): only its keys are accepted, and its model names exist. */
	region?: Region;
	/** Keys per region (default {beijing:'sk-test-beijing', singapore:'sk-test-singapore', virginia:'sk-test-virginia'}). Another region's key → 401 InvalidApiKey. */
	keys?: Partial<Record<Region, string | string[]>>;
	/** Time a task stays PENDING before it may run (default 1000). Scaled by timeScale. */
	pendingMs?: number;
	/** Time a task stays RUNNING (default 30000); it also waits for its video to be encoded. Scaled by timeScale. */
	runningMs?: number;
	/** Wall-clock ms = pendingMs/runningMs (also scripted ones) × timeScale (default 1): 0.01 makes a 3-minute task 1.8 s. */
	timeScale?: number;
	/** At most this many tasks RUNNING at once; the rest stay PENDING (default 0 = no limit). */
	maxRunning?: number;
	/** Submits allowed per second, account-wide; more → 429 Throttling.RateQuota, no task (default 0 = no limit). */
	submitsPerSecond?: number;
	/** Polls allowed per second, account-wide; more → 429 Throttling.RateQuota (default 0 = no limit). */
	pollsPerSecond?: number;
	/** How long result links stay valid; then the storage host answers 403 AccessDenied "Request has expired." (default 86400). */
	videoTtlSeconds?: number;
	/** false: log every request to stdout. (Env DASHSCOPE_SERVER_DEBUG=1: log to stderr whatever this says.) */
	quiet?: boolean;
}

export interface DashScopeServerOptions extends DashScopeRuntimeOptions {
	/** API port on 127.0.0.1; 0 (default) = any free port. */
	port?: number;
	/** Storage (result host) port; 0 (default) = any free port. */
	storagePort?: number;
}

export type DashScopeOptionsInForce = Required<DashScopeRuntimeOptions>;

export interface DashScopeCounters {
	/** Every POST to the submit route, whatever the answer. */
	submitRequests: number;
	/** Tasks created (including by a scripted 5xx or dropped submit with createsTask). */
	submits: number;
	/** Every GET /api/v1/tasks/{id} (known, unknown or scripted). Per task: `tasks[i].polls`. */
	polls: number;
	/** Every POST /api/v1/tasks/{id}/cancel. */
	cancels: number;
	/** Every GET /api/v1/tasks (list). */
	lists: number;
	/** 401s for a missing, unknown or other region's key (not scripted ones). */
	unauthorized: number;
	/** API requests to unknown routes (404 NotFound). */
	other: number;
	/** Every API request (control calls and the storage host excluded). */
	total: number;
	/** Every request to the storage host. */
	storageRequests: number;
	/** GETs of result links answered with the video. */
	downloads: number;
	/** Storage requests that carried an Authorization header (all refused with 403). */
	storageAuthorization: number;
}

/** A task as the server keeps it; live objects, in submit order. Times are Date.now() ms. */
export interface DashScopeTask {
	id: string;
	/** request_id of the submit that created it. */
	requestId: string;
	model: string;
	/** UNKNOWN: the task was forgotten (scripted outcome UNKNOWN); polls answer UNKNOWN. */
	status: TaskStatus;
	submittedAt: number;
	/** When it started RUNNING. */
	scheduledAt?: number;
	endedAt?: number;
	/** Polls of this task id. */
	polls: number;
	/** As stored (2.1/2.2 prompts over 800 characters cut). */
	prompt: string;
	negativePrompt: string;
	promptExtend: boolean;
	resolution: '480P' | '720P' | '1080P';
	duration: number;
	seed?: number;
	/** http(s) URL as sent, or the data URI shortened; undefined when img_url was sent to a media model. */
	imageUrl?: string;
	/** The bearer key of the submit. */
	apiKey?: string;
	/** How the task was scripted to end (SUCCEEDED unless a 'task' script said otherwise). */
	outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';
	/** Unscaled times it was given. */
	pendingMs: number;
	runningMs: number;
	/** FAILED: DashScope code and message. */
	code?: string;
	message?: string;
	/** SUCCEEDED: the signed link on the storage host. */
	videoUrl?: string;
}

export interface TaskGauge {
	pending: number;
	running: number;
	/** Most at once since start / resetCounters() / reset(). */
	peakPending: number;
	peakRunning: number;
}

/** One submit or poll request as the request gauge saw it. */
export interface TrackedRequest {
	route: 'submit' | 'poll';
	index: number;
	receivedAt: number;
	answeredAt?: number;
	status?: number;
}

export interface RequestGauge {
	/** Submit and poll requests being answered right now. */
	inFlight: number;
	maxInFlight: number;
	requests: TrackedRequest[];
}

export interface RecordedRequest {
	host: 'api' | 'storage';
	method: string;
	/** Path and query string, as sent. */
	path: string;
	/** The client's address (127.0.0.1 or ::ffff:127.0.0.1 for a loopback client). */
	remoteAddress: string | undefined;
	headers: IncomingHttpHeaders;
	/** Parsed JSON (long base64 strings shortened), or the raw text ('' when empty). */
	body: unknown;
	/** Status answered; undefined while open or when no answer was sent (drop, hang). */
	status?: number;
}

/**
 * How the next task created ends (each entry used by one task). outcome defaults to FAILED when a code is given,
 * else SUCCEEDED. FAILED: code (any DashScope code, default InternalError) and message (default per code), after
 * its running time. CANCELED: ends CANCELED when its pending time is over. UNKNOWN: forgotten after its running
 * time (polls then answer UNKNOWN, like an expired task). pendingMs/runningMs: this task's times (scaled by timeScale).
 */
export interface TaskScript {
	on: 'task';
	outcome?: 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'UNKNOWN';
	code?: string;
	message?: string;
	pendingMs?: number;
	runningMs?: number;
}

/**
 * The next `times` (default 1) requests of a kind answer this instead of the real thing (before the key check).
 * Give exactly one of: status and/or code (an error answer: {"code","message","request_id"}, or an OSS XML error for
 * downloads; status/code/message default from each other), drop: true (connection destroyed, no answer) or
 * hang: true (never answered). body (+ contentType) replaces the JSON error body, e.g. an HTML 504 page.
 */
export interface RequestScript {
	on: 'submit' | 'poll' | 'cancel' | 'list' | 'download';
	status?: number;
	code?: string;
	message?: string;
	/** Whole seconds, sent as Retry-After. */
	retryAfter?: number;
	body?: string | object;
	contentType?: string;
	drop?: boolean;
	hang?: boolean;
	times?: number;
	/** poll, cancel, download: apply only to this task's requests. */
	taskId?: string;
	/** submit: also create the task from the (valid) body; default true for 5xx, drop and hang, else false. */
	createsTask?: boolean;
	/** submit: answer only once this many submits, this one included, have arrived since it did (at most 10 s). */
	holdUntilArrivals?: number;
}

export type DashScopeScript = TaskScript | RequestScript;

export interface EncoderStats {
	encodes: number;
	cacheHits: number;
	lastEncodeMs: number;
}

export interface DashScopeServer {
	/** API base, 'http://127.0.0.1:<port>' (paths under /api/v1). */
	readonly url: string;
	/** Result host base, 'http://127.0.0.1:<storagePort>'. */
	readonly storageUrl: string;
	readonly port: number;
	readonly storagePort: number;
	readonly region: Region;
	/** First key of the server's own region. */
	readonly apiKey: string;
	/** Live object. */
	readonly counters: DashScopeCounters;
	/** Live array of every task since the last reset(), in submit order. */
	readonly tasks: DashScopeTask[];
	/** Live: tasks PENDING / RUNNING now and at most. */
	readonly gauge: TaskGauge;
	/** Live: submit and poll requests in flight. */
	readonly requests: RequestGauge;
	/** Live array of the last 50 API and storage requests (control calls excluded). */
	readonly lastRequests: RecordedRequest[];
	readonly encoderStats: EncoderStats;
	readonly options: DashScopeOptionsInForce;
	task(id: string): DashScopeTask | undefined;
	/** Change options at run time (tasks already created keep their times); returns the options in force. */
	setOptions(options: DashScopeRuntimeOptions): DashScopeOptionsInForce;
	/** Append scripted entries (all valid or none; throws on unknown fields); returns the queue length. */
	script(entries: DashScopeScript | DashScopeScript[]): number;
	pendingScript(): DashScopeScript[];
	/** Zeroes counters and the gauges' peaks and history. */
	resetCounters(): void;
	/** Counters, script queue, tasks (running ones stop silently), links and lastRequests; options stay. */
	reset(): void;
	close(): Promise<void>;
}

export function startDashScopeServer(options?: DashScopeServerOptions): Promise<DashScopeServer>;

export interface ModelSpec {
	body: 'img_url' | 'media';
	resolutions: Array<'480P' | '720P' | '1080P'>;
	durations: number[];
	/** Default resolution. */
	resolution: '480P' | '720P' | '1080P';
	promptMax: number;
	audio?: boolean;
	/** Regions where the name exists (all when absent). */
	regions?: Region[];
}

export const MODELS: Record<string, ModelSpec>;
export function modelsOf(region: Region): string[];
export const DEFAULT_OPTIONS: DashScopeOptionsInForce;
export const COUNTER_NAMES: Array<keyof DashScopeCounters>;
/** '/api/v1/services/aigc/video-generation/video-synthesis' */
export const SUBMIT_PATH: string;
/** Codes with a default status and message. */
export const ERROR_CODES: string[];
export const REGIONS: Region[];
