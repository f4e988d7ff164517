//! The conversation a run builds: the history it was given, then each message of this run as it
//! completes (the prompt, each step's answer with its tool calls, each tool result), handed at
//! once to whoever records the run, so that a crash mid-run loses no completed message.

use telltale_protocol::Message;
use tokio::sync::mpsc::UnboundedSender;

pub(crate) struct Transcript {
    messages: Vec<Message>,
    /// How many of `messages` came with the run (the rest are new).
    history_len: usize,
    /// Where each new message goes as it completes, when someone records the run.
    sink: Option<UnboundedSender<Message>>,
}

impl Transcript {
    pub(crate) fn new(history: &[Message], sink: Option<UnboundedSender<Message>>) -> Self {
        Transcript { messages: history.to_vec(), history_len: history.len(), sink }
    }

    /// Adds a completed message and hands it to the sink.
    pub(crate) fn push(&mut self, message: Message) {
        self.send(&message);
        self.messages.push(message);
    }

    /// Hands a completed message to the sink only: the caller adds it to the transcript later,
    /// in its place (tool results are recorded as they finish, and kept in call order).
    pub(crate) fn send(&self, message: &Message) {
        if let Some(sink) = &self.sink {
            // A recorder that went away records nothing more; the run goes on.
            let _ = sink.send(message.clone());
        }
    }

    /// Adds a message the sink has had already (see [`send`](Self::send)).
    pub(crate) fn push_sent(&mut self, message: Message) {
        self.messages.push(message);
    }

    /// The text of the answer cut off mid-text that the transcript ends with (an assistant
    /// message with no tool calls), which a step now continues.
    pub(crate) fn cut_off_text(&self) -> Option<&str> {
        match self.messages.last() {
            Some(Message::Assistant { text, tool_calls, .. }) if tool_calls.is_empty() => {
                Some(text)
            }
            _ => None,
        }
    }

    /// Adds a step's answer; when the transcript ends with a cut-off answer (see
    /// [`cut_off_text`](Self::cut_off_text)) that it continues, the two become one message,
    /// handed to the sink whole.
    pub(crate) fn push_answer(&mut self, message: Message) {
        if self.cut_off_text().is_none() {
            return self.push(message);
        }
        let (
            Some(Message::Assistant { text: before, thinking: earlier, .. }),
            Message::Assistant { text, tool_calls, thinking },
        ) = (self.messages.last(), &message)
        else {
            return self.push(message);
        };
        let whole = Message::Assistant {
            text: format!("{before}{text}"),
            tool_calls: tool_calls.clone(),
            thinking: earlier.iter().chain(thinking).cloned().collect(),
        };
        self.messages.pop();
        self.history_len = self.history_len.min(self.messages.len());
        self.push(whole);
    }

    pub(crate) fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// What this run added.
    pub(crate) fn into_new(mut self) -> Vec<Message> {
        self.messages.split_off(self.history_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc::unbounded_channel;

    #[test]
    fn each_new_message_reaches_the_sink_once_and_the_history_does_not() {
        let (tx, mut rx) = unbounded_channel();
        let old = Message::user("earlier");
        let mut transcript = Transcript::new(std::slice::from_ref(&old), Some(tx));
        let prompt = Message::user("now");
        transcript.push(prompt.clone());
        let result = Message::Tool {
            call_id: "c".into(),
            name: "clock".into(),
            ok: true,
            output: "9".into(),
        };
        transcript.send(&result);
        transcript.push_sent(result.clone());
        assert_eq!(transcript.messages(), &[old, prompt.clone(), result.clone()]);
        assert_eq!(rx.try_recv().ok(), Some(prompt.clone()));
        assert_eq!(rx.try_recv().ok(), Some(result.clone()));
        assert!(rx.try_recv().is_err());
        assert_eq!(transcript.into_new(), vec![prompt, result]);
    }

    #[test]
    fn an_answer_that_continues_a_cut_off_one_becomes_one_message() {
        let (tx, mut rx) = unbounded_channel();
        let cut = |text: &str| Message::assistant(text, vec![]);
        let history = [Message::user("tell me"), cut("Once upon")];
        let mut transcript = Transcript::new(&history, Some(tx));
        assert_eq!(transcript.cut_off_text(), Some("Once upon"));
        transcript.push_answer(cut(" a time."));
        assert_eq!(transcript.messages(), &[history[0].clone(), cut("Once upon a time.")]);
        assert_eq!(rx.try_recv().ok(), Some(cut("Once upon a time.")), "whole, to take its place");
        assert_eq!(transcript.into_new(), vec![cut("Once upon a time.")]);
    }
}
