//! Why a run failed: each is printed as the contract's `"ok": false, "error": …` line.

use std::fmt;

#[derive(Debug)]
pub enum AdapterError {
    /// Bad command line.
    Usage(String),
    /// `telltale` could not be started or read.
    Spawn(std::io::Error),
    /// `telltale` ran but exited with a failure (a warm-up or the measured run).
    Exit { what: &'static str, code: Option<i32> },
    /// What `telltale` printed is not the protocol, or not the stream that was served.
    Stream(String),
}

impl fmt::Display for AdapterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdapterError::Usage(why) => write!(f, "usage: {why}"),
            AdapterError::Spawn(error) => write!(f, "cannot run telltale: {error}"),
            AdapterError::Exit { what, code: Some(code) } => {
                write!(f, "telltale ({what}) exited with {code}")
            }
            AdapterError::Exit { what, code: None } => {
                write!(f, "telltale ({what}) was killed by a signal")
            }
            AdapterError::Stream(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for AdapterError {}

impl AdapterError {
    /// The exit code: 2 could not measure, 3 measured but the stream is wrong (as the peers do).
    pub fn exit_code(&self) -> i32 {
        match self {
            AdapterError::Stream(_) => 3,
            _ => 2,
        }
    }
}
