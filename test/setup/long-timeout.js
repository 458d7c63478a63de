// Engine and end-to-end tests make real videos and run real n8n: give them minutes, not jest's 5 s.
jest.setTimeout(Number(process.env.AOG_TEST_TIMEOUT_MS) || 180000);
