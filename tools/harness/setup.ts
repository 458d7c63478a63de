// Loaded before anything from n8n-core: the DI container needs reflect-metadata, and n8n reads
// N8N_USER_FOLDER (instance settings, encryption key, binary storage) the first time it is asked.
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

let ownUserFolder: string | undefined;

if (!process.env.N8N_USER_FOLDER) {
	ownUserFolder = mkdtempSync(path.join(tmpdir(), 'n8n-aog-engine-'));
	process.env.N8N_USER_FOLDER = ownUserFolder;
	const remove = () => {
		try {
			rmSync(ownUserFolder!, { recursive: true, force: true });
		} catch {
			// best effort
		}
	};
	// Under jest every test file gets its own process.env copy (so its own folder): remove it when
	// the file's tests are done; outside jest, when the process exits.
	const jestAfterAll = (globalThis as { afterAll?: (fn: () => void) => void }).afterAll;
	if (typeof jestAfterAll === 'function') jestAfterAll(remove);
	else process.on('exit', remove);
}
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_VERSION_NOTIFICATIONS_ENABLED ??= 'false';
// n8n warns when its settings file is world-readable; keep tests quiet.
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';

/** The temporary user folder this process uses for n8n (settings file, binary storage). */
export const userFolder = process.env.N8N_USER_FOLDER;
