import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { APICallError } from '@ai-sdk/provider';
import * as ai from 'ai';
import { describeMiddlewareSuite } from './testing/describe-middleware-suite.js';

describeMiddlewareSuite({
  name: 'ai 6',
  specificationVersion: 'v3',
  ai,
  createOpenAI,
  createAnthropic,
  createGoogleGenerativeAI,
  APICallError,
});
