import { describe, expect, it } from 'vitest';
import { parseKeySubjects, resolveSubject, type SubjectPolicy } from './resolve-subject.js';

const policy: SubjectPolicy = {
  header: 'openmeter-subject',
  keySubjects: new Map([['sk-acme-0123456789', 'customer-acme']]),
  trustRequestUser: false,
};

describe('resolveSubject', () => {
  it.each([
    {
      given: { apiKey: 'sk-acme-0123456789', headerValue: 'customer-evil' },
      want: { subject: 'customer-acme', from: 'api_key' },
    },
    {
      given: { apiKey: 'sk-other', headerValue: ' customer-x ' },
      want: { subject: 'customer-x', from: 'header' },
    },
    {
      given: {
        apiKey: undefined,
        headerValue: undefined,
        body: { user: 'u-1' },
        policy: { trustRequestUser: true },
      },
      want: { subject: 'u-1', from: 'request_user' },
    },
    {
      given: {
        apiKey: undefined,
        headerValue: undefined,
        body: { safety_identifier: 's-1' },
        policy: { trustRequestUser: true },
      },
      want: { subject: 's-1', from: 'request_user' },
    },
    {
      given: {
        apiKey: undefined,
        headerValue: undefined,
        body: { user: 'u-1' },
        policy: { defaultSubject: 'house' },
      },
      want: { subject: 'house', from: 'default' },
    },
  ])('$want.from', ({ given, want }) => {
    expect(
      resolveSubject({
        policy: { ...policy, ...given.policy },
        apiKey: given.apiKey,
        headerValue: given.headerValue,
        body: given.body,
      }),
    ).toEqual({ success: true, ...want });
  });

  it('refuses a request that names no subject, saying how to name one', () => {
    const result = resolveSubject({
      policy,
      apiKey: undefined,
      headerValue: '',
      body: { user: 'u-1' },
    });
    expect(result).toEqual({
      success: false,
      message:
        'No subject to bill this request to: send the openmeter-subject header, use an API key mapped to a subject, or start the proxy with LLM_METER_PROXY_DEFAULT_SUBJECT.',
    });
  });
});

describe('parseKeySubjects', () => {
  it('reads pairs, comments and JSON', () => {
    expect(parseKeySubjects('# keys\nsk-a=customer-a\nsk-b = customer-b,sk-c=c')).toEqual(
      new Map([
        ['sk-a', 'customer-a'],
        ['sk-b', 'customer-b'],
        ['sk-c', 'c'],
      ]),
    );
    expect(parseKeySubjects('{"sk-a":"customer-a"}')).toEqual(new Map([['sk-a', 'customer-a']]));
  });

  it('names a bad entry without printing the key', () => {
    expect(() => parseKeySubjects('sk-a=customer-a\nsk-very-secret-key-1234')).toThrow(
      'entry 2 of the key → subject map is not key=subject: "sk-…1234"',
    );
  });
});
