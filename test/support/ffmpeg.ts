// ffmpeg / ffprobe from the npm installer packages, and a file cache under <repo>/.cache/ so that media are
// made once and reused by every later run (and by parallel jest workers).
import { execFile, execFileSync } from 'child_process';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CACHE_ROOT = path.join(REPO_ROOT, '.cache');

function isExecutable(file: string): boolean {
	try {
		fs.accessSync(file, fs.constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

/** The installers' postinstall chmod does not run under --ignore-scripts: use an executable copy then. */
function executable(original: string, name: string): string {
	if (isExecutable(original)) return original;
	const copy = path.join(CACHE_ROOT, 'bin', name);
	if (fs.existsSync(copy) && isExecutable(copy) && fs.statSync(copy).size === fs.statSync(original).size) return copy;
	fs.mkdirSync(path.dirname(copy), { recursive: true });
	const temp = `${copy}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
	fs.copyFileSync(original, temp);
	fs.chmodSync(temp, 0o755);
	fs.renameSync(temp, copy);
	return copy;
}

let ffmpeg: string | undefined;
let ffprobe: string | undefined;

export function ffmpegPath(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	ffmpeg ??= executable(require('@ffmpeg-installer/ffmpeg').path as string, 'unit-ffmpeg');
	return ffmpeg;
}

export function ffprobePath(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	ffprobe ??= executable(require('@ffprobe-installer/ffprobe').path as string, 'unit-ffprobe');
	return ffprobe;
}

export function runFfmpeg(args: string[]): void {
	try {
		execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
	} catch (error) {
		const stderr = (error as { stderr?: Buffer }).stderr;
		throw new Error(`ffmpeg ${args.join(' ')} failed: ${String(stderr ?? (error as Error).message).trim().slice(-800)}`);
	}
}

/**
 * Path of `<dir>/<name>` under .cache, made by `make(tempPath)` on first use. The temp path keeps the real
 * extension (ffmpeg picks its muxer from it) and is renamed into place, so no reader sees half a file.
 */
export function cachedFile(dir: string, name: string, make: (tempPath: string) => void): string {
	const file = path.join(CACHE_ROOT, dir, name);
	if (fs.existsSync(file)) return file;
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const temp = path.join(path.dirname(file), `.tmp-${process.pid}-${randomBytes(4).toString('hex')}-${name}`);
	try {
		make(temp);
		fs.renameSync(temp, file);
	} finally {
		fs.rmSync(temp, { force: true });
	}
	return file;
}

export interface ProbeResult {
	streams: Array<Record<string, unknown> & { codec_type?: string; codec_name?: string; width?: number; height?: number; r_frame_rate?: string; avg_frame_rate?: string }>;
	format: Record<string, unknown> & { duration?: string; format_name?: string };
}

/** ffprobe -show_streams -show_format -of json. */
export function probe(file: string): Promise<ProbeResult> {
	return new Promise((resolve, reject) => {
		execFile(ffprobePath(), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file], { maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`ffprobe ${file} failed: ${String(stderr || error.message).trim()}`));
			else resolve(JSON.parse(stdout) as ProbeResult);
		});
	});
}

/** "30000/1001" → 29.97002997… */
export function ratio(text: string | undefined): number {
	const [num, den] = String(text ?? '0/1').split('/').map(Number);
	return den ? num / den : num;
}
