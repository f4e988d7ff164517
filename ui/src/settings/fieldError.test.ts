import { describe, expect, it } from 'vitest';
import { fieldError } from './fieldError';

describe('fieldError', () => {
  it('places a base-URL refusal beside that provider’s base URL', () => {
    const message = 'the base URL of OpenAI must start with https://';
    expect(fieldError({ code: 'insecure_base_url', message, provider: 'openai' })).toEqual({
      provider: 'openai',
      field: 'base_url',
      message,
    });
    expect(fieldError({ code: 'invalid_base_url', message, provider: 'groq' })?.field).toBe('base_url');
  });

  it('asks for the key again when it was entered for another origin', () => {
    const message = 'the API key for OpenAI was entered for https://api.openai.com; enter it again for https://proxy.example';
    expect(fieldError({ code: 'key_for_another_origin', message, provider: 'openai' })).toEqual({
      provider: 'openai',
      field: 'api_key',
      message,
    });
  });

  it('leaves every other error to the footer', () => {
    expect(fieldError({ code: 'invalid_request', message: 'the idle timeout must be between 5 and 3600 seconds' })).toBeNull();
    expect(fieldError({ code: 'insecure_base_url', message: 'no provider named' })).toBeNull();
    expect(fieldError(new Error('boom'))).toBeNull();
    expect(fieldError(null)).toBeNull();
  });
});
