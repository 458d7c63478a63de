// DashScope's temporary storage (docs/DASHSCOPE-API.md, "Temporary storage"): the answer to the policy request read
// into the form the upload host expects. Pure: the requests are in upload.ts.
import type { Failure } from '../run/failures';
import { isObject, text, type HttpAnswer } from '../http/json';

export interface UploadPolicy {
	uploadHost: string;
	uploadDir: string;
	/** The form fields, in the order the storage host receives them, before `key`, the status and the file. */
	fields: Array<[string, string]>;
	maxFileBytes?: number;
}

/** The policy, or the failure to report: a refusal names DashScope's code and asks for a URL instead. */
export function interpretPolicyAnswer(answer: HttpAnswer, region: string): UploadPolicy | Failure {
	let body: unknown;
	try {
		body = JSON.parse(answer.body);
	} catch {
		body = undefined;
	}
	const data = isObject(body) && isObject(body.data) ? body.data : undefined;
	const uploadHost = text(data?.upload_host);
	if (answer.statusCode === 200 && data && uploadHost && /^https?:\/\//i.test(uploadHost)) {
		const field = (name: string) => String(data[name] ?? '');
		const maxMb = Number(data.max_file_size_mb);
		return {
			uploadHost,
			uploadDir: field('upload_dir').replace(/\/+$/, ''),
			fields: [
				['OSSAccessKeyId', field('oss_access_key_id')],
				['Signature', field('signature')],
				['policy', field('policy')],
				['x-oss-object-acl', field('x_oss_object_acl')],
				['x-oss-forbid-overwrite', field('x_oss_forbid_overwrite')],
			],
			maxFileBytes: Number.isFinite(maxMb) && maxMb > 0 ? maxMb * 1024 * 1024 : undefined,
		};
	}
	const code = isObject(body) ? text(body.code) : undefined;
	const message = isObject(body) ? text(body.message) : undefined;
	const said =
		code || message ? `${code ?? ''}${code && message ? ': ' : ''}${message ?? ''}` : answer.body.slice(0, 200);
	return {
		message: `DashScope's temporary storage gave no upload policy (HTTP ${answer.statusCode}${said ? `, ${said}` : ''})`,
		description:
			answer.statusCode === 401
				? "DashScope refused the API key: check the key and that the credential's region is the key's region."
				: `Binary audio, video and frames go through DashScope's temporary storage, which the ${region} endpoint did not offer here. Give this input as a public http(s) URL instead (for example a link from your own storage).`,
		retryable: false,
		mayHaveBilled: false,
		httpCode: String(answer.statusCode),
		upstreamCode: code,
	};
}

/** What the upload host answered: success_action_status 200 asks for 200; OSS answers its errors in XML. */
export function uploadFailure(statusCode: number, body: string): Failure | undefined {
	if (statusCode >= 200 && statusCode < 300) return undefined;
	const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
	const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
	return {
		message: `DashScope's temporary storage refused the upload (HTTP ${statusCode}${code ? `, ${code}` : ''}${message ? `: ${message}` : ''})`,
		description:
			'Nothing was submitted and nothing billed. Run the node again, or give this input as a public http(s) URL.',
		retryable: statusCode >= 500,
		mayHaveBilled: false,
		httpCode: String(statusCode),
		upstreamCode: code,
	};
}
