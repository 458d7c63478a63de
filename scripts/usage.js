'use strict';
// --help for the scripts of scripts/ that take few options: `--help` (or -h) prints the usage and exits 0 having done
// nothing else; an option the script does not know prints the usage and exits 2, instead of starting a long run.
// `known` lists the options: '--quick' exactly, '--only=' as a prefix.

/** Call first thing when run as a script (never when required as a module). */
function answerHelp(usage, known = [], argv = process.argv.slice(2)) {
	const text = `${usage.trimEnd()}\n`;
	if (argv.includes('--help') || argv.includes('-h')) {
		process.stdout.write(text);
		process.exit(0);
	}
	const unknown = argv.filter(
		(arg) => !known.some((option) => (option.endsWith('=') ? arg.startsWith(option) : arg === option)),
	);
	if (unknown.length > 0) {
		process.stderr.write(`Unknown option ${unknown[0]}\n\n${text}`);
		process.exit(2);
	}
}

module.exports = { answerHelp };
