// Types of the AOG-compatible dev server (tools/aog-server/index.js). The gateway it imitates: docs/AOG-API.md.
import type { IncomingHttpHeaders } from 'http';

export interface AogServerOptions {
	/** 0 = any free port. The host is always 127.0.0.1. */
	port?: number;
	/**
	 * Start-up only. true (default): image-to-video installed, a DashScope key stored, wan2.2-i2v-plus registered.
	 * false: a fresh AOG: generation answers 404 30003 until POST /aog/v0.2/service/install (which answers 409
	 * 30002 and stores no key: generation then answers 400 {}) and PUT /aog/v0.2/service_provider (stores the key).
	 */
	setUp?: boolean;
	/** Extra wait before a generation call answers (simulated upstream time). */
	generationDelayMs?: number;
	/**
	 * Per-request generation times instead of generationDelayMs: the n-th generation request since the last
	 * reset (by arrival) waits the n-th value, cycling. [] (default) = use generationDelayMs.
	 */
	generationDelaysMs?: number[];
	/**
	 * AOG's waits around its re-submission after an upstream 5xx: before the second submission, then before giving
	 * up. v0.7 waits 2000 and 4000 ms; default [20, 40] (compressed).
	 */
	resubmitWaitsMs?: number[];
	/**
	 * AOG's polling budget: v0.7 polls DashScope at most 100 times, 500 ms apart (about 50 s locally, a minute or more
	 * to Beijing). A generation longer than this answers 500 "exceeded maximum number of retries (100)" after pollCapMs;
	 * the task runs to its end upstream and is billed (counted in upstreamTasksBilled then). 0 (default): no cap.
	 */
	pollCapMs?: number;
	/** How long a served video URL stays valid; after that it answers 403 AccessDenied (XML), like a signed OSS link. */
	videoTtlSeconds?: number;
	/** Only allow `image_type: path` files under this folder. */
	fileRoot?: string;
	/** > 0: serve a valid MP4 of exactly this many bytes instead of an ffmpeg-made one. */
	syntheticVideoBytes?: number;
	/** false: log every request to stdout. (Env AOG_SERVER_DEBUG=1: log to stderr whatever this says; jest shows it at once.) */
	quiet?: boolean;
}

export type RuntimeOptions = Omit<AogServerOptions, 'port' | 'fileRoot' | 'setUp'> & { fileRoot?: string | null };

export interface AogCounters {
	health: number;
	version: number;
	/** GET /engine/health. */
	engineHealth: number;
	/** Every POST to /aog/v0.2/services/image-to-video, success or failure. */
	i2vPosts: number;
	/** Every POST to /aog/v0.2/api_flavors/aliyun/v1/image-to-video. */
	nativePosts: number;
	modelList: number;
	models: number;
	/** POST /aog/v0.2/service/install and PUT /aog/v0.2/service_provider. */
	setup: number;
	/** Every GET of /videos/… (HEADs count in `other`). */
	downloads: number;
	/** /__control/… calls; they count nowhere else, not even in `total`. */
	control: number;
	other: number;
	/** Every request except control calls. */
	total: number;
	/**
	 * Requests whose connection the client closed before the server's answer was complete (a client timeout,
	 * a cancelled execution, a download stopped on purpose). Scripted resets and cut-off downloads do not count.
	 */
	clientAborts: number;
	/**
	 * Tasks created upstream (DashScope submissions), not requests: 0 for a request refused before or at submission
	 * (404, 400 {}, an image DashScope rejects, a 4xx), 2 for an upstream 5xx on submit or on a poll (AOG submits
	 * again), 1 otherwise, also when AOG then failed (Accept-Encoding br/deflate, poll exhaustion).
	 */
	upstreamTasks: number;
	/**
	 * Tasks that ran to SUCCEEDED upstream: a video made and billed. Counted when the task ends, whether or not AOG
	 * still polled it or the client still waited (a client that disconnected, AOG that gave up or failed).
	 */
	upstreamTasksBilled: number;
}

/** One generation POST (either route), as the gauge saw it. Times are Date.now() of the server's process. */
export interface GenerationRequest {
	route: 'standard' | 'native';
	/** Arrival order since the last reset, from 0. */
	index: number;
	/** When the request's headers arrived. */
	receivedAt: number;
	/** When the answer was handed to the socket, or the connection closed; undefined while in flight. */
	answeredAt?: number;
	/** Status sent, undefined when no answer was sent (reset, hang, client gave up). */
	status?: number;
	/** The simulated generation time this request was given. */
	delayMs?: number;
	/** Tasks this request created upstream (see AogCounters.upstreamTasks). */
	upstreamTasks: number;
	/** Of those, tasks that ended SUCCEEDED (billed), possibly after the answer (see AogCounters.upstreamTasksBilled). */
	upstreamTasksBilled: number;
}

export interface GenerationGauge {
	/** Generation requests the server is working on right now. */
	inFlight: number;
	/** The most at once since the last reset (reset sets it to the current inFlight). */
	maxInFlight: number;
	/** The last 1000 generation requests, in arrival order. */
	requests: GenerationRequest[];
}

export interface RecordedRequest {
	method: string;
	/** Path and query string, as sent. */
	path: string;
	headers: IncomingHttpHeaders;
	/** Parsed JSON (long base64 strings shortened), or the raw text ('' when empty). */
	body: unknown;
}

