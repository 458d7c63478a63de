// DashScope's error codes for video synthesis, one row each, in words a user can act on (docs/DASHSCOPE-API.md,
// "Errors"). dashscope/errors.ts picks the row for an answer; the AOG connection reuses the rows that do not depend on
// where the key lives (aog/errors.ts).

export type DashScopeRegion = 'beijing' | 'singapore' | 'virginia' | 'custom';

export const REGION_LABELS: Record<DashScopeRegion, string> = {
	beijing: 'China (Beijing)',
	singapore: 'Singapore (international)',
	virginia: 'US (Virginia)',
	custom: 'a custom host',
};

/** What the row's texts may use: DashScope's own words (already quoted, or ''), and where the key belongs. */
export interface ErrorContext {
	said: string;
	code?: string;
	status: number;
	region?: DashScopeRegion;
	upstreamMessage?: string;
}

export interface DashScopeErrorRow {
	/** Exact codes; a code ending in '*' matches every code starting with what precedes it. */
	codes: readonly string[];
	/** The HTTP status DashScope answers with (0: only seen as a FAILED task's code). */
	status: number;
	/** Whether repeating the submit is safe and may help: only a rejection proves no task exists. */
	retryable: boolean;
	message: (context: ErrorContext) => string;
	description: (context: ErrorContext) => string;
	/** Text for the same code in a FAILED task's output, where the node never retries by itself. */
	taskDescription?: (context: ErrorContext) => string;
}

export const IMAGE_RULES = 'JPEG, PNG, BMP or WEBP; sides 360–2000 px; at most 10 MB';
const withCode =
	(text: string) =>
	({ code, status }: ErrorContext) =>
		`${text} (${code ?? status})`;
const region = ({ region: value }: ErrorContext) => (value ? REGION_LABELS[value] : "the credential's region");
export const reason = ({ said }: ErrorContext) => said.trim() || 'No reason was given.';
/** A 5xx on the submit does not prove that no task exists, and DashScope has no idempotency key (docs/DASHSCOPE-API.md). */
export const MAY_EXIST = (context: ErrorContext) =>
	`A video task may have been created (and billed when it finishes) although its id never reached the node. DashScope cannot recognise a repeated request, so the node does not submit it again: look for the task in the DashScope console's task list (${region(context)}) before running this item again.`;

/** Names of the models per region: a wrong one answers ModelNotFound (docs/DASHSCOPE-API.md, "Models"). */
function regionModelHint(value: DashScopeRegion | undefined): string {
	if (value === 'beijing')
		return 'In Beijing, Wan 2.1 is named wanx2.1-i2v-turbo / wanx2.1-i2v-plus; wan2.2-i2v-plus, wan2.2-i2v-flash, wan2.5-i2v-preview, wan2.6-i2v and wan2.7-i2v keep their names.';
	if (value === 'singapore')
		return 'Outside China, Wan 2.1 is named wan2.1-i2v-turbo / wan2.1-i2v-plus (no "x"); not every model of Beijing is offered in Singapore.';
	if (value === 'virginia')
		return 'US (Virginia) offers fewer models, some only under names ending in -us; check the model list of that region in Model Studio.';
	return "Check the model list of the credential's region in Model Studio: Beijing names Wan 2.1 wanx2.1-…, other regions wan2.1-….";
}

/**
 * One row per code DashScope documents for video synthesis, most specific first (docs/DASHSCOPE-API.md, "Errors").
 * Texts are for the direct connection; through AOG, aog/errors.ts words the codes that depend on where the key lives.
 */
