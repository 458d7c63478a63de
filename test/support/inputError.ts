// The InputError a synchronous check throws, for unit tests that look at its message and fields.
import { InputError } from '../../nodes/Aog/run/failures';

/** Runs `run`, expects it to throw an InputError and returns that error (fails the test if nothing is thrown). */
export function inputError(run: () => unknown): InputError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error('no InputError was thrown');
}
