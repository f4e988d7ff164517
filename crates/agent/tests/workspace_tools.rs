//! The workspace file tools against a real folder: what they list, read and find, and every way
//! out of the folder a model might try (none may succeed).

use std::fs;
use std::path::Path;

use serde_json::{json, Value};
use telltale_agent::tools::{file_tools, Workspace};
use telltale_agent::{Tool, ToolError};

struct Fixture {
    _dir: tempfile::TempDir,
    tools: Vec<std::sync::Arc<dyn Tool>>,
    outside: std::path::PathBuf,
}

/// `root/ws` is the workspace, with `root/ws/.telltale-data` as the app's data folder inside it
/// and `root/secret.txt` outside.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let ws = root.join("ws");
    fs::create_dir_all(ws.join("src/nested")).unwrap();
    fs::create_dir_all(ws.join("target")).unwrap();
    fs::create_dir_all(ws.join(".telltale-data")).unwrap();
    fs::write(ws.join(".gitignore"), "target/\n").unwrap();
    fs::write(ws.join("README.md"), "# Demo\nThe launch is on Friday.\n").unwrap();
    fs::write(ws.join("src/main.rs"), "fn main() {\n    println!(\"Launch\");\n}\n").unwrap();
    fs::write(ws.join("src/nested/notes.txt"), "launch checklist\n").unwrap();
    fs::write(ws.join("target/build.log"), "launch built\n").unwrap();
    fs::write(ws.join("image.bin"), [0u8, 1, 2, 3]).unwrap();
    fs::write(ws.join(".telltale-data/keys.json"), "{\"openai\":\"sk-secret\"}").unwrap();
    fs::write(ws.join(".telltale-data/history.sqlite3"), "launch sqlite").unwrap();
    fs::write(root.join("secret.txt"), "launch codes outside").unwrap();
    std::os::unix::fs::symlink(root.join("secret.txt"), ws.join("link-out.txt")).unwrap();
    std::os::unix::fs::symlink(root, ws.join("dir-out")).unwrap();
    std::os::unix::fs::symlink(ws.join("README.md"), ws.join("link-in.md")).unwrap();
    std::os::unix::fs::symlink(ws.join(".telltale-data"), ws.join("data-link")).unwrap();
    let workspace = Workspace::new(&ws, &[ws.join(".telltale-data")]).unwrap();
    Fixture { outside: root.join("secret.txt"), tools: file_tools(workspace), _dir: dir }
}

impl Fixture {
    async fn call(&self, name: &str, args: Value) -> Result<String, ToolError> {
        let tool = self.tools.iter().find(|t| t.spec().name == name).unwrap();
        tool.call(args).await
    }
}

#[tokio::test]
async fn list_files_honours_gitignore_and_hides_the_data_folder() {
    let f = fixture();
    let out = f.call("list_files", json!({})).await.unwrap();
    for shown in
        ["README.md (", "src/", "src/main.rs (", "src/nested/notes.txt (", "link-out.txt (link)"]
    {
        assert!(out.contains(shown), "{shown} missing from:\n{out}");
    }
    assert!(!out.contains("target/build.log"), "ignored file listed:\n{out}");
    assert!(
        !out.contains("keys.json") && !out.contains(".telltale-data"),
        "data folder listed:\n{out}"
    );
    let nested = f.call("list_files", json!({"path": "src"})).await.unwrap();
    assert!(nested.contains("src/main.rs") && !nested.contains("README"), "{nested}");
}

