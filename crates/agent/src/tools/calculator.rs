//! `calculator`: evaluates an arithmetic expression with the `evalexpr` crate.

use async_trait::async_trait;
use serde_json::{json, Value};
use telltale_protocol::StatusIcon;

use super::{status_naming, string_arg, Tool, ToolError, ToolSpec};

/// Functions a user may write, and the evalexpr names they stand for.
const FUNCTIONS: &[(&str, &str)] = &[
    ("sqrt", "math::sqrt"),
    ("abs", "math::abs"),
    ("ln", "math::ln"),
    ("log10", "math::log10"),
    ("log", "math::log10"),
    ("sin", "math::sin"),
    ("cos", "math::cos"),
    ("tan", "math::tan"),
    ("floor", "floor"),
    ("ceil", "ceil"),
    ("round", "round"),
];

pub struct Calculator;

#[async_trait]
impl Tool for Calculator {
    fn spec(&self) -> ToolSpec {
        ToolSpec::object(
            "calculator",
            "Evaluates an arithmetic expression exactly, e.g. \"17 * 23\" or \"(2.5 + 4) ^ 2 / 3\". \
             Supports + - * / % ^, parentheses, sqrt, abs, ln, log, sin, cos, tan, floor, ceil, round, pi, e.",
            json!({"expression": {"type": "string", "description": "The expression to evaluate."}}),
            &["expression"],
        )
    }

    fn status(&self, args: &Value) -> (String, StatusIcon) {
        let named = |expr: &str| format!("Calculating {expr}…");
        status_naming(args, "expression", named, "Calculating…", StatusIcon::Calculator)
    }

    async fn call(&self, args: Value) -> Result<String, ToolError> {
        let expression = string_arg(&args, "expression")?;
        evaluate(&expression).map(format_number)
    }
}

/// Evaluates `expression` as floating-point arithmetic (so that `7 / 2` is 3.5, not 3).
pub fn evaluate(expression: &str) -> Result<f64, ToolError> {
    let prepared = prepare(expression)?;
    let value = evalexpr::eval(&prepared)
        .map_err(|e| ToolError::Failed(format!("cannot evaluate \"{expression}\": {e}")))?;
    let number = value
        .as_number()
        .map_err(|_| ToolError::Failed(format!("\"{expression}\" is not a number")))?;
    if number.is_finite() {
        Ok(number)
    } else {
        Err(ToolError::Failed(format!("\"{expression}\" has no finite value (division by zero?)")))
    }
}

/// Longest expression evaluated, and deepest nesting of parentheses: evalexpr parses and
/// evaluates recursively, so that a model (or a prompt) cannot overflow the stack and take the
/// app down with a pathological expression.
pub const MAX_EXPRESSION_CHARS: usize = 500;
pub const MAX_NESTING: usize = 32;

/// Refuses what is too long or too deeply nested to evaluate safely.
fn check_size(expression: &str) -> Result<(), ToolError> {
    if expression.chars().count() > MAX_EXPRESSION_CHARS {
        return Err(ToolError::InvalidArgs(format!(
            "the expression is longer than {MAX_EXPRESSION_CHARS} characters; split it up"
        )));
    }
    let mut depth = 0usize;
    for c in expression.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            return Err(ToolError::InvalidArgs(format!(
                "the expression nests parentheses more than {MAX_NESTING} deep"
            )));
        }
    }
    Ok(())
}

