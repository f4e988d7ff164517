//! What the offline demo understands in a prompt: arithmetic, time, date, greetings, help.

// The patterns are constants, each compiled by the tests below: none comes from outside.
#![allow(clippy::expect_used)]

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// An arithmetic expression, ready for the calculator.
    Arithmetic(String),
    /// The time (and date) in a place, as the user named it ("UTC" when they named none).
    Time {
        place: String,
    },
    /// Today's date in a place.
    Date {
        place: String,
    },
    /// An email to draft: to whom, and about what (if the user said).
    DraftEmail {
        to: String,
        topic: Option<String>,
    },
    /// A note to draft, about what (if the user said).
    DraftNote {
        topic: Option<String>,
    },
    Greeting,
    Help,
}

static WORD_OPERATORS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"(?i)\bmultiplied by\b", "*"),
        (r"(?i)\btimes\b", "*"),
        (r"(?i)\bplus\b", "+"),
        (r"(?i)\bminus\b", "-"),
        (r"(?i)\bdivided by\b", "/"),
        (r"(?i)\bto the power of\b", "^"),
        (r"(?i)\bsquared\b", "^ 2"),
        (r"(\d)\s*[xX]\s*(\d)", "$1 * $2"),
        (r"(\d),(\d{3})\b", "$1$2"),
        (r"(\d+(?:\.\d+)?)\s*%\s*of\s*(\d+(?:\.\d+)?)", "($1 / 100 * $2)"),
    ]
    .into_iter()
    .map(|(pattern, replacement)| (Regex::new(pattern).expect("static regex"), replacement))
    .collect()
});

/// Declares each `NAME = pattern;` as a static `Regex` compiled on first use.
macro_rules! patterns {
    ($($name:ident = $pattern:literal;)*) => {
        $(static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).expect("static regex"));)*
    };
}

patterns! {
    EXPRESSION = r"[-(]*\d[\d\s.+\-*/^%×÷()]*[\d)]";
    ISO_DATE = r"^\d{4}-\d{1,2}-\d{1,2}$";
    TIME = r"(?i)\b(what time|time is it|the time|current time|time in|time now|clock)\b";
    DATE = r"(?i)\b(date|what day|which day|day is it|day of the week)\b";
    PLACE = r"(?i)\bin\s+([A-Za-z][A-Za-z_/\- ]{0,40}?)\s*(?:[?.!,;]|\s(?:and|right|now|today|please|at|currently)\b|$)";
    DRAFT_EMAIL = r"(?i)\b(draft|write|compose|prepare)\b.*\b(e-?mail|message|letter)\b(?:.*?\bto\s+([\w.@+-]+(?-i:\s[A-Z][\w-]*)?))?";
    DRAFT_NOTE = r"(?i)\b(draft|write|take|make|jot)\b.*\bnote\b";
    TOPIC = r"(?i)\b(?:about|regarding|on the subject of|for)\s+(.{1,80}?)\s*[.?!]*$";
    GREETING = r"(?i)^\s*(hi|hello|hey|good (morning|afternoon|evening)|howdy)\b";
    HELP = r"(?i)(what can you do|\bhelp\b|who are you|what are you)";
}

/// Everything the demo recognises in `prompt`, in the order it will answer.
pub fn detect(prompt: &str) -> Vec<Intent> {
    let topic =
        || TOPIC.captures(prompt).and_then(|c| c.get(1)).map(|m| m.as_str().trim().to_owned());
    if let Some(email) = DRAFT_EMAIL.captures(prompt) {
        let to = email.get(3).map_or("there", |m| m.as_str()).trim().to_owned();
        return vec![Intent::DraftEmail { to, topic: topic() }];
    }
    if DRAFT_NOTE.is_match(prompt) {
        return vec![Intent::DraftNote { topic: topic() }];
    }
    let mut intents = Vec::new();
    if let Some(expression) = arithmetic(prompt) {
        intents.push(Intent::Arithmetic(expression));
    }
    let place = PLACE
        .captures(prompt)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_owned())
        .unwrap_or_else(|| "UTC".to_owned());
    if TIME.is_match(prompt) {
        intents.push(Intent::Time { place });
    } else if DATE.is_match(prompt) {
        intents.push(Intent::Date { place });
    }
    if intents.is_empty() {
        if HELP.is_match(prompt) {
            intents.push(Intent::Help);
        } else if GREETING.is_match(prompt) {
            intents.push(Intent::Greeting);
        }
    }
    intents
}

/// The first arithmetic expression in `prompt`, with words and symbols made plain.
fn arithmetic(prompt: &str) -> Option<String> {
    let mut text = prompt.to_owned();
    for (pattern, replacement) in WORD_OPERATORS.iter() {
        text = pattern.replace_all(&text, *replacement).into_owned();
    }
    EXPRESSION.find_iter(&text).map(|m| balance(m.as_str().trim())).find(|candidate| {
        let has_operator = candidate
            .trim_start_matches(['-', '('])
            .contains(['+', '-', '*', '/', '^', '%', '×', '÷']);
        has_operator && !ISO_DATE.is_match(candidate)
    })
}

/// Drops unmatched parentheses at the ends ("(2 + 3) * 4)" → "(2 + 3) * 4").
fn balance(candidate: &str) -> String {
    let mut text = candidate.to_owned();
    loop {
        let open = text.matches('(').count();
        let close = text.matches(')').count();
        if close > open && text.ends_with(')') {
            text.pop();
        } else if open > close && text.starts_with('(') {
            text.remove(0);
        } else {
            return text.trim().to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(place: &str) -> Intent {
        Intent::Time { place: place.into() }
    }

    #[test]
    fn recognises_the_intents_of_everyday_prompts() {
        let cases: Vec<(&str, Vec<Intent>)> = vec![
            (
                "What is 17 * 23, and what time is it in Tokyo?",
                vec![Intent::Arithmetic("17 * 23".into()), time("Tokyo")],
            ),
            ("what's 12 times 4 plus 2", vec![Intent::Arithmetic("12 * 4 + 2".into())]),
            ("How much is (2 + 3) * 4?", vec![Intent::Arithmetic("(2 + 3) * 4".into())]),
            ("what is 15% of 80?", vec![Intent::Arithmetic("(15 / 100 * 80)".into())]),
            ("1,200 / 4", vec![Intent::Arithmetic("1200 / 4".into())]),
            ("Current time in New York right now?", vec![time("New York")]),
            ("what time is it", vec![time("UTC")]),
            (
                "What's the date in Asia/Kolkata?",
                vec![Intent::Date { place: "Asia/Kolkata".into() }],
            ),
            ("Hello there", vec![Intent::Greeting]),
            ("what can you do?", vec![Intent::Help]),
            ("Write me a poem about the sea", vec![]),
            (
                "Draft an email to Alice about the launch date.",
                vec![Intent::DraftEmail {
                    to: "Alice".into(),
                    topic: Some("the launch date".into()),
                }],
            ),
            ("write an email please", vec![Intent::DraftEmail { to: "there".into(), topic: None }]),
            (
                "Take a note about the Q3 planning meeting",
                vec![Intent::DraftNote { topic: Some("the Q3 planning meeting".into()) }],
            ),
            ("Remind me about 2026-11-23", vec![]),
        ];
        for (prompt, want) in cases {
            assert_eq!(detect(prompt), want, "{prompt}");
        }
    }
}