#[tokio::test]
async fn read_file_reads_text_and_line_ranges() {
    let f = fixture();
    assert_eq!(
        f.call("read_file", json!({"path": "README.md"})).await.unwrap(),
        "# Demo\nThe launch is on Friday.\n"
    );
    let part = f
        .call("read_file", json!({"path": "src/main.rs", "start_line": 2, "end_line": 2}))
        .await
        .unwrap();
    assert_eq!(part, "[src/main.rs lines 2–2 of 3]\n    println!(\"Launch\");\n");
    // A link that stays inside is followed.
    assert!(f.call("read_file", json!({"path": "link-in.md"})).await.unwrap().contains("Friday"));
    let binary = f.call("read_file", json!({"path": "image.bin"})).await.unwrap_err();
    assert!(binary.to_string().contains("binary"), "{binary}");
    let missing = f.call("read_file", json!({"path": "nope.txt"})).await.unwrap_err();
    assert!(missing.to_string().contains("does not exist"), "{missing}");
    let backwards =
        f.call("read_file", json!({"path": "README.md", "start_line": 2, "end_line": 1})).await;
    assert!(matches!(backwards, Err(ToolError::InvalidArgs(_))), "{backwards:?}");
}

#[tokio::test]
async fn arguments_that_do_not_fit_are_refused_saying_which() {
    let f = fixture();
    for (args, says) in [
        (json!({}), "path"),
        (json!({"path": 7}), "\"path\": invalid type: integer `7`, expected a string"),
        (json!({"path": "README.md", "start_line": 0}), "nonzero"),
        (json!({"path": "README.md", "end_line": "2"}), "end_line"),
    ] {
        let error = f.call("read_file", args.clone()).await.unwrap_err();
        assert!(matches!(error, ToolError::InvalidArgs(_)), "{args}: {error:?}");
        assert!(error.to_string().contains(says), "{args}: {error}");
    }
    // No arguments at all: list_files lists the workspace.
    assert!(f.call("list_files", Value::Null).await.unwrap().contains("README.md"));
}

#[tokio::test]
async fn a_big_file_comes_back_in_parts_that_say_how_to_go_on() {
    let f = fixture();
    let ws = f.outside.parent().unwrap().join("ws");
    let line = "x".repeat(99);
    fs::write(ws.join("big.txt"), format!("{line}\n").repeat(2000)).unwrap();
    let out = f.call("read_file", json!({"path": "big.txt"})).await.unwrap();
    let header = out.lines().next().unwrap();
    assert!(
        header.starts_with("[big.txt lines 1–")
            && header.contains("of 2000")
            && header.contains("ask for start_line"),
        "{header}"
    );
    assert!(out.len() <= 64 * 1024 + 200, "{} bytes", out.len());
}

#[tokio::test]
async fn search_files_finds_lines_like_ripgrep() {
    let f = fixture();
    let out = f.call("search_files", json!({"query": "launch"})).await.unwrap();
    assert!(out.starts_with("3 matching lines in 3 files:"), "{out}");
    for hit in [
        "README.md:2: The launch is on Friday.",
        "src/main.rs:2:     println!(\"Launch\");",
        "src/nested/notes.txt:1: launch checklist",
    ] {
        assert!(out.contains(hit), "{hit} missing from:\n{out}");
    }
    // Ignored, binary, data-folder and outside files are never searched.
    for never in ["build.log", "sqlite", "outside", "keys"] {
        assert!(!out.contains(never), "{never} found in:\n{out}");
    }
    // Capitals make the search case-sensitive; a query that is not a valid regex is literal.
    let exact = f.call("search_files", json!({"query": "Launch"})).await.unwrap();
    assert!(exact.starts_with("1 matching line in 1 file:"), "{exact}");
    let literal =
        f.call("search_files", json!({"query": "println!(\"", "path": "src"})).await.unwrap();
    assert!(literal.contains("src/main.rs:2:"), "{literal}");
    let none = f.call("search_files", json!({"query": "zebra"})).await.unwrap();
    assert_eq!(none, "No line matches \"zebra\" in ..");
}

