//! Telltale's files are the user's alone: on Unix, the data folder is 0700 and the files in it
//! (the history database with its `-wal` and `-shm`, `settings.json`, the key file) are 0600.
//! Each is made so, and one found looser (made by an older Telltale, copied in, a umask of 022)
//! is tightened: its group and other permissions are removed, its owner's kept. Elsewhere these
//! do nothing.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// A folder only its owner may list or enter.
pub const DIR_MODE: u32 = 0o700;
/// A file only its owner may read or write.
pub const FILE_MODE: u32 = 0o600;

/// Makes the folder `dir` (and its missing parents) if it does not exist, the folder itself
/// 0700 from the start; an existing `dir` is left as it is (see [`restrict`]).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(DIR_MODE);
    }
    match builder.create(dir) {
        // Made by another process meanwhile.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

/// Makes the folder `dir` as [`create_dir`] does and tightens it if it was looser: the data
/// folder.
pub fn data_dir(dir: &Path) -> io::Result<()> {
    create_dir(dir)?;
    restrict(dir)
}

/// A new file at `path`, 0600 from the start; fails if it exists.
pub fn create_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

/// Removes the group's and others' permissions from `path` (a file or a folder) if it has any;
/// nothing when it does not exist.
pub fn restrict(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = metadata.permissions().mode() & 0o7777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Flushes a folder's entries to disk (a file renamed into it stays renamed after a power cut);
/// nothing where folders cannot be opened as files.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn made_private_and_tightened_when_found_looser() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        data_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("f");
        create_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        assert!(create_file(&file).is_err(), "never opens one that exists");

        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o664)).unwrap();
        data_dir(&dir).unwrap();
        restrict(&file).unwrap();
        assert_eq!((mode(&dir), mode(&file)), (0o700, 0o600));
        // The owner's own choice stays.
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o400)).unwrap();
        restrict(&file).unwrap();
        assert_eq!(mode(&file), 0o400);
        restrict(&dir.join("missing")).unwrap();
    }
}
