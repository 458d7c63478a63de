// The ways a video download fails, phrased for the user; `retryable` when a new GET may succeed (a GET never creates
// a video).

export class DownloadFailure extends Error {
	constructor(
		message: string,
		readonly description: string,
		readonly retryable: boolean,
		readonly httpCode?: string,
	) {
		super(message);
	}
}

/** The stop button during a download: the item loop reports the item's finished video (run/stopReport.ts). */
export const canceled = () => new DownloadFailure('the execution was canceled', 'Nothing was stored.', false);

export function statusFailure(statusCode: number): DownloadFailure {
	if (statusCode === 403) {
		return new DownloadFailure(
			'the storage host refused it (403): the signed link has expired or was altered',
			'Links from DashScope expire about 24 hours after generation; download at once, or generate the video again.',
			false,
			'403',
		);
	}
	if (statusCode === 404) {
		return new DownloadFailure(
			'the storage host has no such file (404)',
			'The video was removed or the link was altered. Generate the video again.',
			false,
			'404',
		);
	}
	const retryable = statusCode >= 500 || statusCode === 429;
	return new DownloadFailure(
		`the storage host answered ${statusCode}`,
		retryable
			? 'The storage host failed or is overloaded; try again later.'
			: 'The storage host refused the download. Generate the video again.',
		retryable,
		String(statusCode),
	);
}

export function notMp4(error: unknown): DownloadFailure {
	const detail = error instanceof Error ? error.message : String(error);
	return new DownloadFailure(
		`the file is not a valid MP4: ${detail}`,
		'The storage host returned something other than the generated video.',
		false,
	);
}
