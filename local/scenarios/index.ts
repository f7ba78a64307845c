import { fileURLToPath } from 'node:url';

/** The bundled demo scenario: what `npm start` plays, and the fixture of most tests. */
export const DEMO_SCENARIO = fileURLToPath(new URL('./demo.json', import.meta.url));
