// Binary inputs through DashScope's temporary storage (docs/DASHSCOPE-API.md, "Temporary storage"): a policy asked
// with the key, the file posted to the storage host without it (the credential adds its key only for its own
// origin), and `oss://<key>` in the submit, which then needs the resolve header (OSS_RESOLVE_HEADER).
import type { IExecuteFunctions } from 'n8n-workflow';

import { errorText, networkErrorKind, rethrowIfStopped } from '../http/networkErrors';
import { multipartBody, type FormFile } from '../http/multipart';
import { textRequest, toAnswer, type ConnectionSettings } from '../http/request';
import { formatBytes } from '../media/image';
import type { MediaInput } from '../media/mediaKind';
import { isFailure, ItemFailure, type Failure } from '../run/failures';
import { dashScopeRequest } from './request';
import { interpretPolicyAnswer, uploadFailure } from './uploadPolicy';

/** Sent on a submit whose inputs include `oss://` URLs: without it DashScope does not resolve them. */
export const OSS_RESOLVE_HEADER = { 'X-DashScope-OssResourceResolve': 'enable' };
const POLICY_TIMEOUT_MS = 30_000;
/** A 100 MB clip over a slow uplink. */
const UPLOAD_TIMEOUT_MS = 10 * 60_000;

/** Uploads one file for `model` (the policy is per model) and returns its `oss://` URL. Nothing is billed here. */
export async function uploadToDashScope(
	this: IExecuteFunctions,
	connection: ConnectionSettings,
	model: string,
	file: FormFile,
): Promise<string> {
	const policyAnswer = await attempt(this, 'asking DashScope for an upload policy', async () =>
		toAnswer(
			await dashScopeRequest.call(this, connection, 'GET', '/api/v1/uploads', {
				qs: { action: 'getPolicy', model },
				timeoutMs: POLICY_TIMEOUT_MS,
			}),
		),
	);
	const policy = interpretPolicyAnswer(policyAnswer, connection.region);
	if (isFailure(policy)) throw new ItemFailure(policy);
	if (policy.maxFileBytes !== undefined && file.bytes.byteLength > policy.maxFileBytes) {
		throw new ItemFailure({
			message: `The file "${file.fileName}" has ${formatBytes(file.bytes.byteLength)}; DashScope's temporary storage takes at most ${formatBytes(policy.maxFileBytes)}`,
			description: 'Make the file smaller, or give it as a public http(s) URL.',
			retryable: false,
			mayHaveBilled: false,
		});
	}
	const key = `${policy.uploadDir}/${file.fileName}`;
	const { body, contentType } = multipartBody(
		[...policy.fields, ['key', key], ['success_action_status', '200']],
		'file',
		file,
		`----n8n-nodes-aog-${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`,
	);
	const answer = await attempt(this, "uploading to DashScope's temporary storage", async () =>
		toAnswer(
			await textRequest.call(this, connection.type, {
				method: 'POST',
				url: policy.uploadHost,
				body,
				headers: { 'Content-Type': contentType, Accept: '*/*' },
				timeoutMs: UPLOAD_TIMEOUT_MS,
			}),
		),
	);
	const failure = uploadFailure(answer.statusCode, answer.body);
	if (failure) throw new ItemFailure(failure);
	this.logger.info(`DashScope: uploaded ${file.fileName} (${formatBytes(file.bytes.byteLength)}) for ${model}`);
	return `oss://${key}`;
}

/** A network failure before the submit: nothing exists yet, so Retry On Fail may run the item again. */
async function attempt<T>(context: IExecuteFunctions, what: string, request: () => Promise<T>): Promise<T> {
	let failure: Failure;
	try {
		return await request();
	} catch (error) {
		rethrowIfStopped(networkErrorKind(context, error), error);
		failure = {
			message: `The connection failed while ${what}: ${errorText(error)}`,
			description: 'Nothing was submitted and nothing billed. Run the node again, or give this input as a URL.',
			retryable: true,
			mayHaveBilled: false,
		};
	}
	throw new ItemFailure(failure);
}

/**
 * The URLs a submit names for its inputs, in order: a URL as given, a file uploaded for `model`. The headers are the
 * submit's extra ones (the resolve header once anything was uploaded).
 */
export async function dashScopeMediaUrls(
	this: IExecuteFunctions,
	connection: ConnectionSettings,
	model: string,
	inputs: MediaInput[],
): Promise<{ urls: string[]; headers?: Record<string, string> }> {
	const urls: string[] = [];
	for (const input of inputs) {
		urls.push('url' in input ? input.url : await uploadToDashScope.call(this, connection, model, input.file));
	}
	return { urls, headers: inputs.some((input) => 'file' in input) ? OSS_RESOLVE_HEADER : undefined };
}
