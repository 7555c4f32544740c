import { vitestConfig } from '../../tooling/vitest/config.js';

export default vitestConfig;
