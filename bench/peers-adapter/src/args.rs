//! The command line: `telltale-peers-adapter [--no-save] [--telltale=PATH] [--data-dir=DIR] <base_url> <n>`
//! (the contract's `<command> [own flags…] <base_url> <n>`).

use std::path::PathBuf;

use crate::error::AdapterError;

pub struct Args {
    pub base_url: String,
    pub n: usize,
    /// Pass `--no-save` to `telltale run` (the history is recorded otherwise, the default).
    pub no_save: bool,
    /// The `telltale` binary; by default the one beside this adapter (same target folder).
    pub telltale: PathBuf,
    /// The history's data folder (TELLTALE_DATA_DIR of the child). Never the user's own.
    pub data_dir: PathBuf,
}

impl Args {
    pub fn parse(argv: impl IntoIterator<Item = String>) -> Result<Args, AdapterError> {
        let mut no_save = false;
        let mut telltale = None;
        let mut data_dir = None;
        let mut positional = Vec::new();
        for arg in argv {
            if arg == "--no-save" {
                no_save = true;
            } else if let Some(path) = arg.strip_prefix("--telltale=") {
                telltale = Some(PathBuf::from(path));
            } else if let Some(dir) = arg.strip_prefix("--data-dir=") {
                data_dir = Some(PathBuf::from(dir));
            } else if arg.starts_with("--") {
                return Err(AdapterError::Usage(format!("unknown flag {arg}")));
            } else {
                positional.push(arg);
            }
        }
        let [base_url, n] = <[String; 2]>::try_from(positional).map_err(|p| {
            AdapterError::Usage(format!("expected <base_url> <n>, got {} arguments", p.len()))
        })?;
        let n = n.parse().map_err(|_| AdapterError::Usage(format!("<n> is not a count: {n:?}")))?;
        let telltale = match telltale {
            Some(path) => path,
            None => beside_me("telltale")?,
        };
        // A fixed folder under the temp dir, so that runs after the first see an existing
        // history as a user's would (no schema creation in the cold-start figure).
        let data_dir =
            data_dir.unwrap_or_else(|| std::env::temp_dir().join("telltale-peers-adapter-history"));
        Ok(Args {
            base_url: base_url.trim_end_matches('/').to_owned(),
            n,
            no_save,
            telltale,
            data_dir,
        })
    }
}

/// `name` in the folder this executable is in.
fn beside_me(name: &str) -> Result<PathBuf, AdapterError> {
    let me = std::env::current_exe()
        .map_err(|e| AdapterError::Usage(format!("cannot find my own path: {e}")))?;
    let dir = me.parent().ok_or_else(|| AdapterError::Usage("my own path has no folder".into()))?;
    Ok(dir.join(name))
}
