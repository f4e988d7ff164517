import { describe, expect, it } from 'vitest';
import { fieldError } from './fieldError';

describe('fieldError', () => {
  it.each([
    { code: 'insecure_base_url', provider: 'openai', field: 'base_url', message: 'the base URL of OpenAI must start with https://' },
    { code: 'invalid_base_url', provider: 'groq', field: 'base_url', message: 'the base URL of Groq is not a URL' },
    // The key was entered for another origin: it is asked for again.
    {
      code: 'key_for_another_origin',
      provider: 'openai',
      field: 'api_key',
      message: 'the API key for OpenAI was entered for https://api.openai.com; enter it again for https://proxy.example',
    },
    {
      code: 'invalid_thinking_budget',
      provider: 'anthropic',
      field: 'thinking_budget',
      message: 'the extended thinking budget of Anthropic must be 1024 tokens or more (512 is too few), or turned off',
    },
  ])('places $code beside the $field of $provider', ({ code, provider, field, message }) => {
    expect(fieldError({ code, message, provider })).toEqual({ provider, field, message });
  });

  it('leaves every other error to the footer', () => {
    expect(fieldError({ code: 'invalid_request', message: 'the idle timeout must be between 5 and 3600 seconds' })).toBeNull();
    expect(fieldError({ code: 'insecure_base_url', message: 'no provider named' })).toBeNull();
    expect(fieldError(new Error('boom'))).toBeNull();
    expect(fieldError(null)).toBeNull();
  });
});
