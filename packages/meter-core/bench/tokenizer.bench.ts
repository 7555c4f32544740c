import { Tokenizer as AiTokenizer } from 'ai-tokenizer';
import * as aiTokenizerO200k from 'ai-tokenizer/encoding/o200k_base';
import { encode as gptTokenizerEncode } from 'gpt-tokenizer/encoding/o200k_base';
import { Tiktoken } from 'js-tiktoken/lite';
import o200kRanks from 'js-tiktoken/ranks/o200k_base';
import { get_encoding } from 'tiktoken';
import { beforeAll, bench, describe } from 'vitest';
import { getTokenizer } from '../src/tokenizer/get-tokenizer.js';
import {
  readRecordedTexts,
  readTranslatedMessages,
  readTypeScriptSources,
} from './read-real-text.js';

// Ours beside the four JavaScript tokenizers people use, all on o200k_base, same process, same
// inputs, special-token text encoded as plain text everywhere: js-tiktoken 1.0.21, gpt-tokenizer
// 4.0.0, tiktoken 1.0.22 (Rust compiled to WASM) and ai-tokenizer 1.0.6.
const ours = getTokenizer('o200k_base');
const jsTiktoken = new Tiktoken(o200kRanks);
const wasmTiktoken = get_encoding('o200k_base');
const aiTokenizer = new AiTokenizer(aiTokenizerO200k);
const noSpecialTokens = new Set<string>();

const tokenizers: Record<string, (text: string) => ArrayLike<number>> = {
  ours: (text) => ours.encode(text),
  'ai-tokenizer': (text) => aiTokenizer.encode(text, [], []),
  'gpt-tokenizer': (text) => gptTokenizerEncode(text, { disallowedSpecial: noSpecialTokens }),
  'tiktoken (WASM)': (text) => wasmTiktoken.encode_ordinary(text),
  'js-tiktoken': (text) => jsTiktoken.encode(text, [], []),
};

// Several times slower than the rest on real text: fewer rounds keep the run short.
const slowPeers = new Set(['tiktoken (WASM)', 'js-tiktoken']);
const once = { iterations: 2, time: 0, warmupIterations: 0, warmupTime: 0 };
const few = { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 };

let sink = 0;

// Keeps whole texts (each one is encoded separately, as the meter does) up to about `characters`.
function takeTexts({ texts, characters }: { texts: string[]; characters: number }): string[] {
  const taken: string[] = [];
  let total = 0;
  for (const text of texts) {
    if (total >= characters) break;
    taken.push(text);
    total += text.length;
  }
  return taken;
}

const corpora = {
  'recorded prompts and completions': readRecordedTexts(),
  'TypeScript sources of this repository': takeTexts({
    texts: readTypeScriptSources(),
    characters: 300_000,
  }),
  'non-ASCII prose (TypeScript messages in 9 languages)': takeTexts({
    texts: readTranslatedMessages(),
    characters: 200_000,
  }),
};

for (const [corpus, texts] of Object.entries(corpora)) {
  const characters = texts.reduce((total, text) => total + text.length, 0);
  describe(`${corpus}: ${texts.length} texts, ${characters} characters`, () => {
    beforeAll(() => {
      texts.forEach((text, index) => {
        const want = ours.encode(text).join();
        for (const [name, encode] of Object.entries(tokenizers)) {
          if (Array.from(encode(text)).join() !== want) {
            throw new Error(`${corpus}, text ${index}: ${name} differs from ours`);
          }
        }
      });
    });
    for (const [name, encode] of Object.entries(tokenizers)) {
      bench(
        name,
        () => {
          for (const text of texts) sink += encode(text).length;
        },
        slowPeers.has(name) ? few : { time: 1_000, iterations: 10, warmupTime: 200 },
      );
    }
  });
}

// Repeats `unit` to exactly `characters` UTF-16 code units.
function repeatTo({ unit, characters }: { unit: string; characters: number }): string {
  return unit.repeat(Math.ceil(characters / unit.length)).slice(0, characters);
}

// Inputs that make a byte-pair merge quadratic when it scans for the lowest pair (js-tiktoken) or
// re-encodes whole pieces (ai-tokenizer): one long pre-tokenized piece each. Peers are quadratic
// here, so they run at 2,000 characters only; ours also runs at 50,000 and 1,000,000.
const adversarialUnits = {
  'repeated a': 'a',
  Thai: 'สวัสดีครับยินดีต้อนรับสู่ประเทศไทย',
  'Chinese, no punctuation': '中文没有标点符号的文本是分词器的难题',
  spaces: ' ',
};

for (const [name, unit] of Object.entries(adversarialUnits)) {
  describe(`adversarial: ${name}`, () => {
    const short = repeatTo({ unit, characters: 2_000 });
    // A different input on every call: the merge caches of ai-tokenizer, gpt-tokenizer and ours
    // would otherwise answer repeated calls without merging at all.
    const variants = Array.from({ length: 64 }, (_, index) =>
      repeatTo({ unit, characters: 2_000 - index }),
    );
    let call = 0;
    const medium = `${repeatTo({ unit, characters: 50_000 })}x`;
    const large = `${repeatTo({ unit, characters: 1_000_000 })}x`;

    beforeAll(() => {
      const want = ours.encode(short).join();
      for (const [peer, encode] of Object.entries(tokenizers)) {
        if (Array.from(encode(short)).join() !== want) {
          throw new Error(`${name}: ${peer} differs from ours`);
        }
      }
    });

    for (const [peer, encode] of Object.entries(tokenizers)) {
      bench(
        `${peer}, about 2,000 chars`,
        () => {
          sink += encode(variants[call++ % variants.length] as string).length;
        },
        peer === 'js-tiktoken' ? once : few,
      );
    }
    bench(
      'ours, 50,000 chars',
      () => {
        sink += ours.encode(medium).length;
      },
      few,
    );
    bench(
      'ours, 1,000,000 chars',
      () => {
        sink += ours.encode(large).length;
      },
      few,
    );
  });
}

describe('sink', () => {
  bench(
    'keeps results alive',
    () => {
      if (sink < 0) throw new Error('unreachable');
    },
    once,
  );
});
