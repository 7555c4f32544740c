import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tiktoken } from 'js-tiktoken/lite';
import { beforeAll, bench, describe } from 'vitest';
import { encodingData } from '../src/tokenizer/encoding-data.js';
import { getTokenizer } from '../src/tokenizer/get-tokenizer.js';

// Ours against js-tiktoken 1.0.21 (o200k_base), same process, same inputs. js-tiktoken's merge is
// quadratic per pre-tokenized piece, so its adversarial inputs are capped at 2,000 characters
// (about 8 s per Thai run); ours also runs them at 1 MB (UTF-8 bytes).
const ours = getTokenizer('o200k_base');
const reference = new Tiktoken(encodingData.o200k_base);
const referenceEncode = (text: string): number[] => reference.encode(text, [], []);

let sink = 0;

// Real prose: every string message content of the recorded exchanges, in file order.
function readProse(): string {
  const directory = fileURLToPath(new URL('../../../../shared/fixtures/openai/', import.meta.url));
  const parts: string[] = [];
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.jsonl'))) {
    for (const line of readFileSync(`${directory}${file}`, 'utf8').split('\n')) {
      if (line === '') continue;
      const exchange = JSON.parse(line) as { request?: { messages?: { content?: unknown }[] } };
      for (const message of exchange.request?.messages ?? []) {
        if (typeof message.content === 'string') parts.push(message.content);
      }
    }
  }
  return parts.join('\n');
}

// Repeats `unit` to exactly `characters` UTF-16 code units (units here are BMP-safe or whole).
function repeatTo({ unit, characters }: { unit: string; characters: number }): string {
  return unit.repeat(Math.ceil(characters / unit.length)).slice(0, characters);
}

// Repeats `unit` until the text is `bytes` long in UTF-8 (or just under, at a character boundary).
function repeatToBytes({ unit, bytes }: { unit: string; bytes: number }): string {
  const unitBytes = new TextEncoder().encode(unit).length;
  return unit.repeat(Math.floor(bytes / unitBytes));
}

const adversarialUnits = {
  'repeated a': 'a',
  Thai: 'สวัสดีครับยินดีต้อนรับสู่ประเทศไทย',
  'Chinese, no punctuation': '中文没有标点符号的文本是分词器的难题',
  mixed: `${'a'.repeat(300)}สวัสดีครับ中文没有标点${' '.repeat(40)}🎉🎉🎉${'9'.repeat(20)}\n`,
} as const;

const once = { iterations: 2, time: 0, warmupIterations: 0, warmupTime: 0 };
const few = { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 };

describe('prose', () => {
  const prose = readProse();
  const small = prose.slice(0, 10_000);
  const large = repeatToBytes({ unit: prose, bytes: 1_000_000 }) || prose.slice(0, 1_000_000);

  beforeAll(() => {
    if (ours.encode(large).join() !== referenceEncode(large).join()) {
      throw new Error('prose: outputs differ from js-tiktoken');
    }
  });

  bench('ours, 10 k chars', () => {
    sink += ours.encode(small).length;
  });
  bench('js-tiktoken, 10 k chars', () => {
    sink += referenceEncode(small).length;
  });
  bench(
    'ours, ~1 MB',
    () => {
      sink += ours.encode(large).length;
    },
    few,
  );
  bench(
    'js-tiktoken, ~1 MB',
    () => {
      sink += referenceEncode(large).length;
    },
    few,
  );
});

for (const [name, unit] of Object.entries(adversarialUnits)) {
  describe(name, () => {
    const short = repeatTo({ unit, characters: 1_000 });
    const capped = repeatTo({ unit, characters: 2_000 });
    const megabyte = repeatToBytes({ unit, bytes: 1_000_000 });

    beforeAll(() => {
      if (ours.encode(short).join() !== referenceEncode(short).join()) {
        throw new Error(`${name}: outputs differ from js-tiktoken`);
      }
    });

    bench('ours, 1,000 chars', () => {
      sink += ours.encode(short).length;
    });
    bench(
      'js-tiktoken, 1,000 chars',
      () => {
        sink += referenceEncode(short).length;
      },
      once,
    );
    bench('ours, 2,000 chars', () => {
      sink += ours.encode(capped).length;
    });
    bench(
      'js-tiktoken, 2,000 chars',
      () => {
        sink += referenceEncode(capped).length;
      },
      once,
    );
    bench(
      'ours, 1 MB',
      () => {
        sink += ours.encode(megabyte).length;
      },
      few,
    );
  });
}

// The pre-tokenizer alone (tiktoken's pattern, as both tokenizers run it) on 1 MB runs of each
// character class it treats specially: linear if these stay in the same range as prose.
describe('pre-tokenizer pattern alone, 1 MB', () => {
  const pattern = new RegExp(encodingData.o200k_base.pat_str, 'gu');
  const runs = {
    spaces: `${' '.repeat(999_999)}x`,
    'newlines and spaces': ' \n'.repeat(500_000),
    'tabs and spaces': ' \t'.repeat(500_000),
    digits: '7'.repeat(1_000_000),
    punctuation: '!?'.repeat(500_000),
    uppercase: 'A'.repeat(1_000_000),
    Thai: repeatToBytes({ unit: adversarialUnits.Thai, bytes: 1_000_000 }),
  };
  for (const [name, text] of Object.entries(runs)) {
    bench(
      name,
      () => {
        pattern.lastIndex = 0;
        let pieces = 0;
        while (pattern.exec(text) !== null) pieces++;
        sink += pieces;
      },
      few,
    );
  }
});

describe('ours, 1 MB whitespace run', () => {
  const text = `${' '.repeat(999_999)}x`;
  bench(
    'spaces',
    () => {
      sink += ours.encode(text).length;
    },
    few,
  );
});

describe('sink', () => {
  bench(
    'keeps results alive',
    () => {
      if (sink < 0) throw new Error('unreachable');
    },
    once,
  );
});
