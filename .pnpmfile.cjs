// node-gyp builds better-sqlite3 from source where its prebuilt binary cannot be downloaded (no
// network, as in CI). pnpm passes only a few variables to install scripts, so point node-gyp at
// the headers installed with the running Node (Debian: /usr/include/node) instead of letting it
// download them.
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const nodePrefix = join(dirname(process.execPath), '..');

module.exports = {
  hooks: {
    updateConfig(config) {
      if (!process.env.npm_config_nodedir && existsSync(join(nodePrefix, 'include/node/node.h'))) {
        config.extraEnv = { ...config.extraEnv, npm_config_nodedir: nodePrefix };
      }
      return config;
    },
  },
};