/// Every attempt to leave the workspace or read the data folder fails, with a message that says
/// why, and nothing from outside is in it.
#[tokio::test]
async fn no_path_leaves_the_workspace_or_reaches_the_data_folder() {
    let f = fixture();
    let outside = f.outside.to_string_lossy().into_owned();
    let attempts = [
        "../secret.txt",
        "src/../../secret.txt",
        "./src/nested/../../../secret.txt",
        outside.as_str(),
        "/etc/passwd",
        "link-out.txt",
        "dir-out/secret.txt",
        "dir-out/ws/../secret.txt",
        ".telltale-data/keys.json",
        "data-link/keys.json",
        "src/../.telltale-data/keys.json",
        "%2e%2e/secret.txt",
        "..%2fsecret.txt",
        "README.md\0../../secret.txt",
    ];
    for path in attempts {
        let err = f.call("read_file", json!({"path": path})).await.unwrap_err().to_string();
        assert!(!err.contains("launch codes") && !err.contains("sk-secret"), "{path}: {err}");
        let why = ["outside the workspace", "data folder", "absolute", "does not exist", "NUL"];
        assert!(why.iter().any(|w| err.contains(w)), "{path}: {err}");
    }
    for (tool, args) in [
        ("list_files", json!({"path": ".."})),
        ("list_files", json!({"path": "dir-out"})),
        ("list_files", json!({"path": ".telltale-data"})),
        ("search_files", json!({"query": "launch", "path": "../"})),
        ("search_files", json!({"query": "sk-", "path": "data-link"})),
        ("search_files", json!({"query": "launch", "path": "link-out.txt"})),
    ] {
        let err = f.call(tool, args.clone()).await.unwrap_err().to_string();
        assert!(
            err.contains("outside the workspace") || err.contains("data folder"),
            "{tool} {args}: {err}"
        );
    }
}

#[test]
fn a_workspace_must_be_an_existing_folder() {
    let dir = tempfile::tempdir().unwrap();
    assert!(Workspace::new(&dir.path().join("missing"), &[]).is_err());
    fs::write(dir.path().join("file"), "x").unwrap();
    assert!(Workspace::new(&dir.path().join("file"), &[]).is_err());
    assert!(Workspace::new(Path::new(dir.path()), &[]).is_ok());
}

#[tokio::test]
async fn write_file_creates_and_replaces_inside_and_never_writes_outside() {
    let f = fixture();
    let ws = f.outside.parent().unwrap().join("ws");
    let created =
        f.call("write_file", json!({"path": "docs/new/plan.md", "content": "a\nb\n"})).await;
    assert_eq!(created.unwrap(), "Created docs/new/plan.md (2 lines, 4 B).");
    let replaced = f.call("write_file", json!({"path": "link-in.md", "content": "# New\n"})).await;
    assert_eq!(replaced.unwrap(), "Replaced README.md (1 line, 6 B).");
    assert_eq!(fs::read_to_string(ws.join("README.md")).unwrap(), "# New\n");
    for path in [
        "../escaped.txt",
        "link-out.txt",
        "dir-out/escaped.txt",
        "dir-out/ws/../escaped.txt",
        ".telltale-data/keys.json",
        "data-link/new.txt",
        "/tmp/escaped.txt",
        "README.md/inside-a-file.txt",
        "src",
    ] {
        let err = f.call("write_file", json!({"path": path, "content": "x"})).await.unwrap_err();
        assert!(!err.to_string().is_empty(), "{path}");
    }
    assert_eq!(fs::read_to_string(&f.outside).unwrap(), "launch codes outside");
    assert!(!f.outside.parent().unwrap().join("escaped.txt").exists());
    assert_eq!(
        fs::read_to_string(ws.join(".telltale-data/keys.json")).unwrap(),
        "{\"openai\":\"sk-secret\"}"
    );
    assert!(!ws.join(".telltale-data/new.txt").exists());
    let big = "x".repeat(1024 * 1024 + 1);
    let too_big = f.call("write_file", json!({"path": "big.txt", "content": big})).await;
    assert!(matches!(too_big, Err(ToolError::InvalidArgs(_))), "{too_big:?}");
}