/// Checks that `expression` is plain arithmetic and rewrites it for evalexpr: functions get their
/// `math::` names, integer literals become floats, `×`/`÷` become `*`/`/`.
fn prepare(expression: &str) -> Result<String, ToolError> {
    check_size(expression)?;
    let mut out = String::with_capacity(expression.len() + 8);
    let chars: Vec<char> = expression.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || chars[i] == '.' || chars[i] == '_')
            {
                i += 1;
            }
            let literal: String = chars[start..i].iter().filter(|c| **c != '_').collect();
            if literal.matches('.').count() > 1 {
                return Err(ToolError::InvalidArgs(format!("\"{literal}\" is not a number")));
            }
            if literal.starts_with('.') {
                out.push('0');
            }
            out.push_str(&literal);
            if !literal.contains('.') {
                out.push_str(".0");
            } else if literal.ends_with('.') {
                out.push('0');
            }
            continue;
        }
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric()) {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_lowercase();
            match word.as_str() {
                "pi" => out.push_str(&format!("{:?}", std::f64::consts::PI)),
                "e" => out.push_str(&format!("{:?}", std::f64::consts::E)),
                "x" => out.push('*'),
                _ => match FUNCTIONS.iter().find(|(name, _)| *name == word) {
                    Some((_, evalexpr_name)) => out.push_str(evalexpr_name),
                    None => {
                        return Err(ToolError::InvalidArgs(format!(
                            "unknown name \"{word}\" in \"{expression}\"; use numbers, + - * / % ^ and functions like sqrt"
                        )))
                    }
                },
            }
            continue;
        }
        match c {
            '+' | '-' | '*' | '/' | '%' | '^' | '(' | ')' | ' ' | '\t' | '\n' => out.push(c),
            ',' => out.push(','),
            '×' | '·' => out.push('*'),
            '÷' => out.push('/'),
            '−' => out.push('-'),
            _ => {
                return Err(ToolError::InvalidArgs(format!(
                    "\"{c}\" is not allowed in an arithmetic expression"
                )))
            }
        }
        i += 1;
    }
    if out.trim().is_empty() {
        return Err(ToolError::InvalidArgs("the expression is empty".into()));
    }
    Ok(out)
}

/// Formats a result the way a person writes it: `391`, `3.5`, `0.333333333333`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let text = format!("{:.12}", n);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" || text.is_empty() {
        "0".into()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// These used to overflow evalexpr's recursive parser and abort the whole app.
    #[test]
    fn pathological_expressions_are_refused_not_evaluated() {
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let err = evaluate(&deep).unwrap_err().to_string();
        assert!(err.contains("longer than 500"), "{err}");
        let nested = format!("{}1{}", "(".repeat(40), ")".repeat(40));
        let err = evaluate(&nested).unwrap_err().to_string();
        assert!(err.contains("more than 32 deep"), "{err}");
        let chain = format!("{}1", "-".repeat(10_000));
        assert!(evaluate(&chain).is_err());
        let fine = format!("{}1{}", "(".repeat(32), ")".repeat(32));
        assert_eq!(evaluate(&fine).unwrap(), 1.0);
        assert_eq!(evaluate(&format!("{}1", "1+".repeat(200))).unwrap(), 201.0);
    }

    #[test]
    fn evaluates_everyday_arithmetic() {
        let cases = [
            ("17 * 23", "391"),
            ("7 / 2", "3.5"),
            ("2 ^ 10", "1024"),
            ("(1 + 2) * 3 - 4", "5"),
            ("10 % 4", "2"),
            ("1 / 3", "0.333333333333"),
            ("sqrt(16) + abs(-2)", "6"),
            ("12 × 3 ÷ 4", "9"),
            (".5 + 1_000", "1000.5"),
            ("-3 * -3", "9"),
            // Every function and constant the tool's description offers.
            ("ln(e) + log(1000) + log10(100)", "6"),
            ("sin(0) + cos(0) + tan(0)", "1"),
            ("floor(2.7) + ceil(2.2) + round(2.5)", "8"),
            ("round(pi * 1000)", "3142"),
        ];
        for (expr, want) in cases {
            let got = evaluate(expr).map(format_number);
            assert_eq!(got.as_deref().ok(), Some(want), "{expr}: {got:?}");
        }
    }

    #[test]
    fn rejects_what_is_not_arithmetic() {
        for bad in ["", "a = 3", "\"text\"", "foo(2)", "1 / 0", "1.2.3 + 1", "x; y"] {
            assert!(evaluate(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[tokio::test]
    async fn call_reports_missing_argument() {
        let err = Calculator.call(json!({})).await.unwrap_err();
        assert!(err.to_string().contains("expression"), "{err}");
    }
}
