'use strict';
// The dev servers stand in for the internet when they download a URL: names under `.test` (a TLD reserved for
// testing, RFC 6761) resolve to this machine, so a test can serve media at a public-looking address such as
// http://media.test:PORT/clip.mp4 that the node does not refuse as private, on any machine.
const dns = require('dns');

/**
 * An http.get `lookup`: `*.test` → 127.0.0.1, any other name as usual.
 * @param {string} hostname
 * @param {dns.LookupOptions} options
 * @param {(error: Error | null, address: string | dns.LookupAddress[], family?: number) => void} callback
 */
function lookupTestHosts(hostname, options, callback) {
	if (!/(^|\.)test$/i.test(hostname)) return dns.lookup(hostname, options, /** @type {any} */ (callback));
	if (options && options.all) return callback(null, [{ address: '127.0.0.1', family: 4 }]);
	return callback(null, '127.0.0.1', 4);
}

module.exports = { lookupTestHosts };
