import { baseModelName } from '../../../tokenizer/base-model-name.js';
import type { ImageDimensions } from './read-image-dimensions.js';

/**
 * Published tile costs of the models that price images in 512-pixel tiles, and whose formula the
 * recorded exchanges confirm (gpt-4o at 3008×2000 and gpt-4-vision-preview at 2560×1669: 1,105
 * tokens each, as published). Other models (gpt-4o-mini, patch-priced gpt-4.1-mini/nano, o4-mini,
 * gpt-5) are not estimated here.
 */
const tileCosts: ReadonlyArray<readonly [family: RegExp, base: number, tile: number]> = [
  [
    /^(gpt-4o(?!-mini)|chatgpt-4o|gpt-4\.1(?!-mini|-nano)|gpt-4\.5|gpt-4-turbo|gpt-4-vision|gpt-4-1106-vision)/,
    85,
    170,
  ],
];

/**
 * Image tokens of one image part for a model, with OpenAI's published tile formula: `low` detail
 * costs the base; otherwise the image is scaled to fit 2048×2048, then its short side to 768, and
 * each 512-pixel tile costs `tile` more. Returns undefined when the model's image pricing is not
 * known here or the size is needed and unknown. `auto` is taken as `high`.
 */
export function countImageTokens({
  model,
  detail,
  dimensions,
}: {
  model: string;
  detail: string | null | undefined;
  dimensions: ImageDimensions | undefined;
}): number | undefined {
  const costs = tileCosts.find(([family]) => family.test(baseModelName(model)));
  if (costs === undefined) return undefined;
  const [, base, tile] = costs;
  if (detail === 'low') return base;
  if (dimensions === undefined || dimensions.width <= 0 || dimensions.height <= 0) return undefined;
  let { width, height } = dimensions;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shorten = Math.min(1, 768 / Math.min(width, height));
  width *= shorten;
  height *= shorten;
  return base + tile * Math.ceil(width / 512) * Math.ceil(height / 512);
}
