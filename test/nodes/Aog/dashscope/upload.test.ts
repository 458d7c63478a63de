// The temporary storage's pure parts (docs/DASHSCOPE-API.md, "Temporary storage"): the policy answer read into the
// form fields, refusals phrased for the user, the multipart body in the order OSS needs (file last).
import { multipartBody } from '../../../../nodes/Aog/http/multipart';
import { interpretPolicyAnswer, uploadFailure } from '../../../../nodes/Aog/dashscope/uploadPolicy';
import { isFailure } from '../../../../nodes/Aog/run/failures';

const answer = (statusCode: number, body: unknown) => ({
	statusCode,
	contentType: 'application/json',
	body: typeof body === 'string' ? body : JSON.stringify(body),
});
const POLICY = {
	request_id: 'r1',
	data: {
		policy: 'eyJ…',
		signature: 'c2ln',
		upload_dir: 'dashscope-instant/abc/2026-12-06/uuid/',
		upload_host: 'https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com',
		expire_in_seconds: 300,
		max_file_size_mb: 100,
		oss_access_key_id: 'LTAI',
		x_oss_object_acl: 'private',
		x_oss_forbid_overwrite: 'true',
	},
};

describe('interpretPolicyAnswer', () => {
	test('a policy: the host, the folder without its trailing slash, the fields in order, the size limit', () => {
		const policy = interpretPolicyAnswer(answer(200, POLICY), 'beijing');
		expect(isFailure(policy)).toBe(false);
		expect(policy).toEqual({
			uploadHost: 'https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com',
			uploadDir: 'dashscope-instant/abc/2026-12-06/uuid',
			fields: [
				['OSSAccessKeyId', 'LTAI'],
				['Signature', 'c2ln'],
				['policy', 'eyJ…'],
				['x-oss-object-acl', 'private'],
				['x-oss-forbid-overwrite', 'true'],
			],
			maxFileBytes: 100 * 1024 * 1024,
		});
	});

	test('a refusal names the code and asks for a URL; a 401 talks of the key and its region', () => {
		const refused = interpretPolicyAnswer(answer(403, { code: 'AccessDenied', message: 'not here' }), 'singapore');
		expect(refused).toMatchObject({
			message: "DashScope's temporary storage gave no upload policy (HTTP 403, AccessDenied: not here)",
			retryable: false,
			mayHaveBilled: false,
			upstreamCode: 'AccessDenied',
		});
		expect((refused as { description: string }).description).toMatch(/singapore endpoint[\s\S]*public http\(s\) URL/);
		const key = interpretPolicyAnswer(answer(401, { code: 'InvalidApiKey', message: 'bad' }), 'beijing');
		expect((key as { description: string }).description).toMatch(/refused the API key/);
	});

	test('an answer without an http(s) upload host is not a policy (HTML, odd JSON)', () => {
		expect(isFailure(interpretPolicyAnswer(answer(200, '<html>proxy</html>'), 'beijing'))).toBe(true);
		const odd = { data: { ...POLICY.data, upload_host: 'ftp://x' } };
		expect(isFailure(interpretPolicyAnswer(answer(200, odd), 'beijing'))).toBe(true);
	});
});

test('uploadFailure: 2xx is none; OSS XML errors name their code; 5xx may be retried', () => {
	expect(uploadFailure(200, '')).toBeUndefined();
	expect(uploadFailure(204, '')).toBeUndefined();
	const xml = '<Error><Code>SignatureDoesNotMatch</Code><Message>bad sig</Message></Error>';
	expect(uploadFailure(403, xml)).toMatchObject({
		message: "DashScope's temporary storage refused the upload (HTTP 403, SignatureDoesNotMatch: bad sig)",
		retryable: false,
		mayHaveBilled: false,
	});
	expect(uploadFailure(503, '')?.retryable).toBe(true);
});

test('multipartBody: the fields, then the file last, with its name and type; the bytes untouched', () => {
	const bytes = Buffer.from([0, 255, 13, 10, 45, 45]);
	const { body, contentType } = multipartBody(
		[
			['key', 'dir/a.wav'],
			['success_action_status', '200'],
		],
		'file',
		{ fileName: 'a"b.wav', mimeType: 'audio/wav', bytes },
		'BOUNDARY',
	);
	expect(contentType).toBe('multipart/form-data; boundary=BOUNDARY');
	const text = body.toString('latin1');
	expect(text.indexOf('name="key"')).toBeLessThan(text.indexOf('name="file"'));
	expect(text).toContain('filename="a_b.wav"\r\nContent-Type: audio/wav\r\n\r\n');
	const start = text.indexOf('audio/wav\r\n\r\n') + 'audio/wav\r\n\r\n'.length;
	expect(body.subarray(start, start + bytes.length)).toEqual(bytes);
	expect(text.endsWith('\r\n--BOUNDARY--\r\n')).toBe(true);
});
