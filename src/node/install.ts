/** Installs {@link nodePlatform} as the core's platform (imported for its effect by the Node entry, the CLI, benches and examples). */
import { setPlatform } from '../platform/platform.js';
import { nodePlatform } from './platform.js';

setPlatform(nodePlatform);
