// Types of tools/ffmpeg.js (the ffmpeg/ffprobe wrapper shared by the dev server and the tests).
import type { ChildProcess } from 'node:child_process';

export const REPO_ROOT: string;
/** <repo>/.cache: executable copies of the binaries (bin/) and media made once (cachedFile). */
export const CACHE_ROOT: string;

/** Path of an executable ffmpeg (an executable copy under .cache/bin if the npm binary lacks the x bit). */
export function ffmpegPath(): string;
/** Path of an executable ffprobe (same fallback as ffmpegPath). */
export function ffprobePath(): string;
/** Runs ffmpeg (quiet, overwriting); resolves when it exits 0. `onSpawn` receives the child so callers can kill it. */
export function runFfmpeg(args: string[], onSpawn?: (child: ChildProcess) => void): Promise<void>;
/** Runs ffmpeg (quiet, overwriting) and waits; throws with the end of its error output when it fails. */
export function runFfmpegSync(args: string[]): void;

export interface ProbeResult {
	streams: Array<Record<string, unknown> & { codec_type?: string; codec_name?: string; width?: number; height?: number; r_frame_rate?: string; avg_frame_rate?: string }>;
	format: Record<string, unknown> & { duration?: string; format_name?: string };
}
/** ffprobe -show_streams -show_format -of json. */
export function probe(file: string): Promise<ProbeResult>;

export interface VideoProbe {
	formatName: string;
	duration: number;
	codec: string;
	pixelFormat: string;
	width: number;
	height: number;
	fps: number;
	frames: number;
	hasAudio: boolean;
}
/** Codec, size, frame rate, duration and audio presence of a video file, as ffprobe sees them. */
export function probeVideo(file: string): Promise<VideoProbe>;
/** "30000/1001" → 29.97002997… */
export function frameRate(text: string | undefined): number;

/**
 * Path of `<dir>/<name>` under .cache, made by `make(tempPath)` on first use. The temp path keeps the real
 * extension (ffmpeg picks its muxer from it) and is renamed into place, so no reader sees half a file.
 */
export function cachedFile(dir: string, name: string, make: (tempPath: string) => void): string;
/** Writes a file so that concurrent readers never see it half written. */
export function writeFileAtomic(file: string, data: string | NodeJS.ArrayBufferView): void;
