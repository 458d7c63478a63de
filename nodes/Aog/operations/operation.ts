import type { INodeProperties } from 'n8n-workflow';

import type { ItemOperation } from '../run/runItems';

/** One entry of the list of operations (operations/index.ts). */
export interface Operation {
	value: string;
	name: string;
	action: string;
	description: string;
	/** The operation's fields, shown only when it is chosen. */
	properties: INodeProperties[];
	execute: ItemOperation;
}
