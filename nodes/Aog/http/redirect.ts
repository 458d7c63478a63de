// A redirect answered by the API's own address. The node never follows one for API requests (http/request.ts):
// n8n would send the credential's key on to the new address, whatever its origin. The user moves the credential to
// the final address instead (docs/TROUBLESHOOTING.md).
import type { Failure } from '../run/failures';

export const isRedirect = (statusCode: number) => statusCode >= 300 && statusCode < 400;

/** Where the redirect points, for a message (the runner hides any credential inside it). */
export function redirectTarget(location: string | undefined): string {
	const value = (location ?? '').trim();
	return value === '' ? 'another address (it gave no Location)' : value;
}

/** The failure for a redirect of the job-creating request: nothing reached the service, so nothing was created. */
export function redirectFailure(
	service: 'AOG' | 'DashScope',
	statusCode: number,
	location: string | undefined,
): Failure {
	return {
		message: `The ${service} credential's Base URL redirects to ${redirectTarget(location)}; use that address`,
		description:
			service === 'AOG'
				? `The address answered ${statusCode} instead of AOG. The node does not follow redirects of AOG's API, so the credential's API key never goes to another address. Set the AOG credential's Base URL to the gateway's real root (without /aog/v0.2); if it redirects to a login page, the proxy in front of AOG wants another kind of sign-in than a Bearer key. Nothing reached AOG, so no video was made.`
				: `The address answered ${statusCode} instead of DashScope. The node does not follow redirects of DashScope's API, so the API key never goes to another address. Set the DashScope credential's Base URL (Region → Custom Base URL) to the address it redirects to, without /api/v1. Nothing reached DashScope, so no task was created.`,
		retryable: false,
		mayHaveBilled: false,
		httpCode: String(statusCode),
	};
}