export const DASHSCOPE_ERRORS: readonly DashScopeErrorRow[] = [
	{
		codes: ['InvalidParameter.DataInspection'],
		status: 400,
		retryable: false,
		message: () => 'DashScope could not read the image (InvalidParameter.DataInspection)',
		description: ({ said }) =>
			`DashScope could not download or decode the image.${said} For an image URL, make sure it is public (not localhost, a private address or an expired signed link) and answers quickly, or send the picture as a binary file; re-encode it as JPEG or PNG.`,
	},
	{
		codes: ['DataInspectionFailed', 'DataInspection'],
		status: 400,
		retryable: false,
		message: withCode('Content moderation blocked the request'),
		description: ({ said }) =>
			`Alibaba Cloud's moderation flagged the input image, the prompt or the generated video.${said} Use another image or reword the prompt.`,
	},
	{
		codes: ['Arrearage'],
		status: 400,
		retryable: false,
		message: () => 'The Alibaba Cloud account is in arrears (Arrearage)',
		description: ({ said }) =>
			`DashScope refuses work while the account has an overdue payment.${said} Top up the account in the Alibaba Cloud console, then run again.`,
	},
	{
		codes: ['InvalidParameter', 'InvalidParameter.*'],
		status: 400,
		retryable: false,
		message: withCode('DashScope rejected the request'),
		description: (context) =>
			`${reason(context)} Check the options against what the model allows (resolution, duration, audio), the image (${IMAGE_RULES}; a public URL) and the prompt length.`,
		taskDescription: (context) =>
			`${reason(context)} Some input problems only show once the task runs: check the image (${IMAGE_RULES}), the audio and the options for this model.`,
	},
	{
		codes: ['InvalidApiKey'],
		status: 401,
		retryable: false,
		message: () => 'DashScope refused the API key (InvalidApiKey)',
		description: (context) =>
			`Check the API key in the n8n DashScope credential.${context.said} A key works only in the region it was created in: a key of another region than the credential's (${region(context)}) is the usual cause. Create the key in Model Studio of that region, or set the credential's region to the key's.`,
	},
	{
		codes: ['AccessDenied.Unpurchased'],
		status: 403,
		retryable: false,
		message: () => 'The model service is not activated for this account (AccessDenied.Unpurchased)',
		description: (context) =>
			`Activate Alibaba Cloud Model Studio (video generation) for the account in ${region(context)}, then run again.${context.said}`,
	},
	{
		codes: ['Model.AccessDenied'],
		status: 403,
		retryable: false,
		message: () => 'This API key may not use the model (Model.AccessDenied)',
		description: ({ said }) =>
			`The key's workspace is not allowed this model.${said} Allow the model for the workspace in Model Studio, use a key of the default workspace, or pick another model.`,
	},
	{
		codes: ['AllocationQuota.FreeTierOnly'],
		status: 403,
		retryable: false,
		message: () => "The model's free quota is used up (AllocationQuota.FreeTierOnly)",
		description: ({ said }) =>
			`"Use free tier only" is switched on for this model in Model Studio and its free quota is spent.${said} Switch that setting off to pay for further use, or pick another model.`,
	},
	{
		codes: ['AccessDenied', 'AccessDenied.*'],
		status: 403,
		retryable: false,
		message: withCode('DashScope denied access'),
		description: (context) =>
			/synchronous/i.test(context.upstreamMessage ?? '')
				? `The request lacked the header that asks for an asynchronous task (X-DashScope-Async: enable).${context.said} This is a fault of the node or of a proxy that drops the header: report it.`
				: `The account may not use this model or service in ${region(context)}.${context.said} Activate video generation in Model Studio for that account and region.`,
	},
	{
		codes: ['ModelNotFound', 'Model.NotFound'],
		status: 404,
		retryable: false,
		message: withCode('DashScope does not know this model'),
		description: (context) =>
			`The model name is misspelt or the model is not offered in ${region(context)}.${context.said} ${regionModelHint(context.region)}`,
	},
	{
		codes: ['Throttling.AllocationQuota'],
		status: 429,
		retryable: false,
		message: () => "The account's quota for this model is used up (Throttling.AllocationQuota)",
		description: ({ said }) =>
			`No task was created.${said} Waiting a few seconds will not help: raise the quota in Model Studio, wait for it to renew, or pick another model.`,
	},
	{
		codes: ['Throttling', 'Throttling.RateQuota', 'Throttling.BurstRate', 'Throttling.*'],
		status: 429,
		retryable: true,
		message: withCode('DashScope is rate-limiting the account'),
		description: ({ said }) =>
			`No task was created.${said} The limits are per account and model, shared by every key and workflow. The node waits and retries by itself; if this persists, lower Options → Concurrency.`,
		taskDescription: ({ said }) =>
			`DashScope was too busy to run the task.${said} The node does not start a new task by itself: run the item again later.`,
	},
	{
		codes: ['InternalError.Timeout'],
		status: 500,
		retryable: false,
		message: () => 'DashScope gave up on the task (InternalError.Timeout)',
		description: ({ said }) =>
			`DashScope stops a task that has not finished within 3 hours, usually because its queue is long.${said} Run the item again later.`,
	},
	{
		codes: ['InternalError', 'InternalError.*', 'SystemError', 'ModelServiceFailed', 'ModelUnavailable'],
		status: 500,
		retryable: false,
		message: withCode('DashScope failed'),
		description: (context) => `${reason(context)} ${MAY_EXIST(context)}`,
		taskDescription: ({ said }) =>
			`DashScope failed while generating the video.${said} The node does not start a new task by itself: run the item again later.`,
	},
];
