/**
 * Writes the reference pages made from the code's own definitions: docs/reference/configuration.md
 * from the configuration options. `npm run gen:docs`; a unit test fails when the page drifts.
 */
import * as fs from 'node:fs';
import { configurationReference } from '../src/config/reference.js';

const page = new URL('../docs/reference/configuration.md', import.meta.url);
fs.writeFileSync(page, configurationReference());
console.log(`wrote ${page.pathname}`);
