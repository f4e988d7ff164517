//! `telltale list`, `telltale export`, `telltale import`, `telltale search`: the history the
//! desktop app and `telltale run` share (TELLTALE_DATA_DIR, else the app's data folder).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use telltale_history::{format_time, Format, History, Parent};

/// Opens the shared history, saying where it is when it cannot.
pub fn open() -> Result<History> {
    History::open_default().with_context(|| match telltale_history::data_dir() {
        Ok(dir) => format!("cannot open the history in {}", dir.display()),
        Err(_) => "cannot open the history".to_owned(),
    })
}

/// The conversation and the run a new run continues: `parent` (a run id or a unique start of
/// one, which must be in `conversation` when that is given too), else the latest run of
/// `conversation`.
pub fn place(
    history: &History,
    conversation: Option<&str>,
    parent: Option<&str>,
) -> Result<(String, Parent)> {
    let conversation = conversation.map(|prefix| history.resolve_id(prefix)).transpose()?;
    match (conversation, parent) {
        (conversation, Some(parent)) => {
            let (run_id, owner) = run_in(history, conversation.as_deref(), parent)?;
            Ok((owner, Parent::Run(run_id)))
        }
        (Some(conversation), None) => Ok((conversation, Parent::Latest)),
        (None, None) => anyhow::bail!("name a conversation or a run to continue"),
    }
}

/// The run whose id is or starts with `prefix`, and its conversation, which must be
/// `conversation` (a full id) when that is given.
pub fn run_in(
    history: &History,
    conversation: Option<&str>,
    prefix: &str,
) -> Result<(String, String)> {
    let (run_id, owner) = history.resolve_run(prefix)?;
    if let Some(conversation) = conversation.filter(|c| *c != owner) {
        anyhow::bail!("run {run_id} is in conversation {owner}, not in {conversation}");
    }
    Ok((run_id, owner))
}

#[derive(Args)]
pub struct ListArgs {
    /// Print a JSON array of {id, title, created_at, updated_at, runs} (epoch milliseconds),
    /// `runs` being the conversation's run tree: {run_id, parent_run_id, prompt, started_at,
    /// status} for each run, in the order they started.
    #[arg(long)]
    json: bool,
}

pub fn list(args: ListArgs) -> Result<i32> {
    let history = open()?;
    let conversations = history.list_conversations()?;
    let json = match args.json {
        true => {
            // Each conversation with its run tree.
            let listed = conversations
                .iter()
                .map(|c| {
                    let mut listed = serde_json::to_value(c)?;
                    listed["runs"] = serde_json::to_value(history.run_tree(&c.id)?)?;
                    Ok(listed)
                })
                .collect::<Result<Vec<_>>>()?;
            Some(serde_json::to_string(&listed)?)
        }
        false => None,
    };
    print(json, &conversations, |out, c| {
        writeln!(out, "{}  {}  {}", c.id, format_time(c.updated_at), c.title)
    })
}

/// Prints to stdout `json` (the items as one JSON array) if given, else each item as `line`
/// writes it.
fn print<T>(
    json: Option<String>,
    items: &[T],
    line: impl Fn(&mut std::io::StdoutLock<'static>, &T) -> std::io::Result<()>,
) -> Result<i32> {
    let mut out = std::io::stdout().lock();
    if let Some(json) = json {
        writeln!(out, "{json}")?;
    } else {
        for item in items {
            line(&mut out, item)?;
        }
    }
    out.flush()?;
    Ok(0)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Md,
    Json,
    Html,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The conversation's id (or enough of its start to be unique).
    id: String,
    #[arg(long, value_enum)]
    format: FormatArg,
    /// Write to this file instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Markdown and HTML: the branch that ends at this run (its id, or enough of its start to
    /// be unique) [default: the latest run's]. JSON always holds every run with its parent.
    #[arg(long, value_name = "RUN_ID")]
    run: Option<String>,
}

/// Writes `text` to `path` whole or not at all: a temporary file beside it, then a rename.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let name = path.file_name().context("the output path has no file name")?.to_string_lossy();
    let temp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let written = std::fs::write(&temp, text).and_then(|_| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// The history's error, its code after the message when it has one (`export_too_large`): what
/// a script matches on.
fn with_code(error: telltale_history::Error) -> anyhow::Error {
    match error.code() {
        Some(code) => anyhow::anyhow!("{error} ({code})"),
        None => error.into(),
    }
}

pub fn export(args: ExportArgs) -> Result<i32> {
    let history = open()?;
    let id = history.resolve_id(&args.id)?;
    let format = match args.format {
        FormatArg::Md => Format::Markdown,
        FormatArg::Json => Format::Json,
        FormatArg::Html => Format::Html,
    };
    let leaf = match &args.run {
        Some(run) => Some(run_in(&history, Some(&id), run)?.0),
        None => None,
    };
    let text = history.export_branch(&id, format, leaf.as_deref()).map_err(with_code)?;
    match args.output {
        Some(path) => write_atomically(&path, &text)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(0)
}

#[derive(Args)]
pub struct ImportArgs {
    /// A JSON export (`telltale export ID --format json`).
    file: PathBuf,
}

pub fn import(args: ImportArgs) -> Result<i32> {
    let conversation = open()?
        .import_file(&args.file)
        .with_context(|| format!("cannot import {}", args.file.display()))?;
    println!("{}", conversation.id);
    Ok(0)
}

#[derive(Args)]
pub struct SearchArgs {
    /// Print a JSON array of hits.
    #[arg(long)]
    json: bool,
    /// Most conversations to show.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// The words to find (all of them; the last one may be a prefix).
    #[arg(required = true, num_args = 1..)]
    query: Vec<String>,
}

pub fn search(args: SearchArgs) -> Result<i32> {
    let hits = open()?.search(&args.query.join(" "), args.limit)?;
    let json = args.json.then(|| serde_json::to_string(&hits)).transpose()?;
    print(json, &hits, |out, hit| {
        writeln!(
            out,
            "{}  {}\n    {}",
            hit.conversation_id,
            hit.title,
            hit.snippet_marked("[", "]").replace('\n', " ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_too_large_to_import_says_so_with_its_code() {
        let large = telltale_history::Error::ExportTooLarge { size: 600 << 20, limit: 512 << 20 };
        let message = format!("{:#}", with_code(large));
        assert!(message.starts_with("the JSON export would be 600.0 MiB"), "{message}");
        assert!(message.ends_with(" (export_too_large)"), "{message}");
        let missing = format!("{:#}", with_code(telltale_history::Error::NotFound("c1".into())));
        assert_eq!(missing, "no conversation c1");
    }
}
