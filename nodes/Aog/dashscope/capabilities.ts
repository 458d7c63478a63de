// The checks every Wan mode makes against a known model's capabilities, after its own first check (resolution or
// size): duration, the audio switch, an audio track, the shot type. Each error names the option as the editor shows
// it, the values the model allows, and other models of the same mode that would take the value.
import { InputError } from '../run/failures';
import { DEFAULT_DURATION, type DashScopeModel } from './modelTable';

/** What both model tables say of a model. */
export interface Capabilities {
	displayName: string;
	durations: DashScopeModel['durations'];
	audio: boolean;
	audioUrl: boolean;
	shotType: boolean;
}

/** The option labels the texts use, and where the mode takes its audio track from. */
export interface CapabilityLabels {
	duration: string;
	audio: string;
	shotType: string;
	promptExtend: string;
	/** How the editor names the audio track ("Options → Audio URL", "Audio Source"), and how to drop it. */
	audioTrack: { label: string; fix: string };
}

export interface CapabilityOptions {
	duration?: number;
	audio?: boolean;
	audioUrl?: string;
	shotType?: string;
	promptExtend?: boolean;
}

export function checkCapabilities<M extends Capabilities>(
	model: string,
	known: M,
	table: Readonly<Record<string, M>>,
	options: CapabilityOptions,
	label: CapabilityLabels,
): void {
	const name = `${model} (${known.displayName})`;
	const others = (accepts: (candidate: M) => boolean, what: string) => othersOffering(model, table, accepts, what);
	const { duration, audioUrl } = options;
	if (duration !== undefined) {
		const allowed = known.durations === 'fixed 5' ? [DEFAULT_DURATION] : known.durations;
		if (!allowed.includes(duration)) {
			throw new InputError(
				`${label.duration} is ${duration}, which ${model} does not make`,
				`${name} makes ${describeDurations(known.durations)}.${others((m) => m.durations !== 'fixed 5' && m.durations.includes(duration), `${duration} s`)} Pick one of those.`,
			);
		}
	}
	if (options.audio !== undefined && !known.audio) {
		throw new InputError(
			`${label.audio} is not available for ${model}`,
			`${name} ${known.audioUrl ? `adds sound by itself or takes it from ${label.audioTrack.label}` : 'makes silent videos'}; it has no audio switch.${others((m) => m.audio, 'the switch')} Remove the option.`,
		);
	}
	if (audioUrl !== undefined && audioUrl !== '' && !known.audioUrl) {
		throw new InputError(
			`${label.audioTrack.label} is not available for ${model}`,
			`${name} makes silent videos and takes no audio track.${others((m) => m.audioUrl, 'an audio track')} ${label.audioTrack.fix}`,
		);
	}
	if (options.shotType !== undefined && options.shotType !== '') {
		if (!known.shotType) {
			throw new InputError(
				`${label.shotType} is not available for ${model}`,
				`${name} has no shot type.${others((m) => m.shotType, 'a shot type')} Remove the option.`,
			);
		}
		if (!['single', 'multi'].includes(options.shotType)) {
			throw new InputError(`${label.shotType} is ${options.shotType}`, `${name} takes "single" or "multi".`);
		}
		if (options.promptExtend === false) {
			throw new InputError(
				`${label.shotType} needs ${label.promptExtend}`,
				'DashScope honours the shot type only when it extends the prompt: switch Prompt Extend on, or remove Shot Type.',
			);
		}
	}
}

/** " Models that offer X: a, b." — other known models of the table (one name per capability set). */
export function othersOffering<M>(
	model: string,
	table: Readonly<Record<string, M>>,
	accepts: (candidate: M) => boolean,
	what: string,
): string {
	const names = Object.entries(table)
		.filter(([name, candidate]) => name !== model && accepts(candidate) && !name.startsWith('wan2.1-'))
		.map(([name]) => name);
	return names.length > 0 ? ` Models that offer ${what}: ${names.join(', ')}.` : '';
}

export function listOf(values: readonly string[]): string {
	return values.length === 1
		? `${values[0]} only`
		: `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

export function describeDurations(durations: DashScopeModel['durations']): string {
	if (durations === 'fixed 5') return '5 s videos only';
	const contiguous = durations.every((value, i) => i === 0 || value === durations[i - 1] + 1);
	return contiguous && durations.length > 2
		? `${durations[0]}–${durations[durations.length - 1]} s videos (whole seconds)`
		: `${listOf(durations.map(String))} s videos`;
}
