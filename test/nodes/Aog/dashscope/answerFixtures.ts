// DashScope answers as the transport hands them to the interpreters, for the interpreters' unit tests.
import type { HttpAnswer as DashScopeAnswer } from '../../../../nodes/Aog/http/json';
import { isFailure, type Failure } from '../../../../nodes/Aog/run/failures';

export const JSON_TYPE = 'application/json';
export const TASK = '0385dc79-5ff8-4d82-bcb6-388b3a2fc1a4';
export const HTML = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>';

export const answer = (
	statusCode: number,
	body: unknown,
	contentType = JSON_TYPE,
	retryAfterHeader?: string,
): DashScopeAnswer => ({
	statusCode,
	contentType,
	body: typeof body === 'string' ? body : JSON.stringify(body),
	retryAfterHeader,
});
export const error = (statusCode: number, code: string, message = 'upstream words', retryAfter?: string) =>
	answer(statusCode, { request_id: 'req-err', code, message }, JSON_TYPE, retryAfter);

export function failure(result: object): Failure {
	expect(isFailure(result)).toBe(true);
	return result as Failure;
}

export function success<T extends object>(result: T | Failure): T {
	expect(isFailure(result)).toBe(false);
	return result as T;
}
