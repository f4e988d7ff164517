//! The workspace's fence: every path a tool is given is resolved inside the folder the user
//! picked, or refused. `..`, absolute paths and symlinks that lead out are refused, and so is the
//! app's own data folder (history, settings, key file), even when it lies inside the workspace.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::tools::ToolError;

/// The folder the file tools work in, and the folders inside it that no tool may touch.
#[derive(Debug, Clone)]
pub struct Workspace {
    root: PathBuf,
    protected: Vec<PathBuf>,
}

impl Workspace {
    /// `root` must be an existing folder; `protected` folders (the app's data folder) are never
    /// readable or writable through the tools, whether or not they exist yet.
    pub fn new(root: &Path, protected: &[PathBuf]) -> io::Result<Self> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a folder", root.display()),
            ));
        }
        let protected = protected.iter().map(|p| resolve_existing_prefix(p)).collect();
        Ok(Workspace { root, protected })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The real path of `path` (relative to the workspace; `""` or `.` is the workspace itself),
    /// which must exist.
    pub fn existing(&self, path: &str) -> Result<PathBuf, ToolError> {
        let lexical = self.lexical(path)?;
        let real = lexical.canonicalize().map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => ToolError::Failed(format!("{path:?} does not exist")),
            _ => ToolError::Failed(format!("cannot open {path:?}: {e}")),
        })?;
        self.check_inside(path, &real)?;
        Ok(real)
    }

    /// Where a file at `path` is written: its folder (made when missing) must be inside the
    /// workspace, and when the file exists (or is a symlink) its real path must be inside too.
    pub fn writable(&self, path: &str) -> Result<PathBuf, ToolError> {
        let lexical = self.lexical(path)?;
        let (Some(parent), Some(name)) = (lexical.parent(), lexical.file_name()) else {
            return Err(ToolError::InvalidArgs(format!("{path:?} is not a file path")));
        };
        let mut existing = parent;
        while existing.symlink_metadata().is_err() {
            existing = existing.parent().ok_or_else(|| outside(path))?;
        }
        let real = existing.canonicalize().map_err(|e| failed(path, &e))?;
        self.check_inside(path, &real)?;
        if !real.is_dir() {
            return Err(ToolError::Failed(format!("{path:?} is inside a file, not a folder")));
        }
        std::fs::create_dir_all(parent).map_err(|e| failed(path, &e))?;
        let parent = parent.canonicalize().map_err(|e| failed(path, &e))?;
        self.check_inside(path, &parent)?;
        let target = parent.join(name);
        if target.symlink_metadata().is_ok() {
            let real = target
                .canonicalize()
                .map_err(|_| ToolError::Failed(format!("{path:?} is a broken link")))?;
            self.check_inside(path, &real)?;
            if real.is_dir() {
                return Err(ToolError::InvalidArgs(format!("{path:?} is a folder")));
            }
            return Ok(real);
        }
        Ok(target)
    }

    /// Whether `real` (a canonical path) is a protected folder or inside one.
    pub fn is_protected(&self, real: &Path) -> bool {
        self.protected.iter().any(|p| real.starts_with(p))
    }

    /// `path` as it would be relative to the workspace, with `.` and `..` applied by the rules of
    /// names alone; refuses what is absolute or climbs above the workspace.
    fn lexical(&self, path: &str) -> Result<PathBuf, ToolError> {
        if path.contains('\0') {
            return Err(ToolError::InvalidArgs("a path cannot contain a NUL byte".into()));
        }
        let mut inside = PathBuf::new();
        for component in Path::new(path).components() {
            match component {
                Component::Normal(name) => inside.push(name),
                Component::CurDir => {}
                Component::ParentDir => {
                    if !inside.pop() {
                        return Err(outside(path));
                    }
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(ToolError::InvalidArgs(format!(
                        "{path:?} is absolute: give a path relative to the workspace folder"
                    )))
                }
            }
        }
        Ok(self.root.join(inside))
    }

    fn check_inside(&self, path: &str, real: &Path) -> Result<(), ToolError> {
        if !real.starts_with(&self.root) {
            return Err(outside(path));
        }
        if self.is_protected(real) {
            return Err(ToolError::Failed(format!(
                "{path:?} is in Telltale's own data folder, which no tool may read or change"
            )));
        }
        Ok(())
    }

    /// `real` (a canonical path inside the workspace) as the tools show it: relative, with `/`.
    pub fn display(&self, real: &Path) -> String {
        let relative = real.strip_prefix(&self.root).unwrap_or(real);
        let shown = relative.to_string_lossy().replace('\\', "/");
        if shown.is_empty() {
            ".".to_owned()
        } else {
            shown
        }
    }
}

fn failed(path: &str, error: &io::Error) -> ToolError {
    ToolError::Failed(format!("cannot write {path:?}: {error}"))
}

fn outside(path: &str) -> ToolError {
    ToolError::Failed(format!("{path:?} is outside the workspace folder"))
}

/// The canonical form of the longest existing prefix of `path`, with the rest appended: a folder
/// that does not exist yet is still recognised once it is created.
fn resolve_existing_prefix(path: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut current = path.to_path_buf();
    loop {
        if let Ok(real) = current.canonicalize() {
            return rest.iter().rev().fold(real, |acc, name| acc.join(name));
        }
        match (current.file_name().map(ToOwned::to_owned), current.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                current = parent.to_path_buf();
            }
            _ => return path.to_path_buf(),
        }
    }
}
