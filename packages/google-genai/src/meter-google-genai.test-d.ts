import { GoogleGenAI as GoogleGenAI3 } from '@google/genai';
import type { UsageOutbox } from '@llm-meter/meter-outbox';
import { GoogleGenAI as GoogleGenAI2 } from 'genai2';
import { describe, expectTypeOf, it } from 'vitest';
import { meterGoogleGenAI } from './meter-google-genai.js';

declare const outbox: UsageOutbox;

describe('meterGoogleGenAI types', () => {
  it('returns the client of @google/genai 3 with its own type', () => {
    const metered = meterGoogleGenAI(new GoogleGenAI3({ apiKey: 'key' }), { outbox });
    expectTypeOf(metered).toEqualTypeOf<GoogleGenAI3>();
    expectTypeOf(metered.models.generateContent).toEqualTypeOf<
      GoogleGenAI3['models']['generateContent']
    >();
    expectTypeOf(metered.models.generateContentStream).toEqualTypeOf<
      GoogleGenAI3['models']['generateContentStream']
    >();
    expectTypeOf(metered.chats.create).toEqualTypeOf<GoogleGenAI3['chats']['create']>();
  });

  it('returns the client of @google/genai 2 with its own type', () => {
    const metered = meterGoogleGenAI(new GoogleGenAI2({ apiKey: 'key' }), { outbox });
    expectTypeOf(metered).toEqualTypeOf<GoogleGenAI2>();
    expectTypeOf(metered.models.generateContentStream).toEqualTypeOf<
      GoogleGenAI2['models']['generateContentStream']
    >();
  });

  it('refuses what is not a GoogleGenAI client', () => {
    // @ts-expect-error: no models to meter.
    meterGoogleGenAI({ messages: {} }, { outbox });
  });
});
