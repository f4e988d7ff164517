//! The history on disk is the user's alone: the data folder 0700, the database and its -wal and
//! -shm files 0600, whatever the umask; made so when created, tightened when found looser.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use telltale_history::{History, DB_FILE};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn set(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn the_data_folder_and_database_files_are_private_when_made_and_when_found_looser() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("app.telltale.desktop");
    let db = data.join(DB_FILE);
    let (wal, shm) = (data.join(format!("{DB_FILE}-wal")), data.join(format!("{DB_FILE}-shm")));

    let history = History::open_in(&data).unwrap();
    let conversation = history.create_conversation("private").unwrap();
    let recorder = history.start_run(&conversation.id, "r1", "hello").unwrap();
    recorder.finish().unwrap();
    assert!(wal.exists() && shm.exists(), "WAL mode keeps its -wal and -shm beside the database");
    assert_eq!(mode(&data), 0o700);
    for file in [&db, &wal, &shm] {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }

    // Made by an older Telltale, or copied in, with a umask of 022 (the first history stays
    // open: older versions removed the -wal and -shm files when the last connection closed).
    set(&data, 0o755);
    for file in [&db, &wal, &shm] {
        set(file, 0o644);
    }
    let again = History::open_in(&data).unwrap();
    assert_eq!(again.list_conversations().unwrap().len(), 1);
    assert_eq!(mode(&data), 0o700);
    for file in [&db, &wal, &shm] {
        assert_eq!(mode(file), 0o600, "{} tightened", file.display());
    }
    drop(history);
}
