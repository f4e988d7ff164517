//! `telltale run --attach FILE` as a user runs it, against an OpenAI-compatible server on
//! 127.0.0.1: the files reach the server in the prompt's message; a missing file, one too large
//! for its kind and one of no kind Telltale sends each stop the command with its code before
//! anything is sent.

mod support;

#[path = "../../agent/tests/support/server.rs"]
mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

use server::{Reply, TestServer};
use support::{output, telltale_command};

fn red_png() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/attachments/red.png")
}

/// `telltale run --json --no-save --provider openai …` with each file of `files` attached.
fn telltale_attaching(base_url: &str, files: &[&Path], prompt: &[&str]) -> Command {
    let mut command = telltale_command();
    command
        .args(["run", "--json", "--no-save", "--keepalive-ms", "0", "--provider", "openai"])
        .args(["--base-url", base_url, "--model", "m"])
        .env_remove("OPENAI_API_KEY")
        .env_remove("TELLTALE_API_KEY");
    for file in files {
        command.arg("--attach").arg(file);
    }
    command.args(prompt);
    command
}

#[tokio::test]
async fn attached_files_reach_the_server_in_the_prompts_message() {
    let server = TestServer::always(Reply::openai_text("A red square.")).await;
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "# Shapes\nsquare\n").unwrap();

    let command =
        telltale_attaching(&server.base_url(), &[&red_png(), &notes], &["What", "is", "this?"]);
    let out = output(command).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let body = server.requests()[0].json();
    let parts = body["messages"][0]["content"].as_array().expect("content parts").clone();
    let png = base64_of(&std::fs::read(red_png()).unwrap());
    assert_eq!(parts[0]["type"], "image_url", "{body}");
    assert_eq!(parts[0]["image_url"]["url"], format!("data:image/png;base64,{png}"));
    assert!(parts[1]["text"].as_str().unwrap().contains("notes.md>\n# Shapes\nsquare"), "{body}");
    assert_eq!(parts[2]["text"], "What is this?");

    // Files alone are a prompt.
    let out = output(telltale_attaching(&server.base_url(), &[&red_png()], &[])).await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(server.requests().len(), 2);
}

fn base64_of(data: &[u8]) -> String {
    telltale_protocol::Attachment::new("x.png", data.to_vec()).unwrap().base64()
}

#[tokio::test]
async fn a_file_that_cannot_be_sent_stops_the_command_before_anything_is_sent() {
    let server = TestServer::always(Reply::openai_text("never")).await;
    let dir = tempfile::tempdir().unwrap();
    let mut big = std::fs::read(red_png()).unwrap();
    big.resize(6_200_000, 0);
    let big_png = dir.path().join("photo.png");
    std::fs::write(&big_png, big).unwrap();
    let binary = dir.path().join("tool");
    std::fs::write(&binary, b"\x7fELF\x02\x01\x01\0\0\0\0\0").unwrap();
    let missing = dir.path().join("gone.txt");

    let cases: [(&Path, &str, &str); 3] = [
        (&missing, "attachment_missing", "gone.txt does not exist"),
        (&big_png, "attachment_too_large", "photo.png is 6.2 MB: images may be at most 5 MB"),
        (&binary, "attachment_unsupported", "tool cannot be attached"),
    ];
    for (file, code, says) in cases {
        let command = telltale_attaching(&server.base_url(), &[&red_png(), file], &["hi"]);
        let out = output(command).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{code}: {stderr}");
        assert!(stderr.contains(code) && stderr.contains(says), "{code}: {stderr}");
        assert!(out.stdout.is_empty(), "no run started: {}", String::from_utf8_lossy(&out.stdout));
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}
