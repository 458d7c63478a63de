// A multipart/form-data body built as one buffer: the temporary storage's upload form (docs/DASHSCOPE-API.md,
// "Temporary storage") wants its fields first and the file last, which a hand-built body guarantees.

export interface FormFile {
	fileName: string;
	mimeType: string;
	bytes: Uint8Array;
}

const quoted = (value: string) => value.replace(/["\r\n\\]/g, '_');

export function multipartBody(
	fields: Array<[string, string]>,
	fileField: string,
	file: FormFile,
	boundary: string,
): { body: Buffer; contentType: string } {
	const parts: Buffer[] = fields.map(([name, value]) =>
		Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`),
	);
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(fileField)}"; filename="${quoted(file.fileName)}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
		),
		Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
		Buffer.from(`\r\n--${boundary}--\r\n`),
	);
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
