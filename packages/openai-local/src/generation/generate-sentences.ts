import type { SeededRandom } from './create-seeded-random.js';

// Plain lowercase ASCII words: every one is a handful of tokens in each encoding, and the text
// never contains characters that would need escaping or split into partial UTF-8 tokens.
const words = [
  'the',
  'meter',
  'counts',
  'every',
  'token',
  'and',
  'bills',
  'it',
  'once',
  'a',
  'stream',
  'sends',
  'small',
  'pieces',
  'of',
  'text',
  'to',
  'client',
  'which',
  'joins',
  'them',
  'model',
  'answers',
  'quickly',
  'with',
  'simple',
  'words',
  'from',
  'list',
  'usage',
  'is',
  'reported',
  'at',
  'end',
  'prompt',
  'cache',
  'saves',
  'time',
  'on',
  'long',
  'prefixes',
  'request',
  'gets',
  'an',
  'id',
  'that',
  'never',
  'repeats',
  'local',
  'server',
  'speaks',
  'same',
  'protocol',
  'as',
  'real',
  'one',
  'so',
  'tests',
  'run',
  'without',
  'network',
  'access',
  'each',
  'reply',
  'looks',
  'plausible',
  'but',
  'means',
  'nothing',
  'in',
  'particular',
  'sentences',
  'vary',
  'length',
  'deterministic',
  'output',
  'helps',
  'debugging',
  'customers',
  'pay',
  'for',
  'what',
  'they',
  'use',
  'events',
  'flow',
  'into',
  'ledger',
  'quietly',
  'reliable',
  'systems',
  'retry',
  'after',
  'errors',
  'careful',
  'engineers',
  'measure',
  'twice',
  'charge',
  'fairly',
  'today',
] as const;

/**
 * Builds a few plausible English-looking sentences from a built-in word list; the same random
 * source always yields the same text.
 */
export function generateSentences({
  random,
  minSentences = 1,
  maxSentences = 4,
}: {
  random: SeededRandom;
  minSentences?: number;
  maxSentences?: number;
}): string {
  const sentenceCount = random.integer({ min: minSentences, max: maxSentences });
  const sentences: string[] = [];
  for (let index = 0; index < sentenceCount; index += 1) {
    const wordCount = random.integer({ min: 4, max: 14 });
    const sentenceWords: string[] = [];
    for (let position = 0; position < wordCount; position += 1)
      sentenceWords.push(random.pick(words));
    const sentence = sentenceWords.join(' ');
    sentences.push(`${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`);
  }
  return sentences.join(' ');
}

/**
 * Picks a single word from the built-in word list (for JSON string values and keys).
 */
export function generateWord(random: SeededRandom): string {
  return random.pick(words);
}