export type GenerationFailure =
	| { kind: 'html200' | 'empty200' | 'malformedJson200' | 'noData200' | 'nonHttpData' | 'empty500' | 'pollExhausted' }
	/**
	 * modelNotFound: 404 30003. serviceNotFound: 404 10011 "service not found", which is in AOG's source but which
	 * v0.7 never sends on these routes (a missing service is 30003 too): kept for clients that handle it.
	 * noKeyStored: 400 {} (no DashScope key stored; the setUp:false server gives it for real).
	 */
	| { kind: 'modelNotFound' | 'serviceNotFound' | 'noKeyStored' | 'paramLost' | 'reset' | 'hang' }
	/**
	 * 500 wrapping of a DashScope error. status defaults from code (401 InvalidApiKey, 403 AccessDenied, 429 Throttling*, else 400).
	 * retryAfter (whole seconds) adds `Retry-After:[n]` to the printed Go header map, as DashScope sends on 429s.
	 */
	| { kind: 'upstream'; status?: number; code?: string; message?: string; prefix?: boolean; retryAfter?: number }
	/**
	 * A status >= 500 on the 'upstream' kind: AOG submits again after resubmitWaitsMs[0] and answers after
	 * resubmitWaitsMs[1]: two upstream tasks. pollServerError: a 5xx on AOG's first poll; AOG submits a new task and
	 * answers with that one's video (the first task runs on and is billed too): two tasks.
	 */
	| { kind: 'pollServerError'; status?: number }
	/**
	 * A plain 429 as a rate-limiting reverse proxy in front of AOG sends it (JSON `{"message":"Too Many Requests"}`,
	 * `Retry-After: <retryAfter>` when given): nothing reached AOG, so no task exists and the client may retry.
	 */
	| { kind: 'proxy429'; retryAfter?: number }
	/** Native route only: 200 with output.task_status FAILED and this code/message. */
	| { kind: 'nativeTaskFailed'; code?: string; message?: string };

export type DownloadFailure =
	| { kind: 'video403' | 'video404' | 'videoHtml' | 'videoJson' | 'videoTruncated' | 'videoChunkedCut' | 'videoRedirectLoop' }
	| { kind: 'videoRedirect'; times?: number }
	| { kind: 'videoOversize'; bytes?: number; noContentLength?: boolean }
	/** An OSS error document (InternalError) with this status, default 503. */
	| { kind: 'videoServerError'; status?: number }
	/** Headers at once, body after delayMs (never, without delayMs). */
	| { kind: 'videoSlow'; delayMs?: number };

/**
 * Any generation failure may add holdUntilArrivals: answer only once that many generation requests, this one
 * included, have arrived since it did (at most 10 s).
 */
export type ScriptedFailure = (GenerationFailure & { holdUntilArrivals?: number }) | DownloadFailure;

export interface AogSetupView {
	/** The model row exists (set up, or after the install call). */
	serviceInstalled: boolean;
	/** A DashScope key is stored (set up, or after PUT service_provider). */
	keyStored: boolean;
	/** Models the provider lists; generation accepts these names. */
	models: string[];
	apiKey?: string;
}

export interface EncoderStats {
	/** ffmpeg encodes done by this server (cache misses). */
	encodes: number;
	/** Videos found in the on-disk cache (or joined while being encoded). */
	cacheHits: number;
	lastEncodeMs: number;
}

export interface AogServer {
	/** 'http://127.0.0.1:<port>' */
	readonly url: string;
	readonly port: number;
	/** Live object: keep a reference and read it later. */
	readonly counters: AogCounters;
	/** Live array of the last 50 requests (control calls excluded). */
	readonly lastRequests: RecordedRequest[];
	readonly encoderStats: EncoderStats;
	/** Live gauge of the generation routes (also GET /__control/generation). */
	readonly generation: GenerationGauge;
	/** The image-to-video setup now (a copy): see AogServerOptions.setUp. reset() does not change it. */
	readonly setup: AogSetupView;
	readonly options: Required<Omit<AogServerOptions, 'port' | 'fileRoot' | 'setUp'>> & { fileRoot?: string };
	/** Zeroes the counters and the generation gauge's history. */
	resetCounters(): void;
	/** Clears counters, the generation gauge's history, queued failures and lastRequests (options stay). */
	reset(): void;
	/** Change options at run time; returns the options now in force. Throws on unknown names. */
	setOptions(options: RuntimeOptions): AogServer['options'];
	/** Append to the failure queue (each used by the next request it applies to); returns the queue length. */
	scriptFailures(failures: ScriptedFailure[]): number;
	pendingFailures(): ScriptedFailure[];
	close(): Promise<void>;
}

export function startAogServer(options?: AogServerOptions): Promise<AogServer>;

export const DEFAULT_OPTIONS: Required<Omit<AogServerOptions, 'port' | 'fileRoot' | 'setUp'>> & { fileRoot?: string };
export const COUNTER_NAMES: Array<keyof AogCounters>;
export const GENERATION_FAILURE_KINDS: string[];
export const DOWNLOAD_FAILURE_KINDS: string[];

export { makeImage, imageFile, toDataUri, mimeType, IMAGE_FORMATS, ImageFormat, MakeImageOptions } from './images';

export interface ImageInfo {
	format: 'png' | 'jpeg' | 'bmp' | 'webp' | 'gif' | 'tiff' | 'unknown';
	width?: number;
	height?: number;
}
/** Format from the magic bytes and size from the header, as the server's DashScope checks see them. */
export function detectImage(bytes: Buffer): ImageInfo;

export { ffmpegPath, ffprobePath, probeVideo, type VideoProbe } from '../ffmpeg';
