// Edit & resend on a user message.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { UserMessage } from './UserMessage';

describe('UserMessage', () => {
  it('offers Edit only when a prompt can be sent again', () => {
    expect(renderToStaticMarkup(<UserMessage text="hi" onResend={() => {}} />)).toContain('data-testid="edit-message"');
    expect(renderToStaticMarkup(<UserMessage text="hi" />)).not.toContain('data-testid="edit-message"');
  });
});
