// Reading JSON answers of either backend: what every interpreter needs, once.

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/** A non-empty string, or undefined. */
export const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value !== '' ? value : undefined;

/** A Retry-After header in delta-seconds, as milliseconds. Number('') is 0, and a missing header arrives as ''. */
export function retryAfterMs(header: string | undefined): number | undefined {
	return /^\s*\d+\s*$/.test(header ?? '') ? Number(header) * 1000 : undefined;
}

/** One HTTP answer as the interpreters read it, whichever backend gave it. */
export interface HttpAnswer {
	statusCode: number;
	contentType: string;
	body: string;
	retryAfterHeader?: string;
	/** The Location header of a redirect. */
	location?: string;
}
