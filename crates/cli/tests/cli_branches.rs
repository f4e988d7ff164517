//! Branches from the terminal: `run --parent` continues any run (a new branch beside its
//! continuation), `run --conversation` the latest run, `list --json` and `export` show the tree.

use std::path::Path;
use std::process::{Command, Output};

fn telltale(data: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telltale"));
    command.env("TELLTALE_DATA_DIR", data).env_remove("TELLTALE_PROVIDER");
    command.args(args).output().expect("telltale runs")
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = telltale(data, args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Runs `prompt` with the offline demo at full speed after `place` (`--conversation ID`,
/// `--parent RUN`); returns what it said on stderr.
fn run(data: &Path, place: &[&str], prompt: &str) -> String {
    let mut args = vec!["run", "--provider", "offline", "--pace-ms", "0", "--keepalive-ms", "0"];
    args.extend(place);
    args.push(prompt);
    let out = telltale(data, &args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The conversation's runs as `list --json` gives them: (prompt, run id, parent's prompt).
fn tree(data: &Path) -> Vec<(String, String, Option<String>)> {
    let listed: serde_json::Value = serde_json::from_str(&ok(data, &["list", "--json"])).unwrap();
    let runs = listed[0]["runs"].as_array().unwrap();
    let prompt_of = |id: &serde_json::Value| {
        runs.iter().find(|r| r["run_id"] == *id).map(|r| r["prompt"].as_str().unwrap().to_owned())
    };
    runs.iter()
        .map(|r| {
            assert_eq!(r["status"], "completed");
            let id = r["run_id"].as_str().unwrap().to_owned();
            (r["prompt"].as_str().unwrap().to_owned(), id, prompt_of(&r["parent_run_id"]))
        })
        .collect()
}

#[test]
fn a_run_continues_any_run_and_list_and_export_show_the_tree() {
    let data = tempfile::tempdir().unwrap();
    let data = data.path();
    let said = run(data, &[], "alpha");
    let id = said.lines().find_map(|l| l.strip_prefix("conversation ")).unwrap().to_owned();
    run(data, &["--conversation", &id], "bravo");
    let runs = tree(data);
    let alpha = runs[0].1.clone();
    // From alpha again, by a unique start of its id, its conversation implied.
    run(data, &["--parent", &alpha[..8]], "charlie");
    // No parent named: the latest run, charlie.
    run(data, &["--conversation", &id[..6]], "delta");
    let some = |s: &str| Some(s.to_owned());
    let shape: Vec<_> =
        tree(data).into_iter().map(|(prompt, _, parent)| (prompt, parent)).collect();
    assert_eq!(
        shape,
        [
            ("alpha".to_owned(), None),
            ("bravo".to_owned(), some("alpha")),
            ("charlie".to_owned(), some("alpha")),
            ("delta".to_owned(), some("charlie")),
        ]
    );
    let bravo = tree(data)[1].1.clone();

    let md = ok(data, &["export", &id, "--format", "md"]);
    assert!(md.contains("> alpha") && md.contains("> charlie") && md.contains("> delta"), "{md}");
    assert!(!md.contains("> bravo"), "only the latest branch: {md}");
    let md = ok(data, &["export", &id, "--format", "html", "--run", &bravo]);
    assert!(md.contains(">alpha<") && md.contains(">bravo<") && !md.contains("delta"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(data, &["export", &id, "--format", "json"])).unwrap();
    let parents: Vec<_> =
        json["runs"].as_array().unwrap().iter().map(|r| r["parent_run_id"].clone()).collect();
    assert_eq!(
        parents,
        [
            serde_json::Value::Null,
            alpha.clone().into(),
            alpha.clone().into(),
            tree(data)[2].1.clone().into()
        ]
    );

    // A run of another conversation is refused, and nothing runs.
    let other = run(data, &[], "echo");
    let other = other.lines().find_map(|l| l.strip_prefix("conversation ")).unwrap().to_owned();
    let out = telltale(data, &["run", "--conversation", &other, "--parent", &alpha, "foxtrot"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("is in conversation {id}, not in {other}")), "{stderr}");
    let out = telltale(data, &["run", "--parent", "no-such-run", "golf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no run no-such-run"));
}
