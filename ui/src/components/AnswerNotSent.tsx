// Under a card that waits on the user (an approval, a budget pause): why their answer did not go.
export function AnswerNotSent({ failure }: { failure: string | null }) {
  if (!failure) return null;
  return (
    <p className="field-error" role="alert">
      Couldn&apos;t send your answer: {failure}
    </p>
  );
}
