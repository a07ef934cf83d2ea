/** Installs {@link browserPlatform} as the core's platform (imported for its effect by the browser entry). */
import { setPlatform } from '../platform/platform.js';
import { browserPlatform } from './platform.js';

setPlatform(browserPlatform);
