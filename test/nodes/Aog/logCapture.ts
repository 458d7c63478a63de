// Captures everything n8n and the node could log during a test file (console, stdout/stderr, n8n's logger at debug
// level), for the secret scans of the security tests.
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

export interface LogCapture {
	/** One line per log call, prefixed by its source (console.info, stdout, n8n.debug…). */
	lines: string[];
	/** Puts every patched logger and N8N_LOG_LEVEL back (jest reuses its worker processes for other test files). */
	restore(): void;
}

/**
 * n8n's logger drops levels below its own at construction: logging everything at debug lets the scan see every line
 * n8n could write. Call it before anything builds n8n's root logger.
 */
export function captureLogs(): LogCapture {
	const previousLogLevel = process.env.N8N_LOG_LEVEL;
	process.env.N8N_LOG_LEVEL = 'debug';
	const logged: string[] = [];
	const restore: Array<() => void> = [
		() => {
			if (previousLogLevel === undefined) delete process.env.N8N_LOG_LEVEL;
			else process.env.N8N_LOG_LEVEL = previousLogLevel;
		},
	];
	const record =
		(source: string) =>
		(...args: unknown[]) => {
			logged.push(`${source}: ${args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' ')}`);
		};
	for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
		const spy = jest.spyOn(console, method).mockImplementation(record(`console.${method}`));
		restore.push(() => spy.mockRestore());
	}
	for (const stream of [process.stdout, process.stderr]) {
		const original = stream.write.bind(stream);
		const name = stream === process.stdout ? 'stdout' : 'stderr';
		stream.write = ((chunk: unknown, ...rest: unknown[]) => {
			logged.push(`${name}: ${String(chunk)}`);
			return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
		}) as typeof stream.write;
		restore.push(() => (stream.write = original as typeof stream.write));
	}
	// Recorded instead of printed (the debug level is loud). The root logger is made after the patch is in place;
	// LoggerProxy, which WorkflowExecute uses, forwards to it, and scoped loggers share the prototype.
	const prototype = Logger.prototype as unknown as Record<string, (...args: unknown[]) => void>;
	for (const level of ['error', 'warn', 'info', 'debug']) {
		const original = prototype[level];
		prototype[level] = record(`n8n.${level}`);
		restore.push(() => (prototype[level] = original));
	}
	const root = Container.get(Logger);
	if (Object.getOwnPropertyNames(root).includes('debug'))
		throw new Error('n8n logger built before N8N_LOG_LEVEL=debug: debug lines would be dropped');
	return { lines: logged, restore: () => restore.reverse().forEach((undo) => undo()) };
}

/** JSON of anything, with Errors' message/stack/own fields and circular references cut. */
export function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	return JSON.stringify(value, (_key, item: unknown) => {
		if (item instanceof Error) {
			return {
				name: item.name,
				message: item.message,
				stack: item.stack,
				...(item as unknown as Record<string, unknown>),
				cause: (item as { cause?: unknown }).cause,
			};
		}
		if (typeof item === 'object' && item !== null) {
			if (seen.has(item)) return '[circular]';
			seen.add(item);
		}
		if (typeof item === 'bigint') return String(item);
		return item;
	});
}
