// The user's prompt, as a bubble on the right.
import { memo } from 'react';

export const UserMessage = memo(function UserMessage({ text }: { text: string }) {
  return (
    <div className="user-row">
      <div className="user-bubble" data-testid="user-message">
        {text}
      </div>
    </div>
  );
});
