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

  it('leaves every other error to the footer', () => {
    expect(fieldError({ code: 'invalid_request', message: 'the idle timeout must be between 5 and 3600 seconds' })).toBeNull();
    expect(fieldError({ code: 'insecure_base_url', message: 'no provider named' })).toBeNull();
    expect(fieldError(new Error('boom'))).toBeNull();
    expect(fieldError(null)).toBeNull();
  });
});
