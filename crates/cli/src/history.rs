//! `telltale list`, `telltale export`, `telltale import`, `telltale search`: the history the
//! desktop app and `telltale run` share (TELLTALE_DATA_DIR, else the app's data folder).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use telltale_history::{format_time, Format, History};

/// Opens the shared history, saying where it is when it cannot.
pub fn open() -> Result<History> {
    History::open_default().with_context(|| match telltale_history::data_dir() {
        Ok(dir) => format!("cannot open the history in {}", dir.display()),
        Err(_) => "cannot open the history".to_owned(),
    })
}

#[derive(Args)]
pub struct ListArgs {
    /// Print a JSON array of {id, title, created_at, updated_at} (epoch milliseconds).
    #[arg(long)]
    json: bool,
}

pub fn list(args: ListArgs) -> Result<i32> {
    let conversations = open()?.list_conversations()?;
    let json = args.json.then(|| serde_json::to_string(&conversations)).transpose()?;
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

pub fn export(args: ExportArgs) -> Result<i32> {
    let history = open()?;
    let id = history.resolve_id(&args.id)?;
    let format = match args.format {
        FormatArg::Md => Format::Markdown,
        FormatArg::Json => Format::Json,
        FormatArg::Html => Format::Html,
    };
    let text = history.export(&id, format)?;
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
