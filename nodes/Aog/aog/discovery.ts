// Reads AOG's two model-discovery answers (docs/AOG-API.md) into one list of image-to-video models.
import { isObject } from '../http/json';

export interface DiscoveredModel {
	name: string;
	installed: boolean;
}

const SERVICE = 'image-to-video';

/** GET /aog/v0.2/control_panel/modellist → data.data[] with can_select. */
export function modelsFromControlPanel(json: unknown): DiscoveredModel[] | undefined {
	const rows = isObject(json) && isObject(json.data) ? json.data.data : undefined;
	if (!Array.isArray(rows)) return undefined;
	return rows
		.filter(
			(row) =>
				isObject(row) &&
				typeof row.name === 'string' &&
				(row.service_name === undefined || row.service_name === SERVICE),
		)
		.map((row) => ({ name: String(row.name), installed: row.can_select === true }));
}

/** GET /aog/v0.2/model → data[]; the server ignores filters, so filter by service and status here. */
export function modelsFromModelList(json: unknown): DiscoveredModel[] | undefined {
	const rows = isObject(json) ? json.data : undefined;
	if (!Array.isArray(rows)) return undefined;
	return rows
		.filter((row) => isObject(row) && row.service_name === SERVICE && typeof row.model_name === 'string')
		.map((row) => ({ name: String(row.model_name), installed: row.status === 'downloaded' }));
}

/** One list from several, first-seen order; a model usable in any list is usable. */
export function mergeModelLists(lists: DiscoveredModel[][]): DiscoveredModel[] {
	const merged = new Map<string, DiscoveredModel>();
	for (const model of lists.flat()) {
		const seen = merged.get(model.name);
		merged.set(model.name, { name: model.name, installed: model.installed || (seen?.installed ?? false) });
	}
	return [...merged.values()];
}
