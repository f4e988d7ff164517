//! The offline demo's words: its plan, and its answer built from the tools' results.

use serde_json::Value;

use super::intents::Intent;
use telltale_protocol::Message;

/// One line on what the demo is about to do.
pub fn plan(intents: &[Intent]) -> String {
    let steps: Vec<String> = intents
        .iter()
        .filter_map(|intent| match intent {
            Intent::Arithmetic(expression) => {
                Some(format!("work out {expression} with the calculator"))
            }
            Intent::Time { place } => Some(format!("check the clock for {place}")),
            Intent::Date { place } => Some(format!("look up today's date in {place}")),
            Intent::DraftEmail { to, .. } => {
                Some(format!("draft the email to {to} in the editor, field by field"))
            }
            Intent::DraftNote { .. } => Some("draft the note in the editor".to_owned()),
            Intent::Greeting | Intent::Help => None,
        })
        .collect();
    format!("I'll {}.", join_words(&steps))
}

/// The final answer, from the intents and this turn's tool results.
pub fn compose(intents: &[Intent], this_turn: &[Message]) -> String {
    let results: Vec<(&str, bool, &str)> = this_turn
        .iter()
        .filter_map(|m| match m {
            Message::Tool { name, ok, output, .. } => Some((name.as_str(), *ok, output.as_str())),
            _ => None,
        })
        .collect();
    if results.is_empty() {
        return match intents.first() {
            Some(Intent::Greeting) => format!("Hello! {}", CAPABILITIES),
            Some(Intent::Help) => format!("{} {}", CAPABILITIES, HOW_TO_ADD_A_MODEL),
            _ => format!(
                "I'm Telltale's offline demo, so I can't answer that: there is no language model behind me. {} {}",
                CAPABILITIES, HOW_TO_ADD_A_MODEL
            ),
        };
    }
    let mut sentences = Vec::new();
    let mut results = results.into_iter();
    for intent in intents {
        let sentence = match (intent, results.next()) {
            (Intent::Arithmetic(expression), Some(("calculator", true, value))) => {
                format!("{expression} = {value}.")
            }
            (Intent::Arithmetic(expression), Some((_, false, error))) => {
                format!("I couldn't work out {expression}: {error}.")
            }
            (Intent::Time { place }, Some(("clock", true, output))) => time_sentence(place, output, false),
            (Intent::Date { place }, Some(("clock", true, output))) => time_sentence(place, output, true),
            (Intent::Time { place } | Intent::Date { place }, Some((_, false, error))) => {
                format!("I couldn't tell the time in {place}: {error}.")
            }
            (Intent::DraftEmail { to, .. }, Some(("draft_email", true, _))) => format!(
                "I've drafted the email to {to}. It's open in the editor: change anything you like, then copy it \
                 into your mail app. Nothing was sent."
            ),
            (Intent::DraftNote { .. }, Some(("draft_note", true, _))) => {
                "I've drafted the note. It's open in the editor, ready to edit and copy.".to_owned()
            }
            (Intent::DraftEmail { .. } | Intent::DraftNote { .. }, Some((_, false, error))) => {
                format!("I couldn't open the draft: {error}.")
            }
            _ => continue,
        };
        sentences.push(sentence);
    }
    sentences
        .push("(Offline demo: these come straight from Telltale's built-in tools.)".to_owned());
    sentences.join("\n\n")
}

const CAPABILITIES: &str =
    "Without a model I can do arithmetic (\"what is 17 * 23?\") and tell the time \
or date anywhere (\"what time is it in Tokyo?\"), using the same tools a real model would call.";
const HOW_TO_ADD_A_MODEL: &str =
    "To chat with a real model, add an API key for OpenAI, Anthropic or an \
OpenAI-compatible server, then pick that provider.";

/// A demo email (subject, body) to `to` about `topic`.
pub fn email_draft(to: &str, topic: Option<&str>) -> (String, String) {
    let subject = topic.map_or_else(|| "Quick note".to_owned(), capitalise);
    let about = topic.unwrap_or("something I've been meaning to mention");
    let body = format!(
        "Hi {to},\n\nI wanted to reach out about {about}. Here is where things stand and what I'd suggest next:\n\n\
         - what has been decided so far\n- what is still open\n- who will take the next step, and by when\n\n\
         Could you let me know what you think by the end of the week?\n\nBest regards,\n"
    );
    (subject, body)
}

/// A demo note (title, body) about `topic`.
pub fn note_draft(topic: Option<&str>) -> (String, String) {
    let title = topic.map_or_else(|| "Note".to_owned(), capitalise);
    let body = "Key points:\n- \n- \n\nDecisions:\n- \n\nNext steps:\n- ".to_owned();
    (title, body)
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

fn time_sentence(place: &str, clock_output: &str, date_only: bool) -> String {
    let Ok(clock) = serde_json::from_str::<Value>(clock_output) else {
        return format!("The clock says: {clock_output}.");
    };
    let field = |name: &str| clock.get(name).and_then(Value::as_str).unwrap_or("?").to_owned();
    let zone = field("timezone");
    let where_ =
        if place.eq_ignore_ascii_case(&zone) { zone.clone() } else { format!("{place} ({zone})") };
    if date_only {
        format!("In {where_} it is {}.", field("date"))
    } else {
        format!(
            "In {where_} it is {} on {} ({}, UTC{}).",
            field("time"),
            field("date"),
            field("abbreviation"),
            field("utc_offset")
        )
    }
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(name: &str, ok: bool, output: &str) -> Message {
        Message::Tool { call_id: "c".into(), name: name.into(), ok, output: output.into() }
    }

    #[test]
    fn answers_from_tool_results() {
        let intents =
            vec![Intent::Arithmetic("17 * 23".into()), Intent::Time { place: "Tokyo".into() }];
        let clock = r#"{"timezone":"Asia/Tokyo","date":"Tuesday, 24 November 2026","time":"08:20","abbreviation":"JST","utc_offset":"+09:00"}"#;
        let text =
            compose(&intents, &[tool("calculator", true, "391"), tool("clock", true, clock)]);
        assert_eq!(
            text,
            "17 * 23 = 391.\n\nIn Tokyo (Asia/Tokyo) it is 08:20 on Tuesday, 24 November 2026 (JST, UTC+09:00).\n\n\
             (Offline demo: these come straight from Telltale's built-in tools.)"
        );
        assert_eq!(
            plan(&intents),
            "I'll work out 17 * 23 with the calculator and check the clock for Tokyo."
        );
    }

    #[test]
    fn failed_tools_and_unknown_questions_are_explained() {
        let intents = vec![Intent::Time { place: "Atlantis".into() }];
        let text = compose(&intents, &[tool("clock", false, "unknown time zone")]);
        assert!(
            text.starts_with("I couldn't tell the time in Atlantis: unknown time zone."),
            "{text}"
        );
        let fallback = compose(&[], &[]);
        assert!(
            fallback.contains("no language model") && fallback.contains("API key"),
            "{fallback}"
        );
    }
}
