import { describe, expect, it } from 'vitest';
import { getTokenizer } from '../../../tokenizer/get-tokenizer.js';
import { countChatPromptTokens } from './count-chat-prompt-tokens.js';
import { countResponsesPromptTokens } from './count-responses-prompt-tokens.js';

const tool = {
  type: 'function',
  name: 'get_weather',
  description: 'Get the weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('countResponsesPromptTokens', () => {
  it('counts instructions and input as chat counts a system and a user message', () => {
    const responses = countResponsesPromptTokens({
      model: 'gpt-4o',
      instructions: 'Be brief.',
      input: 'Hello',
    });
    const chat = countChatPromptTokens({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
    });
    expect(responses).toEqual(chat);
  });

  it('lists a previous_response_id, built-in tools and unconverted input items as excluded', () => {
    const count = countResponsesPromptTokens({
      model: 'gpt-4o',
      previous_response_id: 'resp_1',
      input: [
        { type: 'reasoning', content: [] },
        { role: 'user', content: 'Hello' },
      ],
      tools: [{ type: 'web_search' }, tool],
    });
    expect(count.excluded.map((part) => [part.path, part.kind])).toEqual([
      ['tools[0]', 'tool'],
      ['previous_response_id', 'previous_response'],
      ['input[0]', 'input_item'],
    ]);
    expect(count.tokens).toBeGreaterThan(0);
  });

  it('counts a json_schema text.format, which chat nests in response_format', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const without = countResponsesPromptTokens({ model: 'gpt-4o', input: 'Hi' });
    const withFormat = countResponsesPromptTokens({
      model: 'gpt-4o',
      input: 'Hi',
      text: { format: { type: 'json_schema', name: 'reply', schema } },
    });
    expect(withFormat.excluded).toEqual([]);
    expect(withFormat.tokens - without.tokens).toBeGreaterThan(10);
  });

  it('counts a text.format without a description one token below chat, with one as chat does', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const both = (description: string | undefined) => {
      const format = { type: 'json_schema', name: 'reply', schema, description };
      const chat = countChatPromptTokens({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Hi' }],
        response_format: { type: 'json_schema', json_schema: format },
      });
      const responses = countResponsesPromptTokens({
        model: 'gpt-4o',
        input: [{ role: 'user', content: 'Hi' }],
        text: { format },
      });
      return responses.tokens - chat.tokens;
    };
    // Standing alone, the Responses format counts 6 below chat's injected system message (see
    // chat-prompt-rules.ts), and one more below without a comment line.
    expect(both('The reply.')).toBe(-6);
    expect(both(undefined)).toBe(-7);
  });

  it('counts consecutive function calls each alone, and their outputs by the called name', () => {
    const call = (id: string) => ({
      type: 'function_call',
      id: `fc_${id}`,
      call_id: id,
      name: 'get_weather',
      arguments: '{"city":"Paris"}',
    });
    const output = (id: string) => ({ type: 'function_call_output', call_id: id, output: 'sunny' });
    const one = countResponsesPromptTokens({
      model: 'gpt-4o',
      input: [{ role: 'user', content: 'Weather?' }, call('a'), output('a')],
      tools: [tool],
    });
    const two = countResponsesPromptTokens({
      model: 'gpt-4o',
      input: [
        { role: 'user', content: 'Weather?' },
        call('a'),
        call('b'),
        output('a'),
        output('b'),
      ],
      tools: [tool],
    });
    const named = countResponsesPromptTokens({
      model: 'gpt-4o',
      input: [{ role: 'user', content: 'Weather?' }, call('a'), output('unknown')],
      tools: [tool],
    });
    const tokenizer = getTokenizer('o200k_base');
    const name = tokenizer.count('get_weather');
    // A second call adds what a call costs alone (name, arguments, 3 framing tokens), no
    // `multi_tool_use.parallel` wrapper; its output adds a tool message (3 + role + text) that
    // answers from the called function's name (+ 2 framing tokens).
    const callTokens = name + tokenizer.count('{"city":"Paris"}') + 3;
    const outputTokens = 3 + tokenizer.count('tool') + tokenizer.count('sunny') + name + 2;
    expect(two.tokens - one.tokens).toBe(callTokens + outputTokens);
    expect(one.tokens - named.tokens).toBe(name);
  });

  it('counts a function call sent without a stored item id 3 tokens lower, its arguments as sent', () => {
    const call = (id: string | undefined) => ({
      type: 'function_call',
      ...(id === undefined ? {} : { id }),
      call_id: 'call_1',
      name: 'get_weather',
      arguments: '{"city": "Paris"}',
    });
    const request = (item: ReturnType<typeof call>) => ({
      model: 'gpt-4o',
      input: [
        { role: 'user', content: 'Weather?' },
        item,
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
      ],
      tools: [tool],
    });
    const stored = countResponsesPromptTokens(request(call('fc_1')));
    const unstored = countResponsesPromptTokens(request(call(undefined)));
    const tokenizer = getTokenizer('o200k_base');
    // A stored call counts its arguments re-serialized without whitespace; one without an id
    // counts them as sent, and 3 framing tokens fewer.
    const spacing = tokenizer.count('{"city": "Paris"}') - tokenizer.count('{"city":"Paris"}');
    expect(spacing).toBeGreaterThan(0);
    expect(unstored.tokens - stored.tokens).toBe(spacing - 3);
    // Reasoning models count both alike.
    const reasoning = (item: ReturnType<typeof call>) =>
      countResponsesPromptTokens({ ...request(item), model: 'gpt-5' }).tokens;
    expect(reasoning(call(undefined))).toBe(reasoning(call('fc_1')));
  });
});
